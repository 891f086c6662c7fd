"""eddsa-rdfc-2022: RDFC-1.0, SHA-256, Ed25519. https://www.w3.org/TR/vc-di-eddsa/#eddsa-rdfc-2022"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vcissuer.errors import MALFORMED_PROOF_ERROR, ProofError
from vcissuer.jsonld import DocumentCanonicalizer
from vcissuer.keys.base import KeyAlgorithm
from vcissuer.keys.multibase import multibase_decode, multibase_encode
from vcissuer.proofs.suites.base import rdfc_hash_data

__all__ = ["EddsaRdfc2022", "decode_ed25519_proof_value"]

SIGNATURE_LENGTH = 64


def decode_ed25519_proof_value(proof_value: object) -> bytes:
    """proofValue: multibase base58btc (``z``) of a 64-byte Ed25519 signature."""
    if not isinstance(proof_value, str) or not proof_value:
        raise ProofError("proofValue is missing or not a string", code=MALFORMED_PROOF_ERROR)
    if not proof_value.startswith("z"):
        raise ProofError(
            f"proofValue must be multibase base58btc (prefix 'z'), not {proof_value[:1]!r}",
            code=MALFORMED_PROOF_ERROR,
        )
    try:
        # Refused by its length before any decoding: a proofValue of megabytes costs nothing.
        signature = multibase_decode(proof_value, max_bytes=SIGNATURE_LENGTH)
    except Exception as error:  # noqa: BLE001 - any decoding failure is a malformed proof
        raise ProofError(f"proofValue is not valid base58btc: {error}",
                         code=MALFORMED_PROOF_ERROR) from None
    if len(signature) != SIGNATURE_LENGTH:
        raise ProofError(
            f"proofValue decodes to {len(signature)} bytes; an Ed25519 signature has 64",
            code=MALFORMED_PROOF_ERROR,
        )
    return signature


class EddsaRdfc2022:
    """eddsa-rdfc-2022: RDFC-1.0, SHA-256, Ed25519. https://www.w3.org/TR/vc-di-eddsa/"""

    name = "eddsa-rdfc-2022"
    proof_type = "DataIntegrityProof"
    algorithm = KeyAlgorithm.ED25519
    can_sign = True
    proof_context = False
    # The pre-REC name of the same suite; still found on OB 3.0 badges (verify only).
    legacy_names: tuple[str, ...] = ("eddsa-2022",)

    def matches(self, proof: Mapping[str, Any]) -> bool:
        return proof.get("type") == self.proof_type and (
            proof.get("cryptosuite") == self.name or proof.get("cryptosuite") in self.legacy_names
        )

    def proof_options(self) -> dict[str, Any]:
        return {"type": self.proof_type, "cryptosuite": self.name}

    def hash_data(
        self,
        document: Mapping[str, Any],
        proof_options: Mapping[str, Any],
        *,
        canonicalizer: DocumentCanonicalizer,
    ) -> bytes:
        # https://www.w3.org/TR/vc-di-eddsa/#proof-configuration-eddsa-rdfc-2022 step 2 (and
        # the same step of eddsa-jcs-2022, which shares everything here but the hashing)
        if not self.matches(proof_options):
            raise ProofError(
                f"proof type must be DataIntegrityProof and cryptosuite {self.name}",
                code=MALFORMED_PROOF_ERROR,
            )
        return self._hash(document, proof_options, canonicalizer)

    def _hash(self, document: Mapping[str, Any], proof_options: Mapping[str, Any],
              canonicalizer: DocumentCanonicalizer) -> bytes:
        return rdfc_hash_data(document, proof_options, canonicalizer=canonicalizer)

    def encode_signature(self, signature: bytes) -> str:
        return multibase_encode(signature, base="z")

    def decode_signature(self, proof_value: str) -> bytes:
        return decode_ed25519_proof_value(proof_value)
