"""Badge, issuer and achievement pages through the real app: content negotiation (the JSON stays
byte for byte what it was), what the page shows, the live verification panel, headers, sharing."""

from __future__ import annotations

import html as htmllib
import json
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import (
    BASE_URL,
    BROWSER,
    assessment,
    issue,
    make_achievement,
    page,
    state_of,
)
from vcissuer.issuance import achievements, issuers
from vcissuer.issuance.context import Services
from vcissuer.issuance.signing import serialize
from vcissuer.web.security import CONTENT_SECURITY_POLICY

CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
PROGRAMS = [None, "*/*", "application/json", "application/ld+json", "application/vc+ld+json",
            "text/html;q=0.5, application/json", "text/html, application/json"]


@pytest.fixture
def achievement(client: TestClient, issuer_headers):
    return make_achievement(client, issuer_headers)


@pytest.fixture
def issued(client: TestClient, issuer_headers, achievement):
    return issue(client, issuer_headers, achievement,
                 validUntil="2099-06-30T00:00:00Z")


def _path(url: str) -> str:
    return url.removeprefix(BASE_URL)


def _meta(html: str, key: str) -> str:
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', html)
    assert match, key
    return htmllib.unescape(match.group(1))


# --- content negotiation ------------------------------------------------------------------

@pytest.mark.parametrize("accept", PROGRAMS)
def test_programs_get_the_credential_byte_for_byte(client, issued, accept) -> None:
    headers = {} if accept is None else {"Accept": accept}
    response = client.get(f"/credentials/{issued['id']}", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vc+ld+json"
    assert response.content == serialize(issued["credential"]).encode("utf-8")
    assert response.headers["cache-control"] == "public, max-age=60"
    assert response.headers["vary"] == "Accept, User-Agent"
    assert "content-security-policy" not in response.headers


def test_programs_get_a_jwt_as_before(client, issuer_headers, achievement) -> None:
    issued = issue(client, issuer_headers, achievement, ref="jwt-1", format="jwt")
    response = client.get(f"/credentials/{issued['id']}", headers={"Accept": "*/*"})
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == issued["jwt"]


@pytest.mark.parametrize("accept", PROGRAMS)
def test_programs_get_the_profile_and_achievement_json(client, services: Services, achievement,
                                                       accept) -> None:
    headers = {} if accept is None else {"Accept": accept}
    with services.db.session_scope(read_only=True) as session:
        profile = issuers.profile_document(issuers.load_issuer(services, session, "uni"))
    response = client.get("/issuers/uni", headers=headers)
    assert response.headers["content-type"] == "application/ld+json"
    assert response.content == json.dumps(profile, ensure_ascii=False).encode("utf-8")
    document = achievements.public_achievement(services, achievement["id"])
    response = client.get(f"/achievements/{achievement['id']}", headers=headers)
    assert response.headers["content-type"] == "application/ld+json"
    assert response.content == json.dumps(document, ensure_ascii=False).encode("utf-8")


def test_browsers_get_pages_with_strict_headers(client, issued, achievement) -> None:
    for path in (f"/credentials/{issued['id']}", "/issuers/uni",
                 f"/achievements/{achievement['id']}", "/verify"):
        response = client.get(path, headers=BROWSER)
        assert response.status_code == 200, path
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert response.headers["content-security-policy"] == CSP == CONTENT_SECURITY_POLICY
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["vary"] == "Accept, User-Agent"
        assert response.text.startswith("<!doctype html>")


def test_unknown_ids_are_pages_for_browsers_and_problems_for_programs(client) -> None:
    for path in ("/credentials/nope", "/issuers/nope", "/achievements/nope"):
        response = client.get(path, headers=BROWSER)
        assert response.status_code == 404
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert response.headers["content-security-policy"] == CSP
        assert "Not found" in response.text
        response = client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")


# --- the badge page -----------------------------------------------------------------------

def test_badge_page_shows_who_awarded_what_for_what(client, issued, achievement) -> None:
    html = page(client, f"/credentials/{issued['id']}")
    assert state_of(html) == "genuine"
    assert ">Genuine<" in html
    text = htmllib.unescape(html)
    for expected in ("Data Analysis with Python",
                     "Cleans, analyses and visualises tabular data with Python.",
                     "Pass the assessed project against both learning outcomes.",
                     "Clean and reshape tabular data", "72%", "40%",
                     "Communicate findings", "Merit", "Pass",
                     "15 of 15", "UK Credit (CATS)", "FHEQ level 6",
                     "Uni University", "Ada Learner", "Project report",
                     "30 June 2099", "13 January 2025", "Micro-credential"):
        assert expected in text, expected
    issued_on = datetime.fromisoformat(issued["credential"]["validFrom"].replace("Z", "+00:00"))
    assert f"{issued_on.day} {issued_on:%B %Y}" in text
    assert '<a href="/issuers/uni">Uni University</a>' in html
    assert f'href="/achievements/{achievement["id"]}"' in html
    # Every check, explained in words.
    for title in ("Well-formed Open Badge", "Digital signature", "Issuer&#39;s key",
                  "Revocation and suspension", "Dates"):
        assert title in html


def test_the_email_never_appears(client, issued) -> None:
    html = page(client, f"/credentials/{issued['id']}").lower()
    assert "learner@example.org" not in html
    assert "@example.org" not in html
    for identity in issued["credential"]["credentialSubject"]["identifier"]:
        if identity["hashed"]:
            assert identity["identityHash"].lower() not in html
            assert identity["salt"] not in html


def test_no_learner_name_unless_the_credential_states_it(client, issuer_headers,
                                                         achievement) -> None:
    body = assessment(achievement["id"], ref="anon")
    body["recipient"] = {"email": "someone@example.org"}
    response = client.post("/issuers/uni/credentials", headers=issuer_headers, json=body)
    html = page(client, f"/credentials/{response.json()['id']}")
    assert "Awarded by" in html and "Awarded to" not in html
    assert "someone@example.org" not in html


def test_sharing_linkedin_open_graph_qr_and_downloads(client, issued) -> None:
    html = page(client, f"/credentials/{issued['id']}")
    url = f"{BASE_URL}/credentials/{issued['id']}"
    link = htmllib.unescape(re.search(r'href="(https://www\.linkedin\.com/[^"]+)"', html)[1])
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com",
                                                         "/profile/add")
    fields = {k: v[0] for k, v in parse_qs(parts.query).items()}
    issued_on = datetime.fromisoformat(issued["credential"]["validFrom"].replace("Z", "+00:00"))
    assert fields == {
        "startTask": "CERTIFICATION_NAME", "name": "Data Analysis with Python",
        "organizationName": "Uni University", "issueYear": str(issued_on.year),
        "issueMonth": str(issued_on.month), "expirationYear": "2099", "expirationMonth": "6",
        "certUrl": url, "certId": issued["id"],
    }
    assert _meta(html, "og:url") == url
    assert _meta(html, "og:title") == "Data Analysis with Python — Uni University"
    assert _meta(html, "og:image") == f"{url}/preview.png"
    assert (_meta(html, "og:image:width"), _meta(html, "og:image:height")) == ("1200", "630")
    assert _meta(html, "twitter:card") == "summary_large_image"
    assert _meta(html, "twitter:image") == f"{url}/preview.png"
    assert 'name="robots"' not in html
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'value="{url}"' in html  # the link to copy
    assert 'data-copy="share-url"' in html
    assert re.search(r'<img class="qr" src="data:image/svg\+xml', html)
    for suffix in (".json", ".png", ".svg"):
        assert f'href="/credentials/{issued["id"]}{suffix}"' in html
    assert f'/credentials/{issued["id"]}.jwt' not in html


