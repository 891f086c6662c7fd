"""The outcome of a status check: a value, and "revoked" cannot be mistaken for a pass.

There is no ``verified`` field and no truth value: ask :attr:`StatusResult.valid`,
:attr:`~StatusResult.revoked` or :attr:`~StatusResult.suspended`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vcissuer.proofs.result import Problem
from vcissuer.status.entries import MESSAGE, REFRESH, REVOCATION, SUSPENSION
from vcissuer.status.errors import (
    CREDENTIAL_REVOKED,
    CREDENTIAL_SUSPENDED,
    STATUS_VERIFICATION_ERROR,
)
from vcissuer.status.lifecycle import REVOKED_MESSAGE

__all__ = ["StatusResult"]

# Purposes whose set bit carries information without invalidating the credential.
_INFORMATIONAL = frozenset({MESSAGE, REFRESH})


@dataclass(frozen=True, slots=True)
class StatusResult:
    """BSL validate algorithm result ``{status, purpose, valid, message?}``, plus where from.

    https://www.w3.org/TR/vc-bitstring-status-list/#validate-algorithm steps 11-15.
    ``method`` is the entry type (BitstringStatusListEntry or 1EdTechRevocationList).
    """

    status: int
    purpose: str
    method: str
    list_url: str | None = None
    index: int | None = None
    message: str | None = None

    @property
    def valid(self) -> bool:
        """The spec's ``valid``: the status value is 0."""
        return self.status == 0

    @property
    def revoked(self) -> bool:
        """A set revocation status; or a suspension status whose ``statusMessage`` calls the
        value "revoked" (one multi-bit entry for both, ``vcissuer.status.lifecycle``)."""
        if self.status == 0:
            return False
        return self.purpose == REVOCATION or (self.purpose == SUSPENSION
                                              and self.message == REVOKED_MESSAGE)

    @property
    def suspended(self) -> bool:
        return self.purpose == SUSPENSION and self.status != 0 and not self.revoked

    def __bool__(self) -> bool:
        raise TypeError("a StatusResult has no truth value; use .valid, .revoked or .suspended")

    def problems(self) -> tuple[Problem, ...]:
        """Findings that make the credential unacceptable ("processed, and invalid").

        Revocation and suspension always count; an unknown purpose with a non-zero status
        counts too; ``message`` and ``refresh`` statuses are informational.
        """
        if self.status == 0 or self.purpose in _INFORMATIONAL:
            return ()
        where = f" (status list {self.list_url})" if self.list_url else ""
        if self.revoked:
            return (Problem(CREDENTIAL_REVOKED, f"the credential has been revoked{where}"),)
        if self.suspended:
            return (Problem(CREDENTIAL_SUSPENDED, f"the credential is suspended{where}"),)
        return (Problem(STATUS_VERIFICATION_ERROR,
                        f"status {self.status:#x} for purpose {self.purpose!r}{where}"),)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status, "purpose": self.purpose,
                               "valid": self.valid, "type": self.method}
        if self.message is not None:
            out["message"] = self.message
        if self.list_url is not None:
            out["statusListCredential"] = self.list_url
        return out
