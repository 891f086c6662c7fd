"""eddsa-jcs-2022: JCS (RFC 8785), SHA-256, Ed25519. https://www.w3.org/TR/vc-di-eddsa/#eddsa-jcs-2022

The same hashing and signature as eddsa-rdfc-2022; the document and the proof configuration
are canonicalized as JSON (RFC 8785) instead of as RDF, so no JSON-LD processing is involved in
the signature. The proof itself carries the document's ``@context`` (Create Proof step 2), and
a verifier checks that the document's ``@context`` begins with it (Verify Proof step 4).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from vcissuer.errors import MALFORMED_PROOF_ERROR, PROOF_VERIFICATION_ERROR, ProofError
from vcissuer.jsonld import DocumentCanonicalizer
from vcissuer.jsonld.jcs import JcsError, jcs_canonicalize
from vcissuer.proofs.suites.eddsa_rdfc_2022 import EddsaRdfc2022

__all__ = ["EddsaJcs2022", "jcs_hash_data"]


def _as_list(context: Any) -> list[Any]:
    return list(context) if isinstance(context, list) else [context]


def jcs_hash_data(document: Mapping[str, Any], proof_options: Mapping[str, Any]) -> bytes:
    """SHA-256(JCS(proof configuration)) || SHA-256(JCS(document)).

    ``proof_options`` is the proof (its ``proofValue`` is left out). When it has an
    ``@context``, the document's ``@context`` must start with the same values in the same
    order, and the document is then canonicalized with the proof's ``@context``.

    https://www.w3.org/TR/vc-di-eddsa/#verify-proof-eddsa-jcs-2022 steps 4-5,
    #transformation-eddsa-jcs-2022, #proof-configuration-eddsa-jcs-2022,
    #hashing-eddsa-jcs-2022 (proof hash first).
    """
    config = {k: v for k, v in proof_options.items() if k != "proofValue"}
    if "@context" in config:
        expected = _as_list(config["@context"])
        actual = _as_list(document.get("@context"))
        if actual[:len(expected)] != expected:
            raise ProofError(
                "the document's @context does not start with the proof's @context",
                code=PROOF_VERIFICATION_ERROR,
            )
        document = {**document, "@context": config["@context"]}
    try:
        canonical_config = jcs_canonicalize(config)
        canonical_document = jcs_canonicalize(document)
    except JcsError as error:
        raise ProofError(f"the document cannot be canonicalized (RFC 8785): {error}",
                         code=MALFORMED_PROOF_ERROR) from None
    return hashlib.sha256(canonical_config).digest() + hashlib.sha256(canonical_document).digest()


class EddsaJcs2022(EddsaRdfc2022):
    """eddsa-jcs-2022: JCS, SHA-256, Ed25519. https://www.w3.org/TR/vc-di-eddsa/#eddsa-jcs-2022

    Everything but the hashing (proof options, the proof check, the signature encoding) is
    eddsa-rdfc-2022's."""

    name = "eddsa-jcs-2022"
    proof_context = True
    legacy_names = ()

    def _hash(self, document: Mapping[str, Any], proof_options: Mapping[str, Any],
              canonicalizer: DocumentCanonicalizer) -> bytes:
        return jcs_hash_data(document, proof_options)
