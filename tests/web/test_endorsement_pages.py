"""Pages show "Endorsed by <name>" with each endorsement's own verification result.

OB 3.0 §9.2 Endorsement Verification: each embedded EndorsementCredential is verified as the
credential is; the badge page shows the nested report's state, the achievement and issuer
pages verify what they publish.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.api.test_endorsements import (
    achievement_url,
    did_key_endorsement,
    did_key_endorsement_jwt,
    endorse,
)
from tests.web.conftest import (
    BROWSER,
    api_key,
    bearer,
    issue,
    make_achievement,
    make_issuer,
    page,
    state_of,
)
from vcissuer.issuance.context import Services


@pytest.fixture
def world(client: TestClient, services: Services, admin, issuer_headers) -> dict:
    make_issuer(client, admin, "qaa", name="Quality Assurance Agency")
    return {"uni": issuer_headers, "qaa": bearer(api_key(services, issuer_slug="qaa")),
            "achievement": make_achievement(client, issuer_headers, "uni")}


def endorsement_states(html: str) -> dict[str, str]:
    """endorser name -> the state of its endorsement, as the page shows it."""
    found = re.findall(r'<li class="endorsement state-\w+" data-state="([^"]+)">\s*'
                       r"<p><strong>Endorsed by ([^<]+)</strong>", html)
    return {name: state for state, name in found}


def test_badge_and_achievement_pages_show_the_endorser_and_its_result(client, world) -> None:
    given = endorse(client, world["qaa"], achievement_url(world["achievement"])).json()
    credential = issue(client, world["uni"], world["achievement"], "page-1")
    badge = page(client, f"/credentials/{credential['id']}")
    assert endorsement_states(badge) == {"Quality Assurance Agency": "genuine"}
    assert "Meets the QAA micro-credential characteristics." in badge
    achievement = page(client, f"/achievements/{world['achievement']['id']}")
    assert endorsement_states(achievement) == {"Quality Assurance Agency": "genuine"}
    # The endorsement's own URL is a page too.
    own = client.get(given["url"].removeprefix("http://testserver"), headers=BROWSER)
    assert own.status_code == 200


def test_a_revoked_endorsement_shows_revoked_on_the_badge_page(client, world) -> None:
    given = endorse(client, world["qaa"], achievement_url(world["achievement"])).json()
    credential = issue(client, world["uni"], world["achievement"], "page-2")
    client.post(f"/issuers/qaa/credentials/{given['credentialId']}/revoke",
                headers=world["qaa"]).raise_for_status()
    badge = page(client, f"/credentials/{credential['id']}")
    assert endorsement_states(badge) == {"Quality Assurance Agency": "revoked"}
    # §9.2: the credential is verified only when its endorsements are; it is not revoked.
    assert state_of(badge) == "not valid"
    # The achievement no longer publishes it.
    achievement = page(client, f"/achievements/{world['achievement']['id']}")
    assert endorsement_states(achievement) == {}


def test_issuer_page_and_imported_endorsements(client, world) -> None:
    endorse(client, world["qaa"], "did:web:testserver:issuers:uni").raise_for_status()
    imported = did_key_endorsement(achievement_url(world["achievement"]))
    client.post("/issuers/uni/endorsements/import", headers=world["uni"],
                json={"endorsement": imported}).raise_for_status()
    issuer = page(client, "/issuers/uni")
    assert endorsement_states(issuer) == {"Quality Assurance Agency": "genuine"}
    achievement = page(client, f"/achievements/{world['achievement']['id']}")
    assert endorsement_states(achievement) == {"Acme Analytics Ltd": "genuine"}
    credential = issue(client, world["uni"], world["achievement"], "page-3")
    badge = page(client, f"/credentials/{credential['id']}")
    assert endorsement_states(badge) == {"Quality Assurance Agency": "genuine",
                                         "Acme Analytics Ltd": "genuine"}


def test_a_vc_jwt_endorsement_shows_on_the_achievement_and_badge_pages(client, world) -> None:
    token = did_key_endorsement_jwt(achievement_url(world["achievement"]))
    client.post("/issuers/uni/endorsements/import", headers=world["uni"],
                json={"endorsement": token}).raise_for_status()
    achievement = page(client, f"/achievements/{world['achievement']['id']}")
    assert endorsement_states(achievement) == {"Acme Analytics Ltd": "genuine"}
    credential = issue(client, world["uni"], world["achievement"], "page-4")
    badge = page(client, f"/credentials/{credential['id']}")
    assert endorsement_states(badge) == {"Acme Analytics Ltd": "genuine"}
