"""The closed vocabularies stored in the database; ``StrEnum``, so values are the wire words."""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "AchievementStatus",
    "ApiScope",
    "CredentialFormat",
    "CredentialState",
    "KeyStatus",
    "StatusAction",
    "StatusPurpose",
]


class KeyStatus(StrEnum):
    """An issuer key's life: exactly one ``active`` key signs; ``retired`` keys still verify."""

    ACTIVE = "active"
    RETIRED = "retired"
    # Dropped from the DID document, so credentials it signed stop verifying.
    COMPROMISED = "compromised"


class CredentialFormat(StrEnum):
    """How a stored credential is secured: an embedded Data Integrity proof, or a VC-JWT."""

    LDP = "ldp"
    JWT = "jwt"


class CredentialState(StrEnum):
    """The issuer's view of a credential; ``revoked`` is final."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


class StatusPurpose(StrEnum):
    """``statusPurpose`` of a Bitstring Status List. https://www.w3.org/TR/vc-bitstring-status-list/"""

    REVOCATION = "revocation"
    SUSPENSION = "suspension"
    MESSAGE = "message"


class ApiScope(StrEnum):
    """What an API key may do; ``admin`` belongs only to keys bound to no issuer."""

    MANAGE = "manage"
    ISSUE = "issue"
    REVOKE = "revoke"
    ADMIN = "admin"


class StatusAction(StrEnum):
    """What an issuer can do to a credential's status (recorded as ``credential.<action>``)."""

    REVOKE = "revoke"
    SUSPEND = "suspend"
    REINSTATE = "reinstate"


class AchievementStatus(StrEnum):
    """An achievement definition's life: ``retired`` ones issue no more credentials."""

    ACTIVE = "active"
    RETIRED = "retired"
