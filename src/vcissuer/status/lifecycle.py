"""One entry for a credential that can be both suspended and revoked.

OB 3.0 gives an AchievementCredential at most one ``credentialStatus`` (its JSON Schema: one
object), so the spec's two-entry form (BSL Example 1, a revocation and a suspension entry) is
not open to OB credentials. Instead: one ``suspension`` entry of ``statusSize`` 2 whose
``statusMessage`` names the values. Any conforming verifier reads a non-zero value of a
suspension entry as "not valid" (BSL §3.2 step 12), so a revoked credential fails everywhere;
ours reads the value's message and says "revoked". Suspension is reversible, and a revoked
credential never goes back to 0, so the entry's purpose is used as the spec intends.
"""

from __future__ import annotations

from vcissuer.status.entries import StatusMessage

__all__ = [
    "LIFECYCLE_ACTIVE",
    "LIFECYCLE_MESSAGES",
    "LIFECYCLE_REVOKED",
    "LIFECYCLE_STATUS_SIZE",
    "LIFECYCLE_SUSPENDED",
    "REVOKED_MESSAGE",
]

LIFECYCLE_STATUS_SIZE = 2
LIFECYCLE_ACTIVE, LIFECYCLE_SUSPENDED, LIFECYCLE_REVOKED = 0, 1, 2
REVOKED_MESSAGE = "revoked"
# BSL §2.1 statusMessage: 2**statusSize elements; "undefined" marks a value not in use.
LIFECYCLE_MESSAGES = (
    StatusMessage(LIFECYCLE_ACTIVE, "active"),
    StatusMessage(LIFECYCLE_SUSPENDED, "suspended"),
    StatusMessage(LIFECYCLE_REVOKED, REVOKED_MESSAGE),
    StatusMessage(3, "undefined"),
)