def test_jwt_credential_page_offers_the_jwt(client, issuer_headers, achievement) -> None:
    issued = issue(client, issuer_headers, achievement, ref="jwt-2", format="jwt")
    html = page(client, f"/credentials/{issued['id']}")
    assert state_of(html) == "genuine"
    assert "Data Analysis with Python" in html and "Ada Learner" in html
    assert f'href="/credentials/{issued["id"]}.jwt"' in html
    assert f'/credentials/{issued["id"]}.json' not in html


# --- the live verification panel ------------------------------------------------------------

def test_revoked_suspended_reinstated(client, issuer_headers, achievement) -> None:
    revocable = issue(client, issuer_headers, achievement, ref="r")
    path = f"/credentials/{revocable['id']}"
    assert state_of(page(client, path)) == "genuine"
    client.post(f"/issuers/uni/credentials/{revocable['id']}/revoke", headers=issuer_headers,
                json={"reason": "awarded in error"}).raise_for_status()
    html = page(client, path)
    assert state_of(html) == "revoked", re.sub(r"<[^>]+>", " ", html)[-3000:]
    assert ">Revoked<" in html and "The issuer has revoked it." in html

    suspendable = make_achievement(client, issuer_headers, suspendable=True)
    issued = issue(client, issuer_headers, suspendable, ref="s")
    path = f"/credentials/{issued['id']}"
    client.post(f"/issuers/uni/credentials/{issued['id']}/suspend", headers=issuer_headers,
                json={"reason": "under review"}).raise_for_status()
    assert state_of(page(client, path)) == "suspended"
    client.post(f"/issuers/uni/credentials/{issued['id']}/reinstate", headers=issuer_headers,
                json={"reason": "cleared"}).raise_for_status()
    assert state_of(page(client, path)) == "genuine"


