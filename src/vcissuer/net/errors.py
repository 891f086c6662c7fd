"""Why a fetch did not produce a document. All are "could not process" errors (VcError).

Hierarchy::

    FetchError              anything that stopped a fetch (network failure, bad body)
    ├── FetchRefused        the policy refused the URL or address: nothing was sent
    ├── FetchTimeout        no complete response in time
    ├── ResponseTooLarge    the body exceeded the size cap (reading stopped there)
    ├── TooManyRedirects    more redirects than the cap
    └── HttpStatusError     a status other than 200 (``status`` holds it)
"""

from __future__ import annotations

from vcissuer.errors import VCISSUER, VcError

__all__ = [
    "RETRIEVAL_ERROR",
    "FetchError",
    "FetchRefused",
    "FetchTimeout",
    "HttpStatusError",
    "ResponseTooLarge",
    "TooManyRedirects",
]

RETRIEVAL_ERROR = VCISSUER + "RETRIEVAL_ERROR"


class FetchError(VcError):
    """A URL that could not be fetched; the message says why, in plain words."""

    code = RETRIEVAL_ERROR


class FetchRefused(FetchError):  # noqa: N818 - named like httpx's
    """The URL's scheme, origin or address is not allowed; no request was made."""


class FetchTimeout(FetchError):  # noqa: N818 - named like httpx's
    """No complete response within the time allowed."""


class ResponseTooLarge(FetchError):  # noqa: N818 - named like httpx's
    """The response body is larger than the cap."""


class TooManyRedirects(FetchError):  # noqa: N818 - named like httpx's
    """More redirects than the cap allows."""


class HttpStatusError(FetchError):
    """The server answered with a status other than 200."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status
