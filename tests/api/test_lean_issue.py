"""The lean single-issue path (api/leanissue.py) answers exactly as the FastAPI route does.

Two apps over one database, one with the lean path and one without, get the same requests:
every answer must be the same (status, headers, body); a fresh credential differs only in what
is new for each credential (ids, times, salted hashes, status index, proof value). The lean
app's ``served`` count shows which requests the lean path answered itself and which it handed
to the route (no key, another media type, JSON that is not strict, a body the model refuses):
RFC 9457 problem+json in every refusal, as the route words it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import api_key, assessment, bearer, make_achievement, make_issuer
from vcissuer.api.app import create_app
from vcissuer.api.leanissue import LeanIssue
from vcissuer.issuance.context import Services

# What differs between two credentials issued from the same record.
_VOLATILE = {"id", "created", "assessmentRef", "validFrom", "awardedDate", "identityHash",
             "salt", "proofValue", "statusListIndex", "statusListCredential"}


@pytest.fixture
def apps(services: Services) -> Iterator[tuple[TestClient, TestClient]]:
    with TestClient(create_app(services)) as lean, \
            TestClient(create_app(services, lean_issue=False)) as framework:
        yield lean, framework


@pytest.fixture
def setup(apps, services: Services, admin) -> dict[str, Any]:
    lean, _ = apps
    make_issuer(lean, admin)
    make_issuer(lean, admin, slug="other")
    headers = bearer(api_key(services, issuer_slug="uni"))
    return {"headers": headers, "achievement": make_achievement(lean, headers)["id"],
            "other": bearer(api_key(services, issuer_slug="other"))}


def _served(client: TestClient) -> int:
    node = client.app.middleware_stack  # type: ignore[attr-defined]
    while not isinstance(node, LeanIssue):
        node = node.app
    return node.served


def _skeleton(value: Any, key: str = "") -> Any:
    if key in _VOLATILE:
        return "<volatile>"
    if isinstance(value, dict):
        return {k: _skeleton(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_skeleton(v, key) for v in value]
    return value


def _post(client: TestClient, body: Any, headers: dict[str, str], *, raw: bytes | None = None,
          slug: str = "uni") -> tuple[int, dict[str, str], bytes]:
    if raw is None:
        response = client.post(f"/issuers/{slug}/credentials", headers=headers, json=body)
    else:
        response = client.post(f"/issuers/{slug}/credentials", headers=headers, content=raw)
    heads = {k: v for k, v in response.headers.items() if k != "content-length"}
    return response.status_code, heads, response.content


def _same_answer(apps, body: Any = None, *, headers: dict[str, str], raw: bytes | None = None,
                 slug: str = "uni", lean_serves: bool) -> tuple[int, bytes]:
    lean, framework = apps
    before = _served(lean)
    first = _post(lean, body, headers, raw=raw, slug=slug)
    assert _served(lean) - before == (1 if lean_serves else 0)
    second = _post(framework, body, headers, raw=raw, slug=slug)
    assert first == second, (first, second)
    return first[0], first[2]


def test_a_fresh_credential_is_the_routes_own(apps, setup) -> None:
    lean, framework = apps
    for charset in ("application/json", "application/json; charset=utf-8"):
        headers = {**setup["headers"], "Content-Type": charset}
        before = _served(lean)
        answers = []
        for client, ref in ((lean, f"lean-{charset}"), (framework, f"route-{charset}")):
            raw = json.dumps(assessment(setup["achievement"], ref=ref)).encode()
            answers.append(client.post("/issuers/uni/credentials", headers=headers,
                                       content=raw))
        assert _served(lean) == before + 1
        a, b = answers
        assert (a.status_code, b.status_code) == (201, 201), (a.text, b.text)
        assert a.headers["content-type"] == b.headers["content-type"] == "application/json"
        assert a.headers["location"].endswith(a.json()["id"])
        assert _skeleton(a.json()) == _skeleton(b.json())


def test_repeats_and_conflicts(apps, setup) -> None:
    """Idempotency (a repeat is 200 with the first credential) and 409 for changed data."""
    lean, _ = apps
    body = assessment(setup["achievement"], ref="repeat-1")
    assert lean.post("/issuers/uni/credentials", headers=setup["headers"],
                     json=body).status_code == 201
    status, _ = _same_answer(apps, body, headers=setup["headers"], lean_serves=True)
    assert status == 200
    changed = {**body, "results": [{"resultDescription": "lo1", "value": "41"},
                                   {"resultDescription": "lo2", "achievedLevel": "pass"}]}
    status, _ = _same_answer(apps, changed, headers=setup["headers"], lean_serves=True)
    assert status == 409


@pytest.mark.parametrize(("case", "status"), [
    ("unknown key", 401), ("lower-case scheme", 201), ("other issuer's key", 403),
    ("unknown issuer", 404), ("unknown achievement", 404), ("not earned", 422),
    ("in the past", 422), ("unknown key, unknown issuer", 401), ("key's prefix only", 401),
])
def test_refusals_of_the_flow(apps, setup, case: str, status: int) -> None:
    """The lean path renders the flow's errors with the app's handler (RFC 9457)."""
    headers, slug = setup["headers"], "uni"
    body = assessment(setup["achievement"], ref=f"flow-{case}")
    if case == "unknown key":
        headers = bearer("vci_" + "x" * 43)
    elif case == "unknown key, unknown issuer":  # the key is judged before the issuer
        headers, slug = bearer("vci_" + "x" * 43), "nobody"
    elif case == "key's prefix only":  # a client's prefix with another secret
        headers = bearer(headers["Authorization"].split()[1][:12] + "y" * 35)
    elif case == "lower-case scheme":
        headers = {"Authorization": headers["Authorization"].replace("Bearer", "bearer")}
    elif case == "other issuer's key":
        headers = setup["other"]
    elif case == "unknown issuer":
        slug = "nobody"
    elif case == "unknown achievement":
        body["achievementId"] = "00000000-0000-4000-8000-000000000000"
    elif case == "not earned":
        body["results"] = [{"resultDescription": "lo1", "value": "12"},
                           {"resultDescription": "lo2", "achievedLevel": "fail"}]
    elif case == "in the past":
        body["validUntil"] = "2001-01-01T00:00:00Z"
    lean, framework = apps
    if status == 201:  # both issue (distinct references), the lean path serving its own
        before = _served(lean)
        a = lean.post(f"/issuers/{slug}/credentials", headers=headers, json=body)
        b = framework.post(f"/issuers/{slug}/credentials", headers=headers,
                           json={**body, "assessmentRef": body["assessmentRef"] + "-route"})
        assert (a.status_code, b.status_code, _served(lean)) == (201, 201, before + 1)
        return
    got, content = _same_answer(apps, body, headers=headers, slug=slug, lean_serves=True)
    assert got == status, content


@pytest.mark.parametrize(("case", "status"), [
    ("no key", 401), ("basic scheme", 401), ("empty bearer", 401),
    ("malformed json", 400), ("repeated key", 400), ("a list", 422), ("missing field", 422),
    ("a control character", 422), ("text/plain", 422), ("two content types", 201),
])
def test_what_the_route_answers(apps, setup, case: str, status: int) -> None:
    """Handed to the FastAPI route unchanged, body replayed: its own answer."""
    headers: dict[str, str] = {**setup["headers"], "Content-Type": "application/json"}
    body: Any = assessment(setup["achievement"], ref=f"route-{case}")
    raw: bytes | None = None
    if case == "no key":
        headers.pop("Authorization")
    elif case == "basic scheme":
        headers["Authorization"] = "Basic dXNlcjpwYXNz"
    elif case == "empty bearer":
        headers["Authorization"] = "Bearer "
    elif case == "malformed json":
        raw = b'{"achievementId": '
    elif case == "repeated key":
        raw = json.dumps(body).encode()[:-1] + b', "assessmentRef": "again"}'
    elif case == "a list":
        raw = json.dumps([body]).encode()
    elif case == "missing field":
        body.pop("recipient")
    elif case == "a control character":
        body["assessmentRef"] = "ref\u0000"
    elif case == "text/plain":
        headers["Content-Type"] = "text/plain"
        raw = json.dumps(body).encode()
    if raw is None:
        raw = json.dumps(body).encode()
    if case == "two content types":
        lean, _ = apps
        # httpx joins repeated headers only when given as a list of pairs.
        pairs = [*headers.items(), ("Content-Type", "application/json")]
        before = _served(lean)
        response = lean.post("/issuers/uni/credentials", headers=pairs, content=raw)
        assert (response.status_code, _served(lean)) == (201, before), response.text
        return
    got, content = _same_answer(apps, headers=headers, raw=raw, lean_serves=False)
    assert got == status, content
    assert json.loads(content)["status"] == status  # problem+json
