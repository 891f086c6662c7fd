"""Cryptosuites: eddsa-rdfc-2022 and eddsa-jcs-2022 (sign and verify), Ed25519Signature2020
(verify only)."""

from vcissuer.proofs.suites.base import Cryptosuite, rdfc_hash_data
from vcissuer.proofs.suites.ed25519_signature_2020 import Ed25519Signature2020
from vcissuer.proofs.suites.eddsa_jcs_2022 import EddsaJcs2022, jcs_hash_data
from vcissuer.proofs.suites.eddsa_rdfc_2022 import EddsaRdfc2022

__all__ = [
    "Cryptosuite",
    "Ed25519Signature2020",
    "EddsaJcs2022",
    "EddsaRdfc2022",
    "jcs_hash_data",
    "rdfc_hash_data",
]
