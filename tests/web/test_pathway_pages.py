"""The pathway pages (issue 13 item 7) through the real app on SQLite and PostgreSQL: the
qualification's badge page lists its constituents with their status now and credits, and an
award event plainly; the pathway page states the rules in plain language (JSON for programs);
a learner's progress opens by an unguessable, revocable link, never cached, indexed or sent
on as a referrer, showing the learner only masked."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import api_key, bearer, make_issuer
from tests.api.test_pathways import _issue, _pgcert, _progress, _setup
from tests.web.conftest import BROWSER
from vcissuer.api.admission import _badge
from vcissuer.issuance.context import Services
from vcissuer.issuance.pathway_pages import mask_learner
from vcissuer.store.progress_links import ProgressLinkRecord


def _world(client: TestClient, admin: dict[str, str], *, issue: int = 3
           ) -> tuple[dict[str, str], list[str], str, dict[str, Any], list[dict[str, Any]]]:
    headers, modules, target = _setup(client, admin)
    pathway = _pgcert(client, headers, modules, target, maxExternalCredits=20,
                      recognise=[{"issuer": "did:web:other.example"}])
    issued = [_issue(client, headers, m, f"p{i}") for i, m in enumerate(modules[:issue])]
    return headers, modules, target, pathway, issued


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_pathway_page_states_the_rules_in_plain_language(client: TestClient,
                                                             admin) -> None:
    _, _, target, pathway, _ = _world(client, admin, issue=0)
    page = client.get(f"/pathways/{pathway['id']}", headers=BROWSER)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = _text(page.text)
    assert "PgCert Data Science" in text
    for line in ("At least 60 CATS credits, of which 40 at FHEQ level 7 or above.",
                 "Module A is required.",
                 "At least 2 achievements from the electives methods: Module B or Module C.",
                 "Credentials count when earned within the last 5 years.",
                 "At most 20 credits from other providers (recognised prior learning).",
                 "Revoked, suspended and expired credentials never count"):
        assert line in text, text
    assert f'href="/achievements/{target}"' in page.text
    # Programs get JSON at the same URL.
    data = client.get(f"/pathways/{pathway['id']}").json()
    assert data["rules"] == pathway["rules"] and "Module A is required." in data["description"]
    # Unknown: 404 for both.
    assert client.get("/pathways/00000000-0000-0000-0000-000000000000",
                      headers=BROWSER).status_code == 404
    missing = client.get("/pathways/nope")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")


def test_the_qualification_page_lists_its_constituents_and_an_award_event(
        client: TestClient, admin) -> None:
    headers, _, _, pathway, issued = _world(client, admin)
    award = _progress(client, headers, pathway["id"])["award"]
    page = client.get(f"/credentials/{award['credentialId']}", headers=BROWSER)
    assert page.status_code == 200
    text = _text(page.text)
    assert "Earned by stacking credentials" in text
    assert f'href="/pathways/{pathway["id"]}"' in page.text
    assert f'href="/credentials/{award["clrCredentialId"]}"' in page.text
    rows = re.findall(r'<tr class="constituent state-(\w+)"', page.text)
    assert rows == ["active"] * 3
    for credential in issued:
        assert f'href="/credentials/{credential["id"]}"' in page.text
    assert "Module B Active 20" in text
    assert "Since the award" not in text

    client.post(f"/issuers/uni/credentials/{issued[1]['id']}/revoke", headers=headers,
                json={"reason": "academic misconduct"}).raise_for_status()
    text = _text(client.get(f"/credentials/{award['credentialId']}", headers=BROWSER).text)
    assert "Module B Revoked 20" in text
    assert "A credential counted in this award has changed since it was made." in text
    assert re.search(r"Since the award \d\d \w+ \d{4} ?: Module B revoked \(academic "
                     r"misconduct\)\.", text), text
    # Other credentials' pages have no such section.
    plain = client.get(f"/credentials/{issued[0]['id']}", headers=BROWSER).text
    assert "Earned by stacking credentials" not in plain


def _link(client: TestClient, headers: dict[str, str], pathway: str,
          learner: str = "ada@example.org", slug: str = "uni") -> Any:
    return client.post(f"/issuers/{slug}/pathways/{pathway}/progress-links", headers=headers,
                       json={"learner": learner})


def test_a_progress_link_opens_the_learners_progress_until_revoked(client: TestClient,
                                                                   admin) -> None:
    headers, modules, _, pathway, issued = _world(client, admin, issue=2)
    client.post(f"/issuers/uni/credentials/{issued[1]['id']}/revoke", headers=headers,
                json={"reason": "academic misconduct"}).raise_for_status()
    response = _link(client, headers, pathway["id"])
    assert response.status_code == 201, response.text
    link = response.json()
    token = link["token"]
    assert len(token) >= 43 and link["url"] == f"http://testserver/progress/{token}"
    assert link["learner"] == "a•••@example.org" and link["revoked"] is None
    assert _link(client, headers, pathway["id"]).json()["token"] != token

    page = client.get(f"/progress/{token}")
    assert page.status_code == 200, page.text
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "noindex" in page.headers["x-robots-tag"]
    assert '<meta name="robots" content="noindex, nofollow">' in page.text
    assert '<meta name="referrer" content="no-referrer">' in page.text
    assert "ada@example.org" not in page.text and "Ada" not in page.text
    text = _text(page.text)
    assert "a•••@example.org" in text
    assert "In total: 20 of 60 CATS credits" in text
    assert "At FHEQ level 7 or above: 20 of 40" in text
    assert "Module A Active 20 required: Module A" in text  # what counts, and for which rule
    assert "2 more from the electives methods" in text  # what is missing
    assert "40 more credits" in text
    assert "Module B : the credential is revoked" in text  # set aside, and why
    assert f'href="/pathways/{pathway["id"]}"' in page.text

    # Once awarded, the page says so and links the qualification and the record.
    _issue(client, headers, modules[1], "again")
    _issue(client, headers, modules[2], "third")
    text = _text(client.get(f"/progress/{token}").text)
    assert "Awarded" in text and "record of achievement (CLR)" in text

    revoked = client.post(
        f"/issuers/uni/pathways/{pathway['id']}/progress-links/{link['id']}/revoke",
        headers=headers)
    assert revoked.status_code == 200 and revoked.json()["revoked"] is not None
    assert "token" not in revoked.json()
    gone = client.get(f"/progress/{token}")
    assert gone.status_code == 404 and "text/html" in gone.headers["content-type"]


def test_progress_tokens_are_not_guessable_and_only_hashes_are_kept(
        client: TestClient, admin) -> None:
    headers, _, _, pathway, _ = _world(client, admin, issue=0)
    token = _link(client, headers, pathway["id"]).json()["token"]
    for other in ("x", token[:-1] + ("A" if token[-1] != "A" else "B"), token + "A",
                  "0" * 43, "../" + token):
        assert client.get(f"/progress/{other}").status_code == 404
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    with services.db.session_scope(read_only=True) as session:
        stored = session.query(ProgressLinkRecord).one()
        assert token not in (stored.token_hash, stored.learner_hash, stored.learner_hint)
        assert re.fullmatch(r"[0-9a-f]{64}", stored.token_hash)


def test_progress_links_are_the_issuers_own(client: TestClient, admin) -> None:
    headers, _, _, pathway, _ = _world(client, admin, issue=0)
    link = _link(client, headers, pathway["id"]).json()
    make_issuer(client, admin, "other")
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    other = bearer(api_key(services, issuer_slug="other"))
    assert _link(client, other, pathway["id"], slug="other").status_code == 404
    assert _link(client, other, pathway["id"]).status_code == 403
    assert client.post(f"/issuers/other/pathways/{pathway['id']}/progress-links/"
                       f"{link['id']}/revoke", headers=other).status_code == 404
    assert client.get(f"/progress/{link['token']}").status_code == 200
    assert client.post(f"/issuers/uni/pathways/{pathway['id']}/progress-links",
                       json={"learner": "ada@example.org"}).status_code == 401


def test_learners_are_masked_on_their_page() -> None:
    assert mask_learner("ada@example.org") == "a•••@example.org"
    assert mask_learner("student:12345678") == "student •••78"
    assert mask_learner("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK") == \
        "did:key:z6Mk…"


def test_the_pages_are_admitted_like_the_other_pages() -> None:
    html = [(b"accept", b"text/html")]
    assert _badge({"method": "GET", "headers": []}, "/progress/abc")
    assert _badge({"method": "GET", "headers": html}, "/pathways/abc")
    assert not _badge({"method": "GET", "headers": []}, "/pathways/abc")  # the JSON: a read


def test_malformed_progress_link_requests_are_problems_naming_the_field(
        client: TestClient, admin) -> None:
    """RFC 9457 problems, never a 500."""
    headers, _, _, pathway, _ = _world(client, admin, issue=0)
    url = f"/issuers/uni/pathways/{pathway['id']}/progress-links"
    for body, field in (({}, "learner"), ({"learner": ""}, "learner"),
                        ({"learner": "a\u0000b"}, "learner"), ({"learner": 7}, "learner"),
                        ({"learner": "x" * 501}, "learner"),
                        ({"learner": "a@b.org", "extra": 1}, "extra")):
        response = client.post(url, headers=headers, json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert field in response.text
    unknown = "00000000-0000-0000-0000-000000000000"
    assert client.post(f"/issuers/uni/pathways/{unknown}/progress-links", headers=headers,
                       json={"learner": "a@b.org"}).status_code == 404
    assert client.post(f"{url}/{unknown}/revoke", headers=headers).status_code == 404
    assert client.get("/pathways/%00").status_code == 404
