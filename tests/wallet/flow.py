"""Helpers for wallet-delivery API tests: an LMS making offers, a wallet redeeming them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.api.conftest import api_key, assessment, bearer, make_achievement, make_issuer
from tests.wallet.holder import Holder

PRE_AUTH = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
LDP_VC = "OpenBadgeCredential_ldp_vc"
JWT_VC_JSON = "OpenBadgeCredential_jwt_vc_json"


class SteppingClock:
    """An injected clock that tests move forward."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def setup_issuer(client: Any, services: Any, admin: dict[str, str], slug: str = "uni"
                 ) -> tuple[dict[str, str], dict[str, Any]]:
    """An issuer, an issue-scoped API key and an achievement."""
    make_issuer(client, admin, slug=slug)
    headers = bearer(api_key(services, issuer_slug=slug))
    return headers, make_achievement(client, headers, slug=slug)


def make_offer(client: Any, headers: dict[str, str], achievement_id: str, *,
               slug: str = "uni", ref: str = "lms-42", status: int = 201,
               **options: Any) -> dict[str, Any]:
    body = {"assessment": assessment(achievement_id, ref=ref), **options}
    response = client.post(f"/issuers/{slug}/offers", headers=headers, json=body)
    assert response.status_code == status, response.text
    return response.json()


def offer_uri(deep_link: str) -> str:
    """credential_offer_uri from an openid-credential-offer:// deep link."""
    parts = urlsplit(deep_link)
    assert parts.scheme == "openid-credential-offer"
    return parse_qs(parts.query)["credential_offer_uri"][0]


def token_request(client: Any, code: str, *, tx_code: str | None = None,
                  **extra: str) -> Any:
    form = {"grant_type": PRE_AUTH, "pre-authorized_code": code, **extra}
    if tx_code is not None:
        form["tx_code"] = tx_code
    return client.post("/oid4vci/token", data=form)


def access_token(client: Any, offer: dict[str, Any]) -> str:
    response = token_request(client, offer["preAuthorizedCode"], tx_code=offer.get("txCode"))
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def c_nonce(client: Any) -> str:
    response = client.post("/oid4vci/nonce")
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    return response.json()["c_nonce"]


def credential_request(client: Any, token: str | None, *, proof: str | None,
                       configuration: str = LDP_VC, body: dict[str, Any] | None = None) -> Any:
    payload = body if body is not None else {"credential_configuration_id": configuration}
    if proof is not None and body is None:
        payload["proofs"] = {"jwt": [proof]}
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.post("/oid4vci/credential", json=payload, headers=headers)


def redeem(client: Any, offer: dict[str, Any], holder: Holder, *, aud: str,
           configuration: str = LDP_VC, now: float | None = None) -> Any:
    """The whole OpenID4VCI flow after the offer: token, nonce, proof, credential."""
    token = access_token(client, offer)
    proof = holder.proof(aud=aud, nonce=c_nonce(client), iat=now)
    return credential_request(client, token, proof=proof, configuration=configuration)
