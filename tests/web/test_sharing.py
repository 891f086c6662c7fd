"""Issue 11 (pages and sharing): a revoked or suspended badge is not shareable; link-preview
crawlers get the page and a 1200x630 preview image; everyone else still gets the credential."""

from __future__ import annotations

import html as htmllib
import io
import re

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from tests.web.conftest import BROWSER, issue, make_achievement, page, state_of
from vcissuer.issuance.signing import serialize
from vcissuer.web import is_link_preview_agent

CRAWLERS = [
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Twitterbot/1.0",
    "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5",
    "WhatsApp/2.23.20.0",
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
]
NOT_CRAWLERS = [None, "", "curl/8.5.0", "python-httpx/0.28.1", "Mozilla/5.0 (X11; Linux x86_64)"]


def _meta(html: str, key: str) -> str | None:
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', html)
    return htmllib.unescape(match.group(1)) if match else None


@pytest.fixture
def suspendable(client: TestClient, issuer_headers):
    return make_achievement(client, issuer_headers, suspendable=True)


def _share_controls(html: str, credential_id: str) -> list[str]:
    found = []
    if "linkedin.com/profile/add" in html:
        found.append("linkedin")
    if re.search(r'<img class="qr"', html):
        found.append("qr")
    for suffix in (".json", ".png", ".svg", ".jwt"):
        if f'href="/credentials/{credential_id}{suffix}"' in html:
            found.append(suffix)
    if 'data-copy="share-url"' in html:
        found.append("copy")
    return found


@pytest.mark.parametrize("action", ["revoke", "suspend"])
def test_a_withdrawn_badge_is_not_shareable(client, issuer_headers, action) -> None:
    definition = make_achievement(client, issuer_headers, suspendable=action == "suspend")
    issued = issue(client, issuer_headers, definition, ref=f"w-{action}")
    path = f"/credentials/{issued['id']}"
    before = page(client, path)
    assert _share_controls(before, issued["id"]) == ["linkedin", "qr", ".json", ".png", ".svg",
                                                     "copy"]
    client.post(f"{path.replace('/credentials/', '/issuers/uni/credentials/')}/{action}",
                headers=issuer_headers, json={"reason": "under review"}).raise_for_status()
    html = page(client, path)
    word = {"revoke": "revoked", "suspend": "suspended"}[action]
    assert state_of(html) == word
    assert _share_controls(html, issued["id"]) == []
    assert _meta(html, "robots") == "noindex, nofollow"
    assert _meta(html, "og:title").startswith(f"{word.upper()}: ")
    assert f"has {word} this credential" in _meta(html, "og:description")
    assert f"This credential has been {word}" in html
    # When it happened, from the audit trail.
    assert re.search(rf"{word} it <time datetime=\"\d{{4}}-\d\d-\d\dT[^\"]+\">on \d", html)


def test_reinstated_badge_is_shareable_again(client, issuer_headers, suspendable) -> None:
    issued = issue(client, issuer_headers, suspendable, ref="again")
    base = f"/issuers/uni/credentials/{issued['id']}"
    for action in ("suspend", "reinstate"):
        client.post(f"{base}/{action}", headers=issuer_headers,
                    json={"reason": "checked"}).raise_for_status()
    html = page(client, f"/credentials/{issued['id']}")
    assert state_of(html) == "genuine"
    assert "linkedin" in _share_controls(html, issued["id"])
    assert _meta(html, "robots") is None


@pytest.mark.parametrize("agent", CRAWLERS)
def test_link_preview_crawlers_get_the_page(client, issuer_headers, suspendable,
                                            agent) -> None:
    issued = issue(client, issuer_headers, suspendable, ref="crawl")
    for path in (f"/credentials/{issued['id']}", "/issuers/uni",
                 suspendable["id"].removeprefix("http://testserver")):
        response = client.get(path, headers={"Accept": "*/*", "User-Agent": agent})
        if not path.startswith("/"):
            continue
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/html; charset=utf-8", path
        assert "User-Agent" in response.headers["vary"]
    html = client.get(f"/credentials/{issued['id']}", headers={"User-Agent": agent}).text
    assert _meta(html, "twitter:card") == "summary_large_image"


@pytest.mark.parametrize("agent", NOT_CRAWLERS)
def test_every_other_client_gets_the_credential_as_issued(client, issuer_headers, suspendable,
                                                          agent) -> None:
    issued = issue(client, issuer_headers, suspendable, ref="prog")
    headers = {"Accept": "*/*"}
    if agent is not None:
        headers["User-Agent"] = agent
    response = client.get(f"/credentials/{issued['id']}", headers=headers)
    assert response.status_code == 200
    assert response.content == serialize(issued["credential"]).encode("utf-8") or \
        response.json() == issued["credential"]
    assert "User-Agent" in response.headers["vary"]


def test_agent_recognition() -> None:
    assert all(is_link_preview_agent(a) for a in CRAWLERS)
    assert not any(is_link_preview_agent(a) for a in NOT_CRAWLERS)


def test_preview_image(client, issuer_headers, suspendable) -> None:
    issued = issue(client, issuer_headers, suspendable, ref="preview")
    url = f"/credentials/{issued['id']}/preview.png"
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (1200, 630) and image.format == "PNG"
    client.post(f"/issuers/uni/credentials/{issued['id']}/revoke", headers=issuer_headers,
                json={"reason": "error"}).raise_for_status()
    revoked = client.get(url)
    assert revoked.status_code == 200 and revoked.content != response.content
    # The red REVOKED label is drawn at the top of the text column of the revoked preview only.
    corner = (560, 72)
    assert Image.open(io.BytesIO(revoked.content)).convert("RGB").getpixel(corner) == \
        (185, 28, 28)
    assert image.convert("RGB").getpixel(corner) == (255, 255, 255)
    missing = client.get("/credentials/no-such-id/preview.png")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


def test_browser_page_unchanged_for_browsers(client, issuer_headers, suspendable) -> None:
    issued = issue(client, issuer_headers, suspendable, ref="b")
    response = client.get(f"/credentials/{issued['id']}", headers=BROWSER)
    assert response.headers["content-type"].startswith("text/html")


def test_pages_say_which_revision_a_credential_was_issued_under(client, issuer_headers) -> None:
    """Issue 11.3: after a correction the achievement page shows the current revision and the
    badge page says which revision its credential was issued under; retired, the page says so."""
    definition = make_achievement(client, issuer_headers)
    issued = issue(client, issuer_headers, definition, ref="rev-1")
    html = page(client, f"/credentials/{issued['id']}")
    assert "Issued under revision 1 of this achievement's definition (the current one)" in html
    patched = client.patch(f"/issuers/uni/achievements/{definition['id']}",
                           headers=issuer_headers,
                           json={"description": "Cleans, analyses and visualises data."})
    assert patched.status_code == 200, patched.text
    html = page(client, f"/credentials/{issued['id']}")
    assert "Issued under revision 1 of this achievement's definition; the issuer has since " \
           "published revision 2" in html
    achievement_path = definition["achievement"]["id"].split("://", 1)[1].split("/", 1)[1]
    html = page(client, "/" + achievement_path)
    assert "This is revision 2 of the definition." in html
    retired = client.post(f"/issuers/uni/achievements/{definition['id']}/retire",
                          headers=issuer_headers)
    assert retired.status_code == 200, retired.text
    html = page(client, "/" + achievement_path)
    assert "The issuer retired it on " in html
