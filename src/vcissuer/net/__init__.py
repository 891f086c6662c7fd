"""Outbound HTTP for verification: a guarded fetcher over an injected ``httpx.AsyncClient``.

Knows nothing of credentials: it fetches URLs within a :class:`FetchPolicy` (schemes, origins,
addresses, time, size, redirects) and reports failures as :class:`FetchError`.
"""

from vcissuer.net.errors import (
    RETRIEVAL_ERROR,
    FetchError,
    FetchRefused,
    FetchTimeout,
    HttpStatusError,
    ResponseTooLarge,
    TooManyRedirects,
)
from vcissuer.net.fetch import Fetched, GuardedFetcher, Resolve, guarded_client, system_resolve
from vcissuer.net.policy import LOOPBACK, FetchPolicy, Target, address_refusal

__all__ = [
    # fetching
    "Fetched",
    "GuardedFetcher",
    "Resolve",
    "guarded_client",
    "system_resolve",
    # policy
    "LOOPBACK",
    "FetchPolicy",
    "Target",
    "address_refusal",
    # errors
    "RETRIEVAL_ERROR",
    "FetchError",
    "FetchRefused",
    "FetchTimeout",
    "HttpStatusError",
    "ResponseTooLarge",
    "TooManyRedirects",
]
