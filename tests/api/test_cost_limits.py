"""One anonymous request costs a bounded, small amount: limits past which the public endpoints
answer 422 naming the limit (vcissuer.limits; README "Limits"), through the real ASGI app.

Costs are measured as CPU time of this process (the app runs in the TestClient's thread), with
bounds far above the real cost and far below what the same input cost before the limits
(seconds), so a machine shared with other work does not flake them. Most of what remains is
reading a multi-megabyte JSON body at all; the core tests (tests/verify/test_hostile.py)
time the verifier's refusal alone.
"""

from __future__ import annotations

import copy
import gc
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.verify.issuing import Issuer, clock
from vcissuer.api.app import create_app
from vcissuer.issuance.context import Services
from vcissuer.keys import Ed25519KeyPair
from vcissuer.limits import (
    MAX_NESTING_DEPTH,
    MAX_PRESENTATION_CREDENTIALS,
    MAX_PROOFS,
    MAX_STATUS_ENTRIES,
)
from vcissuer.net import FetchPolicy
from vcissuer.verify import Verifier

V2 = "https://www.w3.org/ns/credentials/v2"


@pytest.fixture
def issuer() -> Issuer:
    keys = Ed25519KeyPair.generate()
    return Issuer(did=f"did:key:{keys.public_multibase}", keys=keys)


@pytest.fixture
def app_client(services: Services) -> Iterator[TestClient]:
    app = create_app(services)
    # did:key only: nothing here is fetched (an empty allow-list refuses every address).
    app.state.verifier = Verifier.create(FetchPolicy(), clock=clock)
    with TestClient(app) as client:
        yield client


def _post(client: TestClient, path: str, body: str) -> Any:
    return client.post(path, content=body, headers={"content-type": "application/json"})


def _nested(levels: int) -> str:
    return '{"a":' * levels + '"x"' + "}" * levels


def _cpu_of(call: Any) -> tuple[Any, float]:
    gc.collect()  # not the cost of collecting what earlier tests left behind
    started = time.process_time()
    result = call()
    return result, time.process_time() - started


def _limits_check(report: dict[str, Any]) -> dict[str, Any]:
    checks = report.get("checks") or report["presentationResult"]["checks"]
    found = [c for c in checks if c["check"] == "limits"]
    assert found, report
    return found[0]


