"""Failures of the application flows, each naming the field and the rule it broke.

The API maps these to problem+json (status by class); the CLI prints them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "Conflict",
    "FieldError",
    "Forbidden",
    "IssuanceError",
    "KeyUnavailable",
    "NotFound",
    "Rejected",
    "Unauthenticated",
]


@dataclass(frozen=True, slots=True)
class FieldError:
    """One broken rule: where (``field``), which (``rule``), and in words."""

    field: str
    rule: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"field": self.field, "rule": self.rule, "message": self.message}


class IssuanceError(Exception):
    """Base of the flow errors."""

    def __init__(self, message: str, *, errors: list[FieldError] | None = None,
                 **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or []
        self.extra = extra


class NotFound(IssuanceError):  # noqa: N818 - read as an outcome
    """No such issuer, achievement or credential (for this caller)."""


class Unauthenticated(IssuanceError):  # noqa: N818
    """The API key presented is unknown or revoked."""


class Forbidden(IssuanceError):  # noqa: N818
    """The caller may not act on this issuer."""


class Conflict(IssuanceError):  # noqa: N818
    """The request clashes with what is stored (a taken slug, an impossible transition)."""


class Rejected(IssuanceError):  # noqa: N818
    """Well-formed input that breaks a rule (results that do not earn the achievement)."""


class KeyUnavailable(IssuanceError):  # noqa: N818
    """The issuer's signing key cannot be used now: its backend (database KEK, PKCS#11
    token) refused or is unreachable. An operator's problem, not the caller's: 503."""
