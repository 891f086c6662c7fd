"""What the issuer publishes for wallets: OpenID4VCI issuer metadata, OAuth 2.0 authorization
server metadata, and the URLs of every wallet-facing endpoint.

The whole service is one Credential Issuer (identifier: the base URL); which tenant issues is
decided by the offer, which the access token is bound to.
https://openid.net/specs/openid-4-verifiable-credential-issuance-1_0.html section 12.2
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from urllib.parse import quote, urlencode

from vcissuer.credentials.contexts import OPEN_BADGE_CONTEXT, OPEN_BADGE_TYPE
from vcissuer.store import CredentialFormat

__all__ = [
    "ACCESS_TOKEN_LIFETIME",
    "CHALLENGE_LIFETIME",
    "CONFIGURATIONS",
    "DEFAULT_OFFER_LIFETIME",
    "JWT_VC_JSON",
    "LDP_VC",
    "MAX_OFFER_LIFETIME",
    "MAX_TX_CODE_FAILURES",
    "NONCE_LIFETIME",
    "PRE_AUTHORIZED_GRANT",
    "PROOF_ALGORITHMS",
    "PROOF_CLOCK_SKEW",
    "PROOF_MAX_AGE",
    "PROOF_TYP",
    "TX_CODE_LENGTH",
    "Endpoints",
    "authorization_server_metadata",
    "issuer_metadata",
]

LDP_VC = "OpenBadgeCredential_ldp_vc"
JWT_VC_JSON = "OpenBadgeCredential_jwt_vc_json"
# Credential configuration id -> the stored format it is issued in.
CONFIGURATIONS: dict[str, CredentialFormat] = {
    LDP_VC: CredentialFormat.LDP,
    JWT_VC_JSON: CredentialFormat.JWT,
}
PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
PROOF_TYP = "openid4vci-proof+jwt"
PROOF_ALGORITHMS = ("EdDSA", "ES256")

# Offers (and so pre-authorized codes) live 10 minutes unless the LMS asks for longer (an
# emailed offer); OpenID4VCI section 13.10 counts tokens over 5 minutes as long-lived.
DEFAULT_OFFER_LIFETIME = timedelta(minutes=10)
MAX_OFFER_LIFETIME = timedelta(days=7)
ACCESS_TOKEN_LIFETIME = timedelta(minutes=5)
NONCE_LIFETIME = timedelta(minutes=5)
CHALLENGE_LIFETIME = timedelta(minutes=5)
# A proof's iat may be this old (a nonce lives no longer) or this far ahead (clock skew).
PROOF_MAX_AGE = NONCE_LIFETIME
PROOF_CLOCK_SKEW = timedelta(minutes=1)
TX_CODE_LENGTH = 6
# Wrong transaction codes one offer tolerates before its code is dead (a 6-digit code must
# not be guessable online).
MAX_TX_CODE_FAILURES = 5


class Endpoints:
    """Every wallet-facing URL, hung from the public base URL (DESIGN.md section 2)."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url.rstrip("/")

    @property
    def credential_issuer(self) -> str:
        return self.base

    @property
    def token(self) -> str:
        return f"{self.base}/oid4vci/token"

    @property
    def nonce(self) -> str:
        return f"{self.base}/oid4vci/nonce"

    @property
    def credential(self) -> str:
        return f"{self.base}/oid4vci/credential"

    def credential_offer_uri(self, ref: str) -> str:
        return f"{self.base}/oid4vci/credential-offer/{ref}"

    def exchange(self, ref: str) -> str:
        return f"{self.base}/exchanges/{ref}"

    def interaction(self, ref: str) -> str:
        """A VC-API interaction URL (``iuv=1``): GET it for the protocols it offers."""
        return f"{self.base}/interactions/{ref}?iuv=1"

    def offer_deep_link(self, ref: str) -> str:
        """OpenID4VCI section 4.1.3: the offer by reference, for a QR code or a link."""
        return "openid-credential-offer://?" + urlencode(
            {"credential_offer_uri": self.credential_offer_uri(ref)})

    def lcw_deep_link(self, ref: str) -> str:
        """The Learner Credential Wallet's request link, naming the VC-API exchange."""
        request = {"credentialRequestOrigin": self.base,
                   "protocols": {"vcapi": self.exchange(ref)}}
        return "https://lcw.app/request?request=" + quote(
            json.dumps(request, separators=(",", ":")), safe="")


def _configuration(fmt: str) -> dict[str, Any]:
    definition: dict[str, Any] = {"type": list(OPEN_BADGE_TYPE)}
    if fmt == "ldp_vc":
        definition = {"@context": list(OPEN_BADGE_CONTEXT), **definition}
    return {
        "format": fmt,
        "credential_definition": definition,
        "credential_signing_alg_values_supported": (
            ["eddsa-rdfc-2022"] if fmt == "ldp_vc" else ["EdDSA"]),
        # A jwk proof binds the credential to that key's did:key.
        "cryptographic_binding_methods_supported": ["did:key", "jwk"],
        "proof_types_supported": {
            "jwt": {"proof_signing_alg_values_supported": list(PROOF_ALGORITHMS)}},
        "credential_metadata": {"display": [{
            "name": "Open Badge", "locale": "en",
            "description": "An Open Badges 3.0 achievement credential",
        }]},
    }


def issuer_metadata(endpoints: Endpoints) -> dict[str, Any]:
    """Credential Issuer Metadata. OpenID4VCI 1.0 section 12.2.4"""
    return {
        "credential_issuer": endpoints.credential_issuer,
        "credential_endpoint": endpoints.credential,
        "nonce_endpoint": endpoints.nonce,
        "credential_configurations_supported": {
            LDP_VC: _configuration("ldp_vc"),
            JWT_VC_JSON: _configuration("jwt_vc_json"),
        },
    }


def authorization_server_metadata(endpoints: Endpoints) -> dict[str, Any]:
    """RFC 8414 metadata of the built-in authorization server (pre-authorized code only).

    OpenID4VCI 1.0 section 12.3: such a server may omit ``response_types_supported``.
    """
    return {
        "issuer": endpoints.credential_issuer,
        "token_endpoint": endpoints.token,
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "token_endpoint_auth_methods_supported": ["none"],
        "pre-authorized_grant_anonymous_access_supported": True,
    }
