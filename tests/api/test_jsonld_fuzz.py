"""Malformed JSON-LD never gets a 5xx from the VC-API routes (issue #12 item 4, #15 item 8).

Hypothesis mutates a valid credential: wrong JSON types, nulls and numbers where the data model
has objects, strings or arrays (@context, type, id, issuer, credentialSubject, credentialStatus,
proof), bad IRIs, embedded and nested @context entries, @vocab/@base games and redefinitions of
protected terms (JSON-LD 1.1 section 4.1.11). ``POST /credentials/issue`` must answer 201 or a
problem+json 4xx; ``POST /credentials/verify`` (and ``/presentations/verify``, the credential
inside a malformed presentation) its report (200 / 422) or a problem+json 4xx. No rate limit:
every case reaches the route.
Derandomised (the same cases every run), no example database, and bounded to a few seconds.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.api.conftest import api_key, bearer, make_issuer
from tests.net.fakeweb import FakeWeb
from vcissuer.api.app import create_app
from vcissuer.api.ratelimit import TokenBuckets
from vcissuer.issuance.context import Services

V2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
FUZZ = settings(max_examples=60, derandomize=True, database=None, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])

BAD_IRIS = ["https ://not-a-url#x", "not a url", "", "_:b0", "@foo", "relative/path", "#frag",
            "http://", "did:", "urn:x\u0000y", "https://example.org/\u202e", ":", "@type",
            "https://example.org/a b"]
PROTECTED = ["id", "type", "VerifiableCredential", "credentialSubject", "issuer", "proof",
             "credentialStatus", "validFrom", "name", "description"]

scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
                    st.floats(allow_nan=False, allow_infinity=False),
                    st.text(max_size=12), st.sampled_from(BAD_IRIS))
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8)
keywords = st.sampled_from(["@vocab", "@base", "@version", "@protected", "@propagate",
                            "@import", "@language", "@direction", "@type", "@id",
                            "@container", "@context", "@reverse", "@nest", "@json", "@none"])
term_definitions = st.one_of(
    st.sampled_from(BAD_IRIS), scalars,
    st.fixed_dictionaries({}, optional={"@id": st.one_of(st.sampled_from(BAD_IRIS), scalars),
                                        "@type": st.one_of(keywords, scalars),
                                        "@container": st.one_of(keywords, scalars),
                                        "@context": json_values,
                                        "@protected": scalars}))
contexts = st.recursive(
    st.one_of(
        st.dictionaries(st.one_of(keywords, st.sampled_from(PROTECTED), st.text(max_size=6)),
                        term_definitions, max_size=3),
        st.sampled_from([V2, OB3, "https://unknown.example/ctx", 123192875, None, True, []]),
        st.sampled_from(BAD_IRIS)),
    lambda inner: st.lists(inner, max_size=3), max_leaves=4)
# Whole @context values: wrong shapes, or the right base context followed by something odd.
context_values = st.one_of(contexts, st.lists(contexts, max_size=3).map(lambda c: [V2, *c]))
TARGETS = ["@context", "type", "id", "issuer", "credentialSubject", "credentialStatus",
           "proof", "validFrom", "validUntil", "name", "credentialSchema", "evidence"]


@st.composite
def mutations(draw: st.DrawFn) -> list[tuple[tuple[str, ...], Any]]:
    """1 to 3 (path, new value) changes; a path of () for a key means delete it."""
    changes = []
    for _ in range(draw(st.integers(1, 3))):
        target = draw(st.sampled_from(TARGETS))
        inner = draw(st.sampled_from([None, "id", "type", "@context", "name", "@vocab"]))
        value = draw(context_values if "@context" in (target, inner) else
                     st.one_of(json_values, st.sampled_from(BAD_IRIS), contexts))
        path = (target,) if inner is None else (target, inner)
        changes.append((path, value))
    return changes


def mutate(document: dict[str, Any], changes: list[tuple[tuple[str, ...], Any]]
           ) -> dict[str, Any]:
    result = copy.deepcopy(document)
    for path, value in changes:
        node: Any = result
        for key in path[:-1]:
            if isinstance(node, list):
                node = node[0] if node else {}
            if not isinstance(node, dict):
                break
            node = node.setdefault(key, {})
        else:
            if isinstance(node, list) and node:
                node = node[0]
            if isinstance(node, dict):
                node[path[-1]] = value
    return result


class Api:
    def __init__(self, client: TestClient, key: dict[str, str], did: str) -> None:
        self.client = client
        self.key = key
        self.did = did

    def credential(self) -> dict[str, Any]:
        return {"@context": [V2, OB3], "type": ["VerifiableCredential", "OpenBadgeCredential"],
                "id": "urn:uuid:6a9c92a9-2530-4e2b-9776-530467e9bbe0", "issuer": self.did,
                "validFrom": "2025-01-01T00:00:00Z", "name": "Fuzzed",
                "credentialSubject": {
                    "id": "did:example:learner", "type": ["AchievementSubject"],
                    "achievement": {"id": "https://example.org/a/1", "type": ["Achievement"],
                                    "name": "A", "description": "D",
                                    "criteria": {"narrative": "N"}}}}


@pytest.fixture
def api(services: Services) -> Iterator[Api]:
    app = create_app(services, max_body_bytes=2 * 1024 * 1024)
    web = FakeWeb()  # offline: the issuer's DID document is the only document on the web
    app.state.verifier = web.verifier()
    app.state.rate_limit = TokenBuckets(rate=1e6, burst=10**9)  # every case reaches the route
    with TestClient(app, raise_server_exceptions=False) as client:
        issuer = make_issuer(client, bearer(api_key(services)), "fuzz")
        web.add("https://testserver/issuers/fuzz/did.json",
                client.get("/issuers/fuzz/did.json").json(), content_type="application/did+json")
        yield Api(client, bearer(api_key(services, issuer_slug="fuzz")), issuer["did"])


def assert_problem(response: Any) -> None:
    assert response.status_code < 500 and response.status_code != 429, response.text
    assert response.headers["content-type"] == "application/problem+json", response.text
    body = response.json()
    assert body["status"] == response.status_code
    assert body.get("errors") or body["detail"]


def test_the_unmutated_credential_issues_and_verifies(api: Api) -> None:
    """The fuzzers' starting point is valid: their rejections are the mutations' doing."""
    issued = api.client.post("/credentials/issue", headers=api.key,
                             json={"credential": api.credential()})
    assert issued.status_code == 201, issued.text
    verified = api.client.post("/credentials/verify", json={
        "verifiableCredential": issued.json()["verifiableCredential"]})
    assert verified.status_code == 200, verified.text


@FUZZ
@given(changes=mutations())
# What issue #12 and #15 found, first (each answered 500).
@example(changes=[(("@context",), [V2, {"id": "https://example.org/my-id"}])])
@example(changes=[(("@context",), [V2, 123192875])])
@example(changes=[(("id",), None)])
@example(changes=[(("@context",), [V2, {"x": "https ://not-a-url#x"}]), (("name",), None),
                  (("credentialSubject", "x"), "y")])
@example(changes=[(("@context",), [V2, {"@vocab": None}])])
@example(changes=[(("credentialStatus",), {"id": "https://example.org/s", "type": 2})])
@example(changes=[(("credentialSubject", "@context"), {"id": "https://example.org/id"})])
def test_issue_never_fails_on_malformed_json_ld(api: Api,
                                                changes: list[tuple[tuple[str, ...], Any]]
                                                ) -> None:
    response = api.client.post("/credentials/issue", headers=api.key,
                               json={"credential": mutate(api.credential(), changes)})
    if response.status_code != 201:
        assert_problem(response)


@pytest.fixture
def signed(api: Api) -> dict[str, Any]:
    issued = api.client.post("/credentials/issue", headers=api.key,
                             json={"credential": api.credential()})
    assert issued.status_code == 201, issued.text
    return issued.json()["verifiableCredential"]


@FUZZ
@given(changes=mutations(),
       proof_changes=st.lists(st.tuples(st.sampled_from(
           ["type", "cryptosuite", "verificationMethod", "proofPurpose", "proofValue",
            "created", "@context", "challenge", "domain"]),
           st.one_of(json_values, st.sampled_from(BAD_IRIS))), max_size=2))
@example(changes=[(("type",), 10)], proof_changes=[])
def test_verify_never_fails_on_malformed_json_ld(
        api: Api, signed: dict[str, Any], changes: list[tuple[tuple[str, ...], Any]],
        proof_changes: list[tuple[str, Any]]) -> None:
    credential = mutate(signed, changes)
    proofs = credential.get("proof")
    proof = proofs[0] if isinstance(proofs, list) and proofs else proofs
    for key, value in proof_changes:
        if isinstance(proof, dict):
            proof[key] = value
    response = api.client.post("/credentials/verify", json={"verifiableCredential": credential})
    if response.headers["content-type"] == "application/json":
        assert response.status_code in (200, 422), response.text
        assert isinstance(response.json()["verified"], bool)
    else:
        assert_problem(response)


@settings(FUZZ, max_examples=30)
@given(changes=mutations(), holder=st.one_of(st.none(), json_values, st.sampled_from(BAD_IRIS)))
def test_presentation_verify_never_fails_on_malformed_json_ld(
        api: Api, signed: dict[str, Any], changes: list[tuple[tuple[str, ...], Any]],
        holder: Any) -> None:
    """The same credentials, inside a presentation whose own fields are malformed too."""
    presentation = mutate({"@context": [V2], "type": ["VerifiablePresentation"],
                           "holder": holder, "verifiableCredential": [signed]}, changes)
    response = api.client.post("/presentations/verify",
                               json={"verifiablePresentation": presentation})
    if response.headers["content-type"] == "application/json":
        assert response.status_code in (200, 422), response.text
        assert isinstance(response.json()["verified"], bool)
    else:
        assert_problem(response)
