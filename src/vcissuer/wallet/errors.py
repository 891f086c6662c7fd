"""Protocol errors of the wallet flows, each rendered in its protocol's own format.

Hierarchy::

    WalletError
    ├── OAuthError        RFC 6749 section 5.2 / RFC 6750 section 3 / OpenID4VCI 1.0
    │                     section 8.3.1: ``{"error": ..., "error_description": ...}``
    ├── ExchangeError     VC-API exchanges: problem details whose ``type`` is a Data Integrity
    │                     error code where one applies
    └── DeliveryRefused   the offer cannot yield a credential (already redeemed elsewhere,
                          revoked, no longer earned); each protocol renders it as its own
                          "request denied"
"""

from __future__ import annotations

import re
from typing import ClassVar

__all__ = [
    "DeliveryRefused",
    "ExchangeComplete",
    "ExchangeError",
    "ExchangeGone",
    "ExchangeNotFound",
    "OAuthError",
    "WalletError",
]

# OpenID4VCI 1.0 section 8.3.1.2 / RFC 6749: error_description is %x20-21 / %x23-5B / %x5D-7E.
_NOT_ALLOWED = re.compile(r'[^\x20-\x21\x23-\x5b\x5d-\x7e]')


class WalletError(Exception):
    """Base of the wallet protocol errors."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


class OAuthError(WalletError):
    """An OAuth 2.0 / OpenID4VCI error: ``error`` code, HTTP status, and for the credential
    endpoint's ``invalid_nonce`` a fresh ``c_nonce`` so the wallet can retry at once."""

    def __init__(self, error: str, description: str, *, status: int = 400,
                 c_nonce: str | None = None) -> None:
        super().__init__(_NOT_ALLOWED.sub("'", description))
        self.error = error
        self.status = status
        self.c_nonce = c_nonce

    @classmethod
    def invalid_token(cls, description: str) -> OAuthError:
        """RFC 6750 section 3.1: 401 and a WWW-Authenticate challenge."""
        return cls("invalid_token", description, status=401)

    def to_json(self) -> dict[str, str]:
        body = {"error": self.error, "error_description": self.description}
        if self.c_nonce is not None:
            body["c_nonce"] = self.c_nonce
        return body

    @property
    def headers(self) -> dict[str, str]:
        headers = {"Cache-Control": "no-store"}
        if self.status == 401:
            headers["WWW-Authenticate"] = (
                f'Bearer error="{self.error}", error_description="{self.description}"')
        return headers


class ExchangeError(WalletError):
    """A refused VC-API exchange step: HTTP status, a ``type`` URI and a title."""

    status: ClassVar[int] = 400
    title: ClassVar[str] = "Bad Request"

    def __init__(self, description: str, *, type: str) -> None:
        super().__init__(description)
        self.type = type

    def to_json(self) -> dict[str, object]:
        return {"type": self.type, "title": self.title, "status": self.status,
                "detail": self.description}


class ExchangeNotFound(ExchangeError):  # noqa: N818 - read as an outcome
    status, title = 404, "Not Found"


class ExchangeGone(ExchangeError):  # noqa: N818
    status, title = 410, "Gone"


class ExchangeComplete(ExchangeError):  # noqa: N818
    status, title = 409, "Conflict"


class DeliveryRefused(WalletError):  # noqa: N818
    """The offer cannot deliver a credential (rendered as credential_request_denied / 409)."""
