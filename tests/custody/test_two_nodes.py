"""Two service nodes (two app instances, each with its own key cache) sharing one database:
a key rotated on one signs on the other at once, and the KEK rotates without downtime."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import api_key, assessment, bearer, make_achievement, make_issuer
from tests.custody.conftest import issued, kek_entry
from tests.custody.test_backends import did_document, fully_verified
from vcissuer.issuance.context import Services
from vcissuer.issuance.custody import CustodyConfig, DatabaseBackend
from vcissuer.keys.pkcs11 import Pkcs11Error
from vcissuer.keys.wrap import KeyWrapError
from vcissuer.store import Database
from vcissuer.store.custody import WrappedKeyRepository


def _vm(credential: dict) -> str:
    return credential["proof"][0]["verificationMethod"]


@pytest.mark.parametrize("backend", ["database", "pkcs11"])
def test_a_key_rotated_on_one_node_signs_on_the_other_at_once(
        backend: str, custody_for: Callable[..., CustodyConfig], node: Callable[..., Services],
        clients: Callable[[Services], TestClient]) -> None:
    """Every issue reads the issuer's active key name from the database (one query with the
    issuer), and a node loads a key another node generated on its first use: no staleness."""
    one, two = node(custody_for(backend), name="one"), node(custody_for(backend), name="two")
    a, b = clients(one), clients(two)
    make_issuer(a, bearer(api_key(one)))  # the first key: generated on node one
    headers = bearer(api_key(one, issuer_slug="uni"))
    achievement = make_achievement(a, headers)["id"]
    first = issued(b, headers, achievement, "1")["credential"]  # node two loads node one's key
    assert _vm(first) == _vm(issued(a, headers, achievement, "2")["credential"])

    rotated = a.post("/issuers/uni/keys/rotate", headers=headers)
    assert rotated.status_code == 200, rotated.text
    on_two = issued(b, headers, achievement, "3")["credential"]  # the very next issue
    assert _vm(on_two) == rotated.json()["verificationMethod"] != _vm(first)

    rotated = b.post("/issuers/uni/keys/rotate", headers=headers)  # and the other way round
    on_one = issued(a, headers, achievement, "4")["credential"]
    assert _vm(on_one) == rotated.json()["verificationMethod"]
    document = did_document(b)
    assert document == did_document(a) and len(document["verificationMethod"]) == 3
    for credential in (first, on_two, on_one):
        assert fully_verified(a, credential, document)


def test_a_file_backed_node_cannot_sign_with_another_nodes_key_and_says_so(
        custody_for: Callable[..., CustodyConfig], node: Callable[..., Services],
        clients: Callable[[Services], TestClient], caplog: pytest.LogCaptureFixture) -> None:
    """Why files do not do for several nodes: the second node has no file for the key. The
    answer is a 503 problem naming the backend (never a 500), the reason is in the log only."""
    file_one, file_two = CustodyConfig(), CustodyConfig()
    one, two = node(file_one, name="one"), node(file_two, name="two")
    a, b = clients(one), clients(two)
    make_issuer(a, bearer(api_key(one)))
    headers = bearer(api_key(one, issuer_slug="uni"))
    achievement = make_achievement(a, headers)["id"]
    with caplog.at_level(logging.ERROR, logger="vcissuer.keys"):
        response = b.post("/issuers/uni/credentials", headers=headers,
                          json=assessment(achievement))
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "file key backend" in response.json()["detail"]
    assert "keys" not in response.json()["detail"].split("backend")[-1]  # no server paths
    assert any("no key named" in record.getMessage() for record in caplog.records)


def test_kek_rotation_with_two_nodes_without_downtime(
        custody_for: Callable[..., CustodyConfig], node: Callable[..., Services],
        clients: Callable[[Services], TestClient], db: Database) -> None:
    """The documented procedure (README, Key custody): 1. every node gets ``old,new`` (old
    still wraps); 2. every node gets ``new,old`` (new wraps, both unwrap); 3. ``keys rewrap``;
    4. every node gets ``new`` alone. Nodes restart one at a time; at every step both sign."""
    old, new = kek_entry("old"), kek_entry("new")

    def at(ring: str, name: str) -> tuple[Services, TestClient]:
        services = node(custody_for("database", kek_text=ring), name=name)
        return services, clients(services)

    one, a = at(old, "one")
    _, b = at(old, "two")
    make_issuer(a, bearer(api_key(one)))
    headers = bearer(api_key(one, issuer_slug="uni"))
    achievement = make_achievement(a, headers)["id"]
    signed: list[dict] = []

    def both_sign(step: str) -> None:
        for client in (a, b):
            signed.append(issued(client, headers, achievement, f"{step}-{len(signed)}")
                          ["credential"])

    for step, ring in (("1", f"{old},{new}"), ("2", f"{new},{old}")):
        one, a = at(ring, "one")  # node one restarts with the new ring ...
        both_sign(step + "a")     # ... while node two still runs the previous one
        a.post("/issuers/uni/keys/rotate", headers=headers).raise_for_status()
        both_sign(step + "b")
        _, b = at(ring, "two")
        both_sign(step + "c")
    backend = one.keyring.backend
    assert isinstance(backend, DatabaseBackend)
    assert backend.check() == {"old": 2, "new": 1}  # step 1's key under old, step 2's under new

    assert backend.rewrap() == 2
    assert backend.check() == {"new": 3}
    both_sign("3")

    one, a = at(new, "one")
    _, b = at(new, "two")  # fresh nodes: nothing cached, everything unwrapped under new
    both_sign("4")
    document = did_document(a)
    assert len(document["verificationMethod"]) == 3
    for credential in signed:
        assert fully_verified(a, credential, document)
    only_old = custody_for("database", kek_text=old).kek_ring
    assert only_old is not None
    with pytest.raises(KeyWrapError, match="KEK 'new', which this node was not given"):
        DatabaseBackend(db, only_old).check()


def test_a_wrong_kek_stops_a_node_at_start_up(db_url: str, db: Database, tmp_path,
                                              custody_for: Callable[..., CustodyConfig],
                                              node: Callable[..., Services]) -> None:
    """A node given the right KEK id with the wrong bytes refuses to start (not a 500 at its
    first issue): Services.create decrypts one key per KEK id in use."""
    right = custody_for("database", kek_text=kek_entry("k1"))
    node(right).keyring.generate("uni")
    wrong = custody_for("database", kek_text=kek_entry("k1"))
    with pytest.raises(KeyWrapError, match="does not decrypt under KEK 'k1'"):
        Services.create(database_url=db_url, key_dir=tmp_path / "k", passphrase=None,
                        base_url="http://testserver", custody=wrong)
    started = Services.create(database_url=db_url, key_dir=tmp_path / "k", passphrase=None,
                              base_url="http://testserver", custody=right)
    started.db.dispose()


def test_a_tampered_row_is_refused_with_a_503_problem(
        custody_for: Callable[..., CustodyConfig], node: Callable[..., Services],
        clients: Callable[[Services], TestClient], db: Database) -> None:
    services = node(custody_for("database"), name="writer")
    client = clients(services)
    make_issuer(client, bearer(api_key(services)))
    headers = bearer(api_key(services, issuer_slug="uni"))
    achievement = make_achievement(client, headers)["id"]
    with db.session_scope() as session:
        repository = WrappedKeyRepository(session)
        (name,) = repository.names()
        row = repository.get(name)
        assert row is not None
        row.ciphertext = bytes([row.ciphertext[0] ^ 1]) + row.ciphertext[1:]
    fresh = clients(node(custody_for("database"), name="reader"))  # nothing cached
    response = fresh.post("/issuers/uni/credentials", headers=headers,
                          json=assessment(achievement))
    assert response.status_code == 503, response.text
    assert response.json()["title"] == "Service Unavailable"


def test_a_wrong_pin_stops_a_pkcs11_node_at_start_up(db_url: str, db: Database, tmp_path,
                                                     softhsm) -> None:
    wrong = CustodyConfig(backend="pkcs11", pkcs11_module=softhsm.module,
                          pkcs11_token_label=softhsm.locked_token_label, pkcs11_pin="0000-no")
    with pytest.raises(Pkcs11Error, match=r"PIN of PKCS#11 token .* is wrong"):
        Services.create(database_url=db_url, key_dir=tmp_path / "k", passphrase=None,
                        base_url="http://testserver", custody=wrong)


def test_a_key_gone_from_the_token_is_a_503_problem_not_a_500(
        custody_for: Callable[..., CustodyConfig], node: Callable[..., Services],
        clients: Callable[[Services], TestClient], softhsm) -> None:
    """C_Sign fails past the keyring's cache (the HSM lost the key, or restarted)."""
    from pkcs11 import Attribute

    from vcissuer.keys.pkcs11 import Pkcs11Token

    services = node(custody_for("pkcs11"))
    client = clients(services)
    make_issuer(client, bearer(api_key(services)))
    headers = bearer(api_key(services, issuer_slug="uni"))
    achievement = make_achievement(client, headers)["id"]
    first = issued(client, headers, achievement, "1")["credential"]  # the key is cached now
    name = _active_key_name(services)
    other = Pkcs11Token(softhsm.module, token_label=softhsm.token_label, pin=softhsm.pin)
    with other._lock:
        for item in list(other._open().get_objects({Attribute.LABEL: name})):
            item.destroy()
    response = client.post("/issuers/uni/credentials", headers=headers,
                           json=assessment(achievement, ref="2"))
    assert response.status_code == 503, response.text
    assert "pkcs11 key backend" in response.json()["detail"]
    assert first["proof"]


def _active_key_name(services: Services) -> str:
    from vcissuer.store import IssuerKeyRepository

    with services.db.session_scope(read_only=True) as session:
        found = IssuerKeyRepository(session).issuer_with_active("uni")
        assert found is not None and found[1] is not None
        return found[1].key_name
