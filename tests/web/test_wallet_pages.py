"""Issue 11 (learners and wallets): an offer's interaction URL opened in a browser is a page
with QR codes, wallet buttons and transaction-code help; wallets and programs still get JSON."""

from __future__ import annotations

import html as htmllib

from fastapi.testclient import TestClient

from tests.wallet.flow import SteppingClock, redeem
from tests.wallet.holder import Holder
from tests.web.conftest import BASE_URL, BROWSER, assessment, make_achievement
from vcissuer.issuance.context import Services


def _offer(client: TestClient, headers: dict[str, str], achievement: dict, **options) -> dict:
    response = client.post("/issuers/uni/offers", headers=headers, json={
        "assessment": assessment(achievement["id"], ref=options.pop("ref", "lms-42")),
        **options})
    assert response.status_code == 201, response.text
    return response.json()


def _path(url: str) -> str:
    return url.removeprefix(BASE_URL)


def test_a_browser_gets_a_page_to_collect_the_credential(client, issuer_headers) -> None:
    achievement = make_achievement(client, issuer_headers)
    offer = _offer(client, issuer_headers, achievement, txCode=True)
    response = client.get(_path(offer["interactionUrl"]), headers=BROWSER)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    assert "default-src 'none'" in response.headers["content-security-policy"]
    html = response.text
    text = htmllib.unescape(html)
    assert "Add Data Analysis with Python to your wallet" in text
    assert "Uni University offers you Data Analysis with Python" in text
    assert '<meta name="robots" content="noindex, nofollow">' in html
    # Both wallets' deep links, each with its QR code (inline data: images, no script).
    assert f'href="{htmllib.escape(offer["deepLink"])}"' in html
    assert f'href="{htmllib.escape(offer["lcwDeepLink"])}"' in html
    assert html.count('<img class="qr" src="data:image/svg+xml') == 2
    # The transaction code is needed, and never shown.
    assert "You will need a 6-digit code" in text
    assert offer["txCode"] not in html
    assert offer["preAuthorizedCode"] not in html


def test_no_code_section_without_a_transaction_code(client, issuer_headers) -> None:
    achievement = make_achievement(client, issuer_headers)
    offer = _offer(client, issuer_headers, achievement)
    html = client.get(_path(offer["interactionUrl"]), headers=BROWSER).text
    assert "6-digit code" not in html
    assert f'href="{htmllib.escape(offer["deepLink"])}"' in html


def test_programs_still_get_the_protocols_as_json(client, issuer_headers) -> None:
    achievement = make_achievement(client, issuer_headers)
    offer = _offer(client, issuer_headers, achievement)
    for accept in (None, "application/json", "*/*"):
        headers = {"Accept": accept} if accept else {}
        response = client.get(_path(offer["interactionUrl"]), headers=headers)
        assert response.status_code == 200
        assert response.json() == {"protocols": {"vcapi": offer["exchangeUrl"],
                                                 "OID4VCI": offer["deepLink"]}}


def test_collected_expired_and_unknown_offers_explain_themselves(
        client, issuer_headers, services: Services) -> None:
    achievement = make_achievement(client, issuer_headers)
    collected = _offer(client, issuer_headers, achievement, ref="a")
    response = redeem(client, collected, Holder.ed25519(), aud=BASE_URL)
    assert response.status_code == 200, response.text
    page = client.get(_path(collected["interactionUrl"]), headers=BROWSER)
    assert page.status_code == 409
    assert "already been added to a wallet" in htmllib.unescape(page.text)

    expiring = _offer(client, issuer_headers, achievement, ref="b")
    clock = SteppingClock()
    services.clock = clock
    clock.advance(minutes=11)
    page = client.get(_path(expiring["interactionUrl"]), headers=BROWSER)
    assert page.status_code == 410
    assert "This offer has expired. Ask the issuer to send you a new one." in \
        htmllib.unescape(page.text)

    page = client.get("/interactions/not-an-offer?iuv=1", headers=BROWSER)
    assert page.status_code == 404
    assert "There is no offer at this link" in page.text
