"""1EdTech Revocation List Status Method 1.0: the list document and the check.

https://www.imsglobal.org/spec/vcrl/v1p0/ — a credential is revoked when an entry's ``id``
equals the credential's ``id`` and ``revoked`` is true or absent. The spec body was not
available; names follow the 1EdTech validator (RevocationListProbe), which reads
``revokedCredentials``. The check also accepts the singular ``revokedCredential``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from vcissuer.status.entries import REVOCATION, credential_statuses, types_of
from vcissuer.status.errors import MalformedStatusError
from vcissuer.status.result import StatusResult

__all__ = [
    "REVOCATION_LIST_TYPE",
    "REVOKED_CREDENTIALS",
    "RevokedCredential",
    "check_revocation_list",
    "create_revocation_list",
    "revocation_list_entry",
    "revocation_list_urls",
]

REVOCATION_LIST_TYPE = "1EdTechRevocationList"
REVOKED_CREDENTIALS = "revokedCredentials"
_ALIASES = (REVOKED_CREDENTIALS, "revokedCredential")


@dataclass(frozen=True, slots=True)
class RevokedCredential:
    """One list entry. ``revoked=False`` lets an issuer list decoys or un-revoke."""

    id: str
    revoked: bool = True
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "revoked": self.revoked}
        if self.reason is not None:
            out["revocationReason"] = self.reason
        return out


def revocation_list_entry(list_url: str) -> dict[str, str]:
    """The ``credentialStatus`` of a credential covered by the list at ``list_url``."""
    if not isinstance(list_url, str) or not list_url:
        raise ValueError("list_url must be a non-empty URL string")
    return {"id": list_url, "type": REVOCATION_LIST_TYPE}


def create_revocation_list(
    revoked: Iterable[RevokedCredential | str], *, list_url: str | None = None
) -> dict[str, Any]:
    """The JSON document served at the list URL (``id`` included when given)."""
    items = [RevokedCredential(r) if isinstance(r, str) else r for r in revoked]
    document: dict[str, Any] = {}
    if list_url is not None:
        document["id"] = list_url
    document[REVOKED_CREDENTIALS] = [item.to_json() for item in items]
    return document


def revocation_list_urls(credential: Mapping[str, Any]) -> list[str]:
    """The list URLs of a credential's 1EdTechRevocationList statuses (what to fetch)."""
    return [
        item["id"] for item in credential_statuses(credential)
        if REVOCATION_LIST_TYPE in types_of(item) and isinstance(item.get("id"), str)
    ]


def check_revocation_list(
    credential: Mapping[str, Any] | str, revocation_list: Mapping[str, Any]
) -> StatusResult:
    """Whether the list revokes the credential (given as the credential or its ``id``).

    A malformed list raises :class:`MalformedStatusError` (status unknown), never "not revoked".
    """
    credential_id = credential if isinstance(credential, str) else credential.get("id")
    if not isinstance(credential_id, str) or not credential_id:
        raise MalformedStatusError("a credential checked against a revocation list needs an id")
    if not isinstance(revocation_list, Mapping):
        raise MalformedStatusError("a revocation list must be a JSON object")
    key = next((k for k in _ALIASES if k in revocation_list), None)
    entries = revocation_list.get(key) if key else None
    if not isinstance(entries, list):
        raise MalformedStatusError(f"a revocation list must have a {REVOKED_CREDENTIALS} array")
    list_id = revocation_list.get("id")
    list_url = list_id if isinstance(list_id, str) else None
    reason = None
    revoked = False
    for item in entries:
        if not isinstance(item, Mapping):
            raise MalformedStatusError(f"each {key} entry must be an object")
        flag = item.get("revoked", True)
        if not isinstance(flag, bool):
            raise MalformedStatusError("revoked must be a boolean")
        if item.get("id") == credential_id and flag and not revoked:
            revoked = True
            found = item.get("revocationReason")
            reason = found if isinstance(found, str) else None
    return StatusResult(status=int(revoked), purpose=REVOCATION, method=REVOCATION_LIST_TYPE,
                        list_url=list_url, message=reason)
