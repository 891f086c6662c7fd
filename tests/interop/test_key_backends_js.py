"""The Digital Bazaar reference verifier (@digitalbazaar/vc, eddsa-rdfc-2022) checks credentials
signed by keys in the database backend (AES-GCM-wrapped) and on a PKCS#11 token (SoftHSM2):
an independent implementation agrees the key custody changes nothing in what is signed
(VC-DI-EdDSA 3.2.1; the file backend is what tests/interop/test_reference_js.py signs with)."""

from __future__ import annotations

import base64
import copy
import os
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import MICRO_CREDENTIAL, api_key, assessment, bearer
from tests.conftest_hsm import SoftHsm, softhsm  # noqa: F401
from tests.interop.conftest import reference, skip_reason
from vcissuer.api.app import create_app
from vcissuer.issuance.context import Services
from vcissuer.issuance.custody import CustodyConfig
from vcissuer.keys.wrap import parse_kek_ring
from vcissuer.status.entries import bitstring_status_entries

BASE_URL = "http://testserver"


def _custody(backend: str, request: pytest.FixtureRequest) -> CustodyConfig:
    if backend == "pkcs11":
        hsm: SoftHsm = request.getfixturevalue("softhsm")
        return CustodyConfig(backend="pkcs11", pkcs11_module=hsm.module,
                             pkcs11_token_label=hsm.token_label, pkcs11_pin=hsm.pin)
    ring = parse_kek_ring("k1:" + base64.b64encode(os.urandom(32)).decode())
    return CustodyConfig(backend="database", kek_ring=ring)


@pytest.mark.parametrize("backend", ["database", "pkcs11"])
def test_the_reference_verifies_what_each_backend_signs(
        backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    if skip_reason() is not None:
        pytest.skip(skip_reason() or "")
    services = Services.create(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
                               key_dir=tmp_path / "keys", passphrase=None, base_url=BASE_URL,
                               custody=_custody(backend, request))
    try:
        with TestClient(create_app(services)) as client:
            created = client.post("/issuers", headers=bearer(api_key(services)), json={
                "slug": "uni", "name": "Uni", "url": "https://uni.example", "didMethod": "key"})
            assert created.status_code == 201, created.text
            headers = bearer(api_key(services, issuer_slug="uni"))
            made = client.post("/issuers/uni/achievements", headers=headers,
                               json=MICRO_CREDENTIAL)
            assert made.status_code == 201, made.text
            response = client.post("/issuers/uni/credentials", headers=headers,
                                   json=assessment(made.json()["id"]))
            assert response.status_code == 201, response.text
            credential = response.json()["credential"]
            lists = _lists(client, credential)
    finally:
        services.db.dispose()
    tampered = copy.deepcopy(credential)
    tampered["credentialSubject"]["identifier"] = []
    good, bad = reference([
        {"action": "verify-credential", "credential": credential, "documents": lists},
        {"action": "verify-credential", "credential": tampered, "documents": lists}])
    assert good["verified"] is True, good
    assert bad["verified"] is False


def _lists(client: TestClient, credential: dict[str, Any]) -> dict[str, Any]:
    found = {}
    for entry in bitstring_status_entries(credential):
        url = entry.status_list_credential
        found[url] = client.get(url.removeprefix(BASE_URL)).json()
    return found
