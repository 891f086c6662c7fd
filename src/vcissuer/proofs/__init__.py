"""Proofs: Data Integrity (eddsa-rdfc-2022, eddsa-jcs-2022; Ed25519Signature2020 verify-only)
and VC-JWT."""

from vcissuer.proofs.data_integrity import DEFAULT_SUITES, add_proof, verify_proofs
from vcissuer.proofs.purposes import AssertionMethod, Authentication, ProofPurpose
from vcissuer.proofs.result import Problem, ProofResult, ProofSetResult
from vcissuer.proofs.suites import (
    Cryptosuite,
    Ed25519Signature2020,
    EddsaJcs2022,
    EddsaRdfc2022,
)

__all__ = [
    # Data Integrity
    "DEFAULT_SUITES",
    "add_proof",
    "verify_proofs",
    # suites
    "Cryptosuite",
    "Ed25519Signature2020",
    "EddsaJcs2022",
    "EddsaRdfc2022",
    # purposes
    "AssertionMethod",
    "Authentication",
    "ProofPurpose",
    # results
    "Problem",
    "ProofResult",
    "ProofSetResult",
]