def test_a_signed_credential_verifies_through_the_app(app_client: TestClient,
                                                      issuer: Issuer) -> None:
    # The baseline: the limits leave a real credential alone.
    response = app_client.post("/credentials/verify",
                               json={"verifiableCredential": issuer.credential()})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(("path", "member"), [
    ("/credentials/verify", "verifiableCredential"),
    ("/presentations/verify", "verifiablePresentation"),
])
def test_300_levels_of_nesting_is_422_naming_the_limit(app_client: TestClient, issuer: Issuer,
                                                       path: str, member: str) -> None:
    credential = issuer.credential()
    document = (credential if member == "verifiableCredential" else
                {"@context": [V2], "type": ["VerifiablePresentation"],
                 "verifiableCredential": [credential]})
    body = json.dumps({member: document}).replace(
        json.dumps(credential["name"]), _nested(300), 1)
    assert len(body) < 8_000
    response = _post(app_client, path, body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["limit"] == "nesting depth" and problem["maximum"] == MAX_NESTING_DEPTH
    assert f"deeper than {MAX_NESTING_DEPTH} levels" in problem["detail"]
    assert problem["errors"] == [{"field": "body", "rule": "max-nesting-depth",
                                  "message": problem["errors"][0]["message"]}]


def test_nesting_at_the_limit_reaches_the_verifier(app_client: TestClient,
                                                   issuer: Issuer) -> None:
    # 64 levels in all (the request's own object, then the credential, then 62 more): parsed
    # and verified (the tampered credential fails), not refused as a body.
    credential = issuer.credential()
    body = json.dumps({"verifiableCredential": credential}).replace(
        json.dumps(credential["name"]), _nested(MAX_NESTING_DEPTH - 2), 1)
    response = _post(app_client, "/credentials/verify", body)
    assert response.status_code == 422
    assert response.json()["verdict"] == "not verified"
    deeper = body.replace('"x"', '{"a":"x"}', 1)
    assert _post(app_client, "/credentials/verify", deeper).json()["limit"] == "nesting depth"


def test_every_json_body_route_measures_nesting(app_client: TestClient) -> None:
    # Not only the verification routes: an authenticated route refuses before the key check.
    response = _post(app_client, "/issuers", _nested(300))
    assert response.status_code == 422 and response.json()["limit"] == "nesting depth"
    # Brackets inside strings do not count.
    response = _post(app_client, "/verify/url", json.dumps({"url": "[" * 1000}))
    assert response.status_code != 422 or "limit" not in response.json()


def test_a_second_content_type_header_does_not_skip_the_nesting_limit(
        app_client: TestClient) -> None:
    # FastAPI parses the body by the first Content-Type header; the limit must look at every
    # one, or "application/json" then "text/plain" reaches the parser unmeasured.
    for types in (["application/json", "text/plain"], ["text/plain", "application/json"],
                  [""]):
        response = app_client.post(
            "/issuers", content=_nested(300),
            headers=[("content-type", value) for value in types])
        assert response.status_code == 422, (types, response.text)
        assert response.json()["limit"] == "nesting depth", types


def test_10000_proofs_are_refused_fast(app_client: TestClient, issuer: Issuer) -> None:
    """Issue 12.5: a credential carrying its proof 10,000 times is refused, cheaply, never
    verified 10,000 times. Full-size proofs (3.7 MB) are over the route's body cap (1 MiB) and
    refused unread; 10,000 small proofs fit and are refused by the proof count."""
    credential = issuer.credential()
    credential["proof"] = credential["proof"] * 10_000
    body = json.dumps({"verifiableCredential": credential})
    assert len(body) > 3_000_000
    response, cpu = _cpu_of(lambda: _post(app_client, "/credentials/verify", body))
    assert response.status_code == 413 and response.json()["limit"] == "request body"
    assert cpu < 0.5, f"took {cpu:.3f} s of CPU"

    small = [{"type": "DataIntegrityProof", "proofValue": f"z{index}"} for index in range(10_000)]
    credential["proof"] = small
    body = json.dumps({"verifiableCredential": credential})
    assert len(body) < 1024 * 1024
    response, cpu = _cpu_of(lambda: _post(app_client, "/credentials/verify", body))
    assert response.status_code == 422
    # Was 15 s of CPU, and "verified"; now the cost of reading the JSON. (A generous bound:
    # process CPU time also counts whatever else the test process runs.)
    assert cpu < 0.5, f"took {cpu:.3f} s of CPU"
    assert _limits_check(response.json())["detail"] == f"proofs per document: at most {MAX_PROOFS}"

def test_duplicate_proofs_are_invalid(app_client: TestClient, issuer: Issuer) -> None:
    """https://www.w3.org/TR/vc-data-integrity/#proof-sets — a set of proofs; the same proof
    twice is an error, not two verifications."""
    credential = issuer.credential()
    credential["proof"] = [credential["proof"][0], copy.deepcopy(credential["proof"][0])]
    response = app_client.post("/credentials/verify", json={"verifiableCredential": credential})
    assert response.status_code == 422
    report = response.json()
    assert report["verdict"] == "not verified"
    proof = next(c for c in report["checks"] if c["check"] == "proof")
    assert "proof[1] repeats proof[0]" in proof["problems"][0]["message"]
    assert proof["problems"][0]["code"] == "MALFORMED_PROOF_ERROR"
    # The same proofValue under a changed proof object is a duplicate too.
    other = copy.deepcopy(credential["proof"][0])
    other["created"] = "2025-06-01T00:00:01Z"
    credential["proof"] = [credential["proof"][0], other]
    report = app_client.post("/credentials/verify",
                             json={"verifiableCredential": credential}).json()
    assert "repeats proof[0]" in json.dumps(report)


def test_a_presentation_over_the_credential_cap_is_422(app_client: TestClient,
                                                       issuer: Issuer) -> None:
    credential = issuer.credential()
    presentation = {"@context": [V2], "type": ["VerifiablePresentation"],
                    "verifiableCredential": [credential] * (MAX_PRESENTATION_CREDENTIALS + 1)}
    response, cpu = _cpu_of(lambda: app_client.post(
        "/presentations/verify", json={"verifiablePresentation": presentation}))
    assert response.status_code == 422
    # (A generous bound: process CPU time also counts whatever else the test process runs.)
    assert cpu < 1.0, f"took {cpu:.3f} s of CPU"  # nothing was verified
    report = response.json()
    check = _limits_check(report)
    assert check["detail"] == (f"credentials per presentation: at most "
                               f"{MAX_PRESENTATION_CREDENTIALS}")
    assert report["credentialResults"] == []


def test_status_entries_over_the_cap_are_422(app_client: TestClient, issuer: Issuer) -> None:
    entry = {"type": "BitstringStatusListEntry", "statusPurpose": "revocation",
             "statusListIndex": "1", "statusListCredential": "https://lists.example/1"}
    credential = issuer.credential(status=[entry] * (MAX_STATUS_ENTRIES + 1))
    response = app_client.post("/credentials/verify", json={"verifiableCredential": credential})
    assert response.status_code == 422
    check = _limits_check(response.json())
    assert check["detail"].startswith("status entries per credential")


def test_a_huge_proof_value_is_refused_fast(app_client: TestClient, issuer: Issuer) -> None:
    credential = issuer.credential()
    credential["proof"][0]["proofValue"] = "z" + "2" * 200_000
    response, cpu = _cpu_of(lambda: app_client.post(
        "/credentials/verify", json={"verifiableCredential": credential}))
    assert response.status_code == 422
    # (A generous bound: process CPU time also counts whatever else the test process runs.)
    assert cpu < 1.0, f"took {cpu:.3f} s of CPU"  # was 2.3 s
    assert "at most 88" in json.dumps(response.json())


@pytest.mark.parametrize("levels", [300, 5000])
def test_the_verify_page_refuses_deep_pasted_json(app_client: TestClient, issuer: Issuer,
                                                  levels: int) -> None:
    # A form body: measured by the pipeline (300) or before parsing the pasted text (5000).
    credential = issuer.credential()
    text = json.dumps(credential).replace(json.dumps(credential["name"]), _nested(levels), 1)
    response = app_client.post("/verify", headers={"Accept": "text/html"},
                               data={"credential": text})
    assert response.status_code in (400, 422), response.status_code
    assert response.headers["content-type"] == "text/html; charset=utf-8"
