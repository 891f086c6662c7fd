"""Each key backend (file, database, pkcs11) behind the real app: sign, rotate, publish the DID
document, and verify with our pipeline and with an independent Ed25519 verifier."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi.testclient import TestClient

from tests.api.conftest import api_key, bearer, make_achievement, make_issuer
from tests.api.test_issue_end_to_end import _status_lists_served
from tests.custody.conftest import issued
from vcissuer.dids import StaticResolver
from vcissuer.issuance.context import Services
from vcissuer.issuance.custody import CustodyConfig, DatabaseBackend, Pkcs11Backend
from vcissuer.keys import multibase_decode
from vcissuer.store.custody import WrappedKeyRepository
from vcissuer.verify import verify_credential

BACKENDS = ["file", "database", "pkcs11"]


def did_document(client: TestClient) -> dict[str, Any]:
    response = client.get("/issuers/uni/did.json")
    assert response.status_code == 200, response.text
    return response.json()


def fully_verified(client: TestClient, credential: dict[str, Any] | str,
                   document: dict[str, Any]) -> bool:
    """Our pipeline, resolving the issuer through the DID document the service publishes and
    reading the status lists the service serves."""
    report = verify_credential(credential, resolver=StaticResolver({document["id"]: document}),
                               retrieved=_status_lists_served(client, credential))
    assert report.verified, report.to_json()
    return True


def jws_verifies_independently(token: str, document: dict[str, Any]) -> bool:
    """RFC 7515 compact JWS checked with the `cryptography` package alone: the key is the
    publicKeyMultibase of the verification method the header's kid names (Multikey: 0xed01
    multicodec prefix, then the 32 key bytes; Controlled Identifiers 1.0 section 2.2.2)."""
    header_b64, payload_b64, signature_b64 = token.split(".")
    header = json.loads(base64.urlsafe_b64decode(header_b64 + "=" * (-len(header_b64) % 4)))
    assert header["alg"] == "EdDSA"
    method = next(m for m in document["verificationMethod"] if m["id"] == header["kid"])
    raw = multibase_decode(method["publicKeyMultibase"])
    assert raw[:2] == b"\xed\x01"
    signature = base64.urlsafe_b64decode(signature_b64 + "=" * (-len(signature_b64) % 4))
    try:
        Ed25519PublicKey.from_public_bytes(raw[2:]).verify(
            signature, f"{header_b64}.{payload_b64}".encode("ascii"))
    except Exception:  # noqa: BLE001 - InvalidSignature or a malformed key: not verified
        return False
    return True


@pytest.mark.parametrize("backend", BACKENDS)
def test_sign_rotate_publish_and_verify_on_each_backend(
        backend: str, custody_for: Callable[..., CustodyConfig], node: Callable[..., Services],
        clients: Callable[[Services], TestClient]) -> None:
    services = node(custody_for(backend))
    client = clients(services)
    make_issuer(client, bearer(api_key(services)))
    headers = bearer(api_key(services, issuer_slug="uni"))
    achievement = make_achievement(client, headers)["id"]

    old_ldp = issued(client, headers, achievement, "a")["credential"]
    old_jwt = issued(client, headers, achievement, "b", format="jwt")["jwt"]
    before = did_document(client)
    assert len(before["verificationMethod"]) == 1

    rotated = client.post("/issuers/uni/keys/rotate", headers=headers)
    assert rotated.status_code == 200, rotated.text
    new_ldp = issued(client, headers, achievement, "c")["credential"]
    new_jwt = issued(client, headers, achievement, "d", format="jwt")["jwt"]
    after = did_document(client)

    # The DID document keeps the old key and adds the new one; the new one signs.
    assert after["verificationMethod"][0] == before["verificationMethod"][0]
    assert [m["id"] for m in after["verificationMethod"]][1] == \
        rotated.json()["verificationMethod"] == new_ldp["proof"][0]["verificationMethod"]
    assert old_ldp["proof"][0]["verificationMethod"] != new_ldp["proof"][0]["verificationMethod"]
    for credential in (old_ldp, new_ldp, old_jwt, new_jwt):
        assert fully_verified(client, credential, after)
    for token in (old_jwt, new_jwt):
        assert jws_verifies_independently(token, after)
    # A signature over other bytes is refused by the independent check (it can fail).
    head, payload, signature = new_jwt.split(".")
    assert not jws_verifies_independently(f"{head}.{payload[:-2]}AA.{signature}", after)

    _where_the_keys_are(backend, services)


def _where_the_keys_are(backend: str, services: Services) -> None:
    from vcissuer.store import IssuerKeyRepository, IssuerRepository

    with services.db.session_scope(read_only=True) as session:
        issuer = IssuerRepository(session).get_by_slug("uni")
        assert issuer is not None
        names = [k.key_name for k in IssuerKeyRepository(session).list(issuer_id=issuer.id)]
        wrapped = {name: WrappedKeyRepository(session).get(name) for name in names}
    assert len(names) == 2
    held = services.keyring.backend.names()
    assert set(names) <= set(held)
    if backend == "database":
        assert isinstance(services.keyring.backend, DatabaseBackend)
        for name, row in wrapped.items():
            assert row is not None and row.kek_id == "kek-1"
            seed = services.keyring.load(name).secret_multibase()  # type: ignore[union-attr]
            assert seed.encode() not in row.ciphertext
    else:
        assert all(row is None for row in wrapped.values())
    if backend == "pkcs11":
        assert isinstance(services.keyring.backend, Pkcs11Backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_issuer_with_the_longest_slug_gets_a_key(
        backend: str, custody_for: Callable[..., CustodyConfig], node: Callable[..., Services],
        clients: Callable[[Services], TestClient]) -> None:
    """A 64-character slug: the key name (slug, '-', 12 hex digits) is cut to 64 characters."""
    services = node(custody_for(backend))
    slug = "a" * 64
    response = clients(services).post("/issuers", headers=bearer(api_key(services)),
                                      json={"slug": slug, "name": "Long"})
    assert response.status_code == 201, response.text
    assert any(name.startswith("a" * 51 + "-") and len(name) == 64
               for name in services.keyring.backend.names())
