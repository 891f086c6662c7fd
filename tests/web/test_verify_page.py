"""The verify page: paste a URL, JSON or a VC-JWT, or upload a baked image; a report in plain
language, every check explained; anything else a friendly page, never a 500."""

from __future__ import annotations

import html as htmllib
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from tests.web.conftest import BASE_URL, BROWSER, issue, make_achievement, page, state_of
from vcissuer.baking import unbake

BAKED = Path(__file__).parents[1] / "vectors/1edtech-validator-ob30/baked"
SAMPLES = sorted(BAKED.iterdir())


@pytest.fixture
def issued(client: TestClient, issuer_headers):
    return issue(client, issuer_headers, make_achievement(client, issuer_headers))


def post(client: TestClient, *, files=None, **fields):
    return client.post("/verify", headers=BROWSER, data=fields, files=files)


def checks(html: str) -> list[tuple[str, str]]:
    """(title, outcome) of every check listed on the page."""
    found = re.findall(r'<li class="check outcome-[^"]+">\s*<p><strong>([^<]+)</strong> '
                       r'<span class="outcome">([^<]+)</span>', html)
    return [(htmllib.unescape(t), o) for t, o in found]


def test_the_form(client) -> None:
    html = page(client, "/verify")
    assert '<form class="verify-form" method="post" action="/verify" ' \
           'enctype="multipart/form-data"' in html
    for field in ("url", "credential", "file"):
        assert f'<label for="{field}">' in html and f'id="{field}" name="{field}"' in html
    assert 'data-state="' not in html


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.name for p in SAMPLES])
def test_the_1edtech_baked_samples_give_a_report(client, sample: Path) -> None:
    media = "image/png" if sample.suffix == ".png" else "image/svg+xml"
    response = post(client, files={"file": (sample.name, sample.read_bytes(), media)})
    assert response.status_code == 200, response.text
    html = response.text
    # Keys that travel inside a credential are not trusted by default, and the samples' hosts
    # are not reachable from tests: the report says what could not be checked, and why.
    assert state_of(html) in ("could not check", "not valid", "genuine", "expired")
    titles = [title for title, _ in checks(html)]
    assert {"Digital signature", "Issuer's key", "Dates"} <= set(titles)
    assert f"Result for {sample.name}" in html
    credential = unbake(sample.read_bytes())
    if isinstance(credential, dict):
        name = credential["credentialSubject"]["achievement"]["name"]
        assert htmllib.escape(name, quote=False) in html


def test_a_json_sample_reports_its_signature_as_verified(client) -> None:
    sample = BAKED / "simple-json.png"
    html = post(client, files={"file": (sample.name, sample.read_bytes(), "image/png")}).text
    outcomes = dict(checks(html))
    assert outcomes["Well-formed Open Badge"] == "passed"
    assert outcomes["Issuer's key"] == "could not check"
    assert state_of(html) == "could not check"
    assert "This does not mean the credential is false" in html


def test_paste_json_jwt_and_url(client, issuer_headers, issued) -> None:
    signed = client.get(f"/credentials/{issued['id']}").text
    html = post(client, credential=signed).text
    assert state_of(html) == "genuine"
    assert "Result for the pasted credential" in html
    jwt = issue(client, issuer_headers, make_achievement(client, issuer_headers),
                ref="jwt", format="jwt")
    html = post(client, credential=jwt["jwt"]).text
    assert state_of(html) == "genuine" and "Ada Learner" in html
    url = f"{BASE_URL}/credentials/{issued['id']}"
    for response in (post(client, url=url), post(client, credential=url),
                     client.get("/verify", params={"url": url}, headers=BROWSER)):
        assert response.status_code == 200
        assert state_of(response.text) == "genuine"
        assert f"Result for {url}" in response.text


def test_revoked_shows_on_the_verify_page(client, issuer_headers, issued) -> None:
    client.post(f"/issuers/uni/credentials/{issued['id']}/revoke", headers=issuer_headers,
                json={"reason": "withdrawn"}).raise_for_status()
    html = post(client, url=f"{BASE_URL}/credentials/{issued['id']}").text
    assert state_of(html) == "revoked"
    assert dict(checks(html))["Revocation and suspension"] == "failed"


def test_programs_still_get_json_from_get_verify(client, issued) -> None:
    response = client.get("/verify", params={"url": f"{BASE_URL}/credentials/{issued['id']}"},
                          headers={"Accept": "application/json"})
    assert response.headers["content-type"].startswith(("application/json",
                                                        "application/problem+json"))


