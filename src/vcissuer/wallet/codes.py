"""The one-time secrets of an offer: how they are made and how they are kept.

An offer has one random reference (256 bits) that appears in its URLs (offer by reference,
exchange, interaction). The pre-authorized code is derived from it under the service's keyed
hash, so it can be served by reference without being stored: the database holds only
SHA-256 digests of both. The transaction code is short and numeric, so its digest is keyed
(HMAC) and bound to the offer, or six digits would fall to a dictionary in microseconds.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from vcissuer.issuance.recipients import LookupKey

__all__ = ["digest", "new_secret", "new_tx_code", "pre_authorized_code", "tx_code_digest",
           "tx_code_matches"]


def new_secret() -> str:
    """256 random bits, URL-safe: offer references, access tokens, nonces, challenges."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """The hex SHA-256 kept in place of a high-entropy secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def pre_authorized_code(ref: str, *, key: LookupKey) -> str:
    """The offer's pre-authorized code: a keyed hash of its reference."""
    return key.digest("oid4vci-pre-authorized-code", ref)


def new_tx_code(length: int) -> str:
    return "".join(str(secrets.randbelow(10)) for _ in range(length))


def tx_code_digest(code: str, *, offer_id: str, key: LookupKey) -> str:
    return key.digest("oid4vci-tx-code", f"{offer_id}:{code}")


def tx_code_matches(code: str, expected_digest: str, *, offer_id: str, key: LookupKey) -> bool:
    return hmac.compare_digest(tx_code_digest(code, offer_id=offer_id, key=key),
                               expected_digest)
