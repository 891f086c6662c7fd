"""What the issuer publishes for wallets: OpenID4VCI issuer metadata, OAuth 2.0 authorization
server metadata, and the URLs of every wallet-facing endpoint.

The whole service is one Credential Issuer (identifier: the base URL); which tenant issues is
decided by the offer, which the access token is bound to.
https://openid.net/specs/openid-4-verifiable-credential-issuance-1_0.html section 12.2
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
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
    "AchievementDisplay",
    "Endpoints",
    "IssuerDisplay",
    "achievement_configuration_id",
    "authorization_server_metadata",
    "configuration_format",
    "generic_configuration_id",
    "issuer_metadata",
]

LDP_VC = "OpenBadgeCredential_ldp_vc"
JWT_VC_JSON = "OpenBadgeCredential_jwt_vc_json"
# Credential configuration id -> the stored format it is issued in.
CONFIGURATIONS: dict[str, CredentialFormat] = {
    LDP_VC: CredentialFormat.LDP,
    JWT_VC_JSON: CredentialFormat.JWT,
}
# A configuration per achievement, ``<generic id>.<achievement uuid>``: the same format, with
# the achievement's name, description and image for the wallet to show. Offers made before
# these existed name the generic ids, which keep working (and stay an alias of them).
_ACHIEVEMENT_SEPARATOR = "."


def achievement_configuration_id(generic: str, achievement_uuid: str) -> str:
    return f"{generic}{_ACHIEVEMENT_SEPARATOR}{achievement_uuid}"


def generic_configuration_id(config: str) -> str:
    """The generic configuration a configuration id is (or is a per-achievement form of)."""
    return config.split(_ACHIEVEMENT_SEPARATOR, 1)[0]


def configuration_format(config: object) -> CredentialFormat | None:
    """The format a configuration id issues in; None when it is not one of ours."""
    if not isinstance(config, str):
        return None
    return CONFIGURATIONS.get(generic_configuration_id(config))


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


@dataclass(frozen=True, slots=True)
class IssuerDisplay:
    """What a wallet shows of an issuer (OpenID4VCI 1.0 section 12.2.4 ``display``)."""

    name: str
    logo: str | None = None  # an https or data: URI


@dataclass(frozen=True, slots=True)
class AchievementDisplay:
    """An achievement, for its credential configurations' ``credential_metadata.display``."""

    uuid: str
    name: str
    issuer: IssuerDisplay
    description: str | None = None
    image: str | None = None


def _logo(uri: str | None, alt: str) -> dict[str, Any]:
    return {"logo": {"uri": uri, "alt_text": alt}} if uri else {}


def _achievement_configuration(fmt: str, achievement: AchievementDisplay) -> dict[str, Any]:
    configuration = _configuration(fmt)
    description = achievement.description or f"An Open Badge from {achievement.issuer.name}"
    configuration["credential_metadata"] = {"display": [{
        "name": achievement.name, "locale": "en",
        "description": f"{description} Issued by {achievement.issuer.name}."
        if achievement.description else description,
        **_logo(achievement.image or achievement.issuer.logo, achievement.name),
    }]}
    return configuration


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


_FORMATS = {LDP_VC: "ldp_vc", JWT_VC_JSON: "jwt_vc_json"}


def issuer_metadata(endpoints: Endpoints, *, issuers: Sequence[IssuerDisplay] = (),
                    achievements: Sequence[AchievementDisplay] = ()) -> dict[str, Any]:
    """Credential Issuer Metadata. OpenID4VCI 1.0 section 12.2.4

    ``display``: the issuer's name and logo when the service issues for one issuer (the whole
    service is one Credential Issuer; with several, each credential configuration names its
    issuer instead). One configuration per achievement and format, with the achievement's
    name, description and image (``credential_metadata.display``), beside the generic ones.
    """
    configurations: dict[str, Any] = {
        config: _configuration(fmt) for config, fmt in _FORMATS.items()}
    for achievement in achievements:
        for config, fmt in _FORMATS.items():
            configurations[achievement_configuration_id(config, achievement.uuid)] = \
                _achievement_configuration(fmt, achievement)
    metadata: dict[str, Any] = {
        "credential_issuer": endpoints.credential_issuer,
        "credential_endpoint": endpoints.credential,
        "nonce_endpoint": endpoints.nonce,
    }
    if len(issuers) == 1:
        (issuer,) = issuers
        metadata["display"] = [{"name": issuer.name, "locale": "en",
                                **_logo(issuer.logo, issuer.name)}]
    metadata["credential_configurations_supported"] = configurations
    return metadata


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