UNREADABLE = [
    ("credential", "hello, world"),
    ("credential", "[1, 2, 3]"),
    ("credential", '{"truncated": '),
    ("credential", "[" * 5000 + "]" * 5000),
    ("credential", json.dumps({"@context": ["https://www.w3.org/ns/credentials/v2"]})),
    ("credential", "a.b.c"),
    ("url", "file:///etc/passwd"),
    ("url", "http://127.0.0.1:9/secret"),
    ("url", "https://" + "a" * 3000 + ".example"),
    ("url", "not a url"),
]


@pytest.mark.parametrize(("field", "value"), UNREADABLE,
                         ids=[f"{f}-{i}" for i, (f, _) in enumerate(UNREADABLE)])
def test_unreadable_input_is_a_friendly_page(client, field, value) -> None:
    response = post(client, **{field: value})
    assert response.status_code in (200, 400, 422)
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    html = response.text
    assert ('role="alert"' in html) or ('data-state="' in html)
    if field == "credential" and len(value) < 200:
        assert str(escape(value.strip())) in html  # the input is kept, escaped


@pytest.mark.parametrize("upload", [b"", b"\x89PNG\r\n\x1a\n", b"\x00\xff" * 100,
                                    b"<svg xmlns='http://www.w3.org/2000/svg'/>",
                                    b"<svg><openbadges:credential>oops"],
                         ids=["empty", "png-signature", "binary", "plain-svg", "broken-svg"])
def test_unreadable_uploads_are_friendly(client, upload) -> None:
    response = post(client, files={"file": ("badge.png", upload, "image/png")})
    assert response.status_code in (200, 400)
    assert response.headers["content-type"] == "text/html; charset=utf-8"


def test_a_png_without_a_credential(client) -> None:
    from vcissuer.web.png import badge_png

    response = post(client, files={"file": ("plain.png", badge_png((1, 2, 3)), "image/png")})
    assert response.status_code == 400
    assert "No credential found" in response.text
    assert "no openbadgecredential" in response.text


def test_a_refused_url_says_why(client) -> None:
    response = post(client, url="http://127.0.0.1:9/secret")
    assert response.status_code == 400
    assert "That URL cannot be checked" in response.text


def test_a_presentation_is_pointed_elsewhere(client) -> None:
    presentation = {"@context": ["https://www.w3.org/ns/credentials/v2"],
                    "type": ["VerifiablePresentation"]}
    response = post(client, credential=json.dumps(presentation))
    assert response.status_code == 400
    assert "This is a presentation" in response.text


def test_nothing_given_shows_the_form(client) -> None:
    response = client.get("/verify", headers=BROWSER)
    assert response.status_code == 200
    assert 'data-state="' not in response.text and 'role="alert"' not in response.text


def test_an_empty_submit_says_what_to_give(client) -> None:
    """Issue 11.10: pressing Verify with nothing filled in says so, instead of nothing."""
    response = post(client)
    assert response.status_code == 400
    assert 'role="alert"' in response.text and "Nothing to check" in response.text
    assert 'data-state="' not in response.text


@pytest.mark.parametrize("route", ["get", "post"])
def test_urls_with_spaces_are_trimmed_or_refused_never_a_500(client, route) -> None:
    """Issue 11.10: spaces around a URL are trimmed; spaces inside are a 400 naming ``url``."""

    def ask(url: str):
        if route == "get":
            return client.get("/verify", params={"url": url})
        return client.post("/verify/url", json={"url": url})

    trimmed = ask("  https://10.1.2.3/badge.json \n")
    assert trimmed.status_code == 400, trimmed.text
    problem = trimmed.json()
    assert problem["errors"][0]["field"] == "url"
    assert "spaces" not in problem["detail"] and "10.1.2.3" in problem["detail"]
    inside = ask("https://exa mple.org/badge.json")
    assert inside.status_code == 400, inside.text
    assert "spaces" in inside.json()["detail"]


def test_the_verify_page_trims_and_names_no_python_exceptions(client) -> None:
    response = client.get("/verify", params={"url": "  https://exa mple.org/x  "},
                          headers=BROWSER)
    assert response.status_code == 400
    assert "spaces" in response.text
    for name in ("InvalidURL", "gaierror", "Error)", "Exception"):
        assert name not in response.text


@pytest.mark.parametrize(("count", "words"), [(1, "(1 check)"), (2, "(2 checks)")])
def test_the_panel_counts_checks_in_english(count: int, words: str) -> None:
    from vcissuer.verify import Check, Outcome, VerificationReport
    from vcissuer.web.explain import explain
    from vcissuer.web.templating import _environment

    report = VerificationReport(checks=tuple(Check(name, Outcome.PASSED)
                                             for name in ("proof", "structure")[:count]))
    template = _environment().from_string(
        '{% from "_panel.html" import panel %}{{ panel(explanation) }}')
    assert words in template.render(explanation=explain(report))
