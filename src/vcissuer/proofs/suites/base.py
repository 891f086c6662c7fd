"""The Cryptosuite protocol: what a suite supplies to the generic Data Integrity algorithms.

The generic algorithms (proof sets, chains, purposes, resolution) live once, in
:mod:`vcissuer.proofs.data_integrity`; a suite supplies only what differs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, Protocol

from vcissuer.jsonld import DocumentCanonicalizer
from vcissuer.keys.base import KeyAlgorithm

__all__ = ["Cryptosuite", "rdfc_hash_data"]


class Cryptosuite(Protocol):
    """A Data Integrity cryptosuite (or legacy proof type)."""

    name: str
    proof_type: str
    algorithm: KeyAlgorithm
    can_sign: bool
    # True when the proof records the document's @context (eddsa-jcs-2022 Create Proof step 2).
    proof_context: bool

    def matches(self, proof: Mapping[str, Any]) -> bool:
        """True when this suite handles ``proof``."""
        ...

    def proof_options(self) -> dict[str, Any]:
        """The suite's fixed proof fields (``type``, ``cryptosuite``)."""
        ...

    def hash_data(
        self,
        document: Mapping[str, Any],
        proof_options: Mapping[str, Any],
        *,
        canonicalizer: DocumentCanonicalizer,
    ) -> bytes:
        """The bytes to sign: transformation, proof configuration and hashing steps."""
        ...

    def encode_signature(self, signature: bytes) -> str: ...

    def decode_signature(self, proof_value: str) -> bytes: ...


def rdfc_hash_data(
    document: Mapping[str, Any],
    proof_options: Mapping[str, Any],
    *,
    canonicalizer: DocumentCanonicalizer,
) -> bytes:
    """SHA-256(canonical proof config) || SHA-256(canonical document), RDFC-1.0 both.

    ``document`` is what the proof covers: the unsecured document, or for a chained proof the
    unsecured document with its previous proofs (the caller decides; nothing is removed here).

    https://www.w3.org/TR/vc-di-eddsa/#transformation-eddsa-rdfc-2022 (transformation),
    #proof-configuration-eddsa-rdfc-2022 (config takes the document's @context),
    #hashing-eddsa-rdfc-2022 (proof hash first).
    """
    config = {k: v for k, v in proof_options.items() if k != "proofValue"}
    config["@context"] = document.get("@context")
    proof_hash = hashlib.sha256(canonicalizer.canonicalize_small(config).encode("utf-8")).digest()
    doc_hash = hashlib.sha256(canonicalizer.canonicalize(document).encode("utf-8")).digest()
    return proof_hash + doc_hash