def test_a_revoked_suspendable_credential_reads_revoked(client, issuer_headers) -> None:
    """Suspendable credentials carry one 2-bit suspension entry (vcissuer.status.lifecycle):
    after suspend then revoke, the page says Revoked, not Suspended."""
    suspendable = make_achievement(client, issuer_headers, suspendable=True)
    issued = issue(client, issuer_headers, suspendable, ref="sr")
    path = f"/credentials/{issued['id']}"
    for action in ("suspend", "revoke"):
        client.post(f"/issuers/uni/credentials/{issued['id']}/{action}",
                    headers=issuer_headers, json={"reason": "x"}).raise_for_status()
    html = page(client, path)
    assert state_of(html) == "revoked", re.sub(r"<[^>]+>", " ", html)[-3000:]
    assert ">Revoked<" in html and "The issuer has revoked it." in html


def test_expired(client, services: Services, issuer_headers, achievement) -> None:
    soon = datetime.now(UTC) + timedelta(days=2)
    issued = issue(client, issuer_headers, achievement, ref="e",
                   validUntil=soon.strftime("%Y-%m-%dT%H:%M:%SZ"))
    services.clock = lambda: soon + timedelta(days=1)
    html = page(client, f"/credentials/{issued['id']}")
    assert state_of(html) == "expired"
    assert ">Expired<" in html and "It has expired." in html


def test_could_not_check_when_the_status_list_is_unavailable(client, issued,
                                                             monkeypatch) -> None:
    from vcissuer.issuance import errors, status

    def unavailable(*args, **kwargs):
        raise errors.NotFound("gone")

    monkeypatch.setattr(status, "published_list", unavailable)
    html = page(client, f"/credentials/{issued['id']}")
    assert state_of(html) == "could not check"
    assert ">Could not check<" in html
    assert "status list could not be retrieved" in html


def test_a_tampered_credential_is_not_valid(client, services: Services, issued) -> None:
    from sqlalchemy import update

    from vcissuer.store.records import CredentialRecord

    tampered = json.loads(serialize(issued["credential"]))
    tampered["credentialSubject"]["result"][0]["value"] = "99"
    with services.db.session_scope() as session:
        session.execute(update(CredentialRecord).where(CredentialRecord.id == issued["id"])
                        .values(signed=serialize(tampered)))
    html = page(client, f"/credentials/{issued['id']}")
    assert state_of(html) == "not valid"
    assert "The signature does not match" in html


# --- escaping -------------------------------------------------------------------------------

HOSTILE = '<script>alert("x")</script><b onmouseover=alert(1)>bold</b>'


