"""Ed25519Signature2020, verify only: older OB 3.0 badges in the wild still carry it.

https://www.w3.org/TR/vc-di-eddsa/#ed25519signature2020 — the same transformation, hashing and
signature as eddsa-rdfc-2022, under its own proof type and no ``cryptosuite``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vcissuer.errors import MALFORMED_PROOF_ERROR, ProofError
from vcissuer.jsonld import DocumentCanonicalizer
from vcissuer.keys.base import KeyAlgorithm
from vcissuer.keys.multibase import multibase_encode
from vcissuer.proofs.suites.base import rdfc_hash_data
from vcissuer.proofs.suites.eddsa_rdfc_2022 import decode_ed25519_proof_value

__all__ = ["Ed25519Signature2020"]


class Ed25519Signature2020:
    """Ed25519Signature2020 (legacy): verify only."""

    name = "Ed25519Signature2020"
    proof_type = "Ed25519Signature2020"
    algorithm = KeyAlgorithm.ED25519
    can_sign = False
    proof_context = False

    def matches(self, proof: Mapping[str, Any]) -> bool:
        return proof.get("type") == self.proof_type

    def proof_options(self) -> dict[str, Any]:
        return {"type": self.proof_type}

    def hash_data(
        self,
        document: Mapping[str, Any],
        proof_options: Mapping[str, Any],
        *,
        canonicalizer: DocumentCanonicalizer,
    ) -> bytes:
        if not self.matches(proof_options):
            raise ProofError("proof type must be Ed25519Signature2020", code=MALFORMED_PROOF_ERROR)
        return rdfc_hash_data(document, proof_options, canonicalizer=canonicalizer)

    def encode_signature(self, signature: bytes) -> str:
        return multibase_encode(signature, base="z")

    def decode_signature(self, proof_value: str) -> bytes:
        return decode_ed25519_proof_value(proof_value)
