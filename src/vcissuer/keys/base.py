"""Roles every key plays: a Signer signs bytes, a Verifier checks a signature.

Key material never enters a cryptosuite: suites receive these small objects only, so a
KMS or HSM can stand behind the same protocol (docs/DESIGN.md section 5).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol, runtime_checkable


class KeyAlgorithm(StrEnum):
    """Key algorithms, named as JOSE names their curves/families."""

    ED25519 = "Ed25519"
    P256 = "P-256"
    RSA = "RSA"


@runtime_checkable
class Signer(Protocol):
    """Signs bytes with a private key. ``id`` is the verification method URL it signs as."""

    @property
    def id(self) -> str: ...

    @property
    def algorithm(self) -> KeyAlgorithm: ...

    def sign(self, data: bytes) -> bytes: ...


@runtime_checkable
class Verifier(Protocol):
    """Checks a signature with a public key; returns False for a signature that does not match."""

    @property
    def id(self) -> str: ...

    @property
    def algorithm(self) -> KeyAlgorithm: ...

    def verify(self, data: bytes, signature: bytes) -> bool: ...
