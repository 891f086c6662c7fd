"""The CCG vc-api verifier test suite's "Verify Credential - Data Integrity" assertions.

https://w3c-ccg.github.io/vc-api/#verify-credential — a valid credential verifies (200); one
missing or mangling ``@context``, ``type``, ``issuer``, ``credentialSubject`` or any part of its
``proof`` does not (4xx, a report saying why), and never a 5xx.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.test_verify_api import verify_client, world  # noqa: F401 - fixtures


def _single_proof(credential: dict[str, Any]) -> dict[str, Any]:
    return {**credential, "proof": credential["proof"][0]}


def _mutations() -> dict[str, list]:
    found: dict[str, list] = {}
    for key in ("@context", "type", "issuer", "credentialSubject", "proof"):
        found[f"no {key}"] = [lambda c, key=key: c.pop(key)]
    for key in ("type", "created", "verificationMethod", "proofValue", "proofPurpose"):
        found[f"no proof.{key}"] = [lambda c, key=key: c["proof"].pop(key)]
    bad = ["string", {}, None, 10, True, []]
    for key in ("@context", "type", "issuer", "credentialSubject", "proof"):
        found[f"{key} not valid"] = [lambda c, key=key, v=v: c.__setitem__(key, copy.deepcopy(v))
                                     for v in bad if not (key == "issuer" and v == "string")]
    for key in ("@context", "type"):
        found[f"{key} items not strings"] = [
            lambda c, key=key, v=v: c.__setitem__(key, [copy.deepcopy(v)])
            for v in ([], {}, None, 10, True)]
    found["proofValue not multibase"] = [
        lambda c: c["proof"].__setitem__("proofValue", c["proof"]["proofValue"][1:])]
    found["proofValue null"] = [lambda c: c["proof"].__setitem__("proofValue", None)]
    found["another proof type"] = [lambda c: c["proof"].__setitem__("type", "Ed25519Signature2018")]
    found["another cryptosuite"] = [
        lambda c: c["proof"].__setitem__("cryptosuite", "ecdsa-rdfc-2019")]
    found["another proof purpose"] = [
        lambda c: c["proof"].__setitem__("proofPurpose", "authentication")]
    return found


MUTATIONS = _mutations()


def test_a_valid_credential_verifies(verify_client: TestClient, world) -> None:
    good = world[1].credential()
    for credential in (good, _single_proof(good)):
        response = verify_client.post("/credentials/verify",
                                      json={"verifiableCredential": credential})
        assert response.status_code == 200, response.text


@pytest.mark.parametrize("case", sorted(MUTATIONS))
def test_a_mangled_credential_does_not_verify(verify_client: TestClient, world,
                                              case: str) -> None:
    good = _single_proof(world[1].credential())
    for mutate in MUTATIONS[case]:
        credential = copy.deepcopy(good)
        mutate(credential)
        response = verify_client.post("/credentials/verify",
                                      json={"verifiableCredential": credential})
        assert response.status_code in (400, 422), (case, response.status_code, response.text)
        assert response.json().get("verified") is not True