def test_user_text_is_escaped(client, services: Services, admin) -> None:
    from tests.web.conftest import api_key, bearer, make_issuer

    make_issuer(client, admin, slug="evil", name=f"Evil {HOSTILE}",
                description=f"About {HOSTILE}")
    headers = bearer(api_key(services, issuer_slug="evil"))
    achievement = make_achievement(
        client, headers, slug="evil", name=f"Badge {HOSTILE}", description=f"Desc {HOSTILE}",
        criteria={"narrative": f"Criteria {HOSTILE}"},
        alignment=[{"targetName": f"Level {HOSTILE}", "targetFramework": HOSTILE,
                    "targetUrl": "https://example.org/level"}],
        tag=[HOSTILE])
    body = assessment(achievement["id"], ref="x")
    body["recipient"]["name"] = f"Learner {HOSTILE}"
    body["evidence"] = [{"id": "javascript:alert(1)", "name": f"Evidence {HOSTILE}",
                         "narrative": HOSTILE}]
    response = client.post("/issuers/evil/credentials", headers=headers, json=body)
    assert response.status_code == 201, response.text
    issued = response.json()
    for path in (f"/credentials/{issued['id']}", "/issuers/evil",
                 f"/achievements/{achievement['id']}"):
        html = page(client, path)
        assert "<script>alert" not in html and "<b onmouseover" not in html, path
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html, path
        assert "javascript:" not in html, path
        # The only scripts are the site's own file.
        assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/site.js" defer>']
    html = page(client, f"/credentials/{issued['id']}")
    text = htmllib.unescape(html)
    assert f"Learner {HOSTILE}" in text and f"Badge {HOSTILE}" in text
    assert f"Evidence {HOSTILE}" in text
    # The generated badge escapes the name too; the credential itself is CDATA (text).
    svg = client.get(f"/credentials/{issued['id']}.svg").text
    outside = re.sub(r"<openbadges:credential>.*?</openbadges:credential>", "", svg,
                     flags=re.DOTALL)
    assert "<script>alert" not in outside and "&lt;script&gt;" in outside


def test_issuer_and_achievement_pages(client, issuer_headers, achievement) -> None:
    html = page(client, "/issuers/uni")
    assert "<h1 id=\"title\">Uni University</h1>" in html
    assert 'href="https://uni.example.ac.uk/"' in html
    assert 'href="/issuers/uni/did.json"' in html
    assert "did:web:testserver:issuers:uni" in html
    html = page(client, f"/achievements/{achievement['id']}")
    text = htmllib.unescape(html)
    for expected in ("Data Analysis with Python", "Clean and reshape tabular data", "40%",
                     "Communicate findings", "Pass", "15 (UK Credit (CATS))", "FHEQ level 6",
                     "Pass the assessed project against both learning outcomes."):
        assert expected in text, expected
    assert '<a href="/issuers/uni">Uni University</a>' in html
    assert re.search(r'<img class="badge-image" src="data:image/svg\+xml;base64,', html)


def test_a_met_letter_grade_says_met(client, issuer_headers) -> None:
    grade = {"key": "grade", "name": "Overall grade", "resultType": "LetterGrade",
             "allowedValue": ["Fail", "Pass", "Merit", "Distinction"], "requiredValue": "Pass"}
    achievement = make_achievement(client, issuer_headers, resultDescription=[grade])
    issued = issue(client, issuer_headers, achievement,
                   results=[{"resultDescription": "grade", "value": "Merit"}])
    text = htmllib.unescape(page(client, f"/credentials/{issued['id']}"))
    assert re.search(r"Merit\s*<span class=\"met\">\(met\)</span>", text), text


def test_the_issuer_page_lists_its_achievements(client, issuer_headers, services: Services,
                                                admin) -> None:
    from tests.web.conftest import api_key, bearer, make_issuer

    html = page(client, "/issuers/uni")
    assert "has not published any achievements yet" in html
    first = make_achievement(client, issuer_headers)
    second = make_achievement(client, issuer_headers, name="Machine Learning Foundations",
                              description="Trains and evaluates <b>simple</b> models.")
    # Another issuer's achievement is not listed.
    make_issuer(client, admin, slug="other")
    make_achievement(client, bearer(api_key(services, issuer_slug="other")), slug="other",
                     name="Not Ours")
    html = page(client, "/issuers/uni")
    section = html[html.index('id="achievements-title"'):]
    assert f'<a href="/achievements/{first["id"]}">Data Analysis with Python</a>' in section
    assert (f'<a href="/achievements/{second["id"]}">Machine Learning Foundations</a>'
            in section)
    assert "Trains and evaluates &lt;b&gt;simple&lt;/b&gt; models." in section
    assert "Not Ours" not in html
    assert section.index("Data Analysis") < section.index("Machine Learning")
