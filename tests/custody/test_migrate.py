"""Moving keys between backends with the CLI keeps every DID document and credential valid:
``vcissuer keys migrate``, ``keys rotate`` and ``keys rewrap``."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import api_key, bearer, make_achievement, make_issuer
from tests.conftest_hsm import SoftHsm
from tests.custody.conftest import issued, kek_entry
from tests.custody.test_backends import did_document, fully_verified
from vcissuer.cli import main
from vcissuer.issuance.context import Services
from vcissuer.issuance.custody import CustodyConfig
from vcissuer.settings import get_settings
from vcissuer.store import IssuerKeyRepository


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, db_url: str, tmp_path: Path
        ) -> Iterator[Callable[..., tuple[int, Any]]]:
    """``vcissuer`` against the test database, the file store of node "files"."""
    monkeypatch.setenv("VCISSUER_DATABASE_URL", db_url)
    monkeypatch.setenv("VCISSUER_KEY_DIR", str(tmp_path / "files" / "keys"))

    def run(*argv: str, **env: str) -> tuple[int, Any]:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        out = io.StringIO()
        code = main(list(argv), out=out)
        text = out.getvalue()
        return code, json.loads(text[: text.rindex("}") + 1]) if "{" in text else text

    yield run
    get_settings.cache_clear()


def test_migrate_file_to_database_to_pkcs11_keeps_did_documents_and_credentials(
        cli: Callable[..., tuple[int, Any]], custody_for: Callable[..., CustodyConfig],
        node: Callable[..., Services], clients: Callable[[Services], TestClient],
        softhsm: SoftHsm, kek: str, tmp_path: Path) -> None:
    files = node(CustodyConfig(), name="files")
    client = clients(files)
    make_issuer(client, bearer(api_key(files)))
    headers = bearer(api_key(files, issuer_slug="uni"))
    achievement = make_achievement(client, headers)["id"]
    credentials = [issued(client, headers, achievement, "a")["credential"]]
    client.post("/issuers/uni/keys/rotate", headers=headers).raise_for_status()
    credentials.append(issued(client, headers, achievement, "b", format="jwt")["jwt"])
    document = did_document(client)
    active = document["verificationMethod"][-1]["id"]

    code, report = cli("keys", "migrate", "--to", "database", VCISSUER_KEK=kek)
    assert code == 0 and len(report["moved"]) == 2 and report["alreadyThere"] == []
    code, again = cli("keys", "migrate", "--to", "database")  # rerunnable
    assert code == 0 and again["moved"] == [] and sorted(again["alreadyThere"]) == \
        sorted(report["moved"])
    for path in (tmp_path / "files" / "keys").glob("*.pem"):
        path.unlink()  # the files are gone: only the database holds the keys now

    code, report = cli("keys", "migrate", "--from", "database", "--to", "pkcs11",
                       VCISSUER_PKCS11_MODULE=softhsm.module,
                       VCISSUER_PKCS11_TOKEN_LABEL=softhsm.token_label,
                       VCISSUER_PKCS11_PIN=softhsm.pin)
    assert code == 0 and len(report["moved"]) == 2

    for backend in ("database", "pkcs11"):
        moved = clients(node(custody_for(backend), name=backend))
        assert did_document(moved) == document  # byte for byte the same keys and ids
        credential = issued(moved, headers, achievement, f"on-{backend}")["credential"]
        assert credential["proof"][0]["verificationMethod"] == active  # the moved key signs
        credentials.append(credential)
        for each in credentials:
            assert fully_verified(moved, each, document)

    # keys rotate works on the token too; the new key is made there.
    code, view = cli("keys", "rotate", "--issuer", "uni", VCISSUER_KEY_BACKEND="pkcs11")
    assert code == 0 and view["verificationMethod"] != active
    hsm = node(custody_for("pkcs11"), name="hsm")
    with hsm.db.session_scope(read_only=True) as session:
        found = IssuerKeyRepository(session).issuer_with_active("uni")
        assert found is not None and found[1] is not None
        assert found[1].verification_method == view["verificationMethod"]
        assert found[1].key_name in hsm.keyring.backend.names()
    signed = issued(clients(hsm), headers, achievement, "after-rotate")["credential"]
    assert signed["proof"][0]["verificationMethod"] == view["verificationMethod"]


def test_keys_rewrap_moves_every_key_to_the_first_kek(
        cli: Callable[..., tuple[int, Any]], custody_for: Callable[..., CustodyConfig],
        node: Callable[..., Services], clients: Callable[[Services], TestClient]) -> None:
    old, new = kek_entry("old"), kek_entry("new")
    services = node(custody_for("database", kek_text=old))
    client = clients(services)
    make_issuer(client, bearer(api_key(services)))
    code, view = cli("keys", "rotate", "--issuer", "uni", VCISSUER_KEY_BACKEND="database",
                     VCISSUER_KEK=old)
    assert code == 0
    code, report = cli("keys", "rewrap", VCISSUER_KEK=f"{new},{old}")
    # Two issuer keys and the recipient lookup secret (the CLI's node made it).
    assert code == 0 and report == {"primaryKek": "new", "rewrapped": 3,
                                    "keysByKek": {"new": 3}}
    # Only the new KEK from now on: a fresh node signs with the rotated key.
    fresh = node(custody_for("database", kek_text=new))
    headers = bearer(api_key(fresh, issuer_slug="uni"))
    achievement = make_achievement(clients(fresh), headers)["id"]
    signed = issued(clients(fresh), headers, achievement, "x")["credential"]
    assert signed["proof"][0]["verificationMethod"] == view["verificationMethod"]


def test_migrate_refuses_a_key_that_is_not_the_issuers(
        cli: Callable[..., tuple[int, Any]], node: Callable[..., Services],
        clients: Callable[[Services], TestClient], kek: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A key file replaced by another key is not carried over as if it were the issuer's."""
    from vcissuer.keys import KeyStore

    files = node(CustodyConfig(), name="files")
    make_issuer(clients(files), bearer(api_key(files)))
    store = KeyStore(tmp_path / "files" / "keys")
    (name,) = store.list()
    store.path(name).unlink()
    store.generate(name)
    code, _ = cli("keys", "migrate", "--to", "database", VCISSUER_KEK=kek)
    assert code == 2
    assert "is not the issuer key of that name" in capsys.readouterr().err


def test_every_database_node_hashes_recipients_alike_and_migrate_keeps_the_old_hashes(
        cli: Callable[..., tuple[int, Any]], db_url: str, tmp_path: Path, kek: str,
        custody_for: Callable[..., CustodyConfig]) -> None:
    """Recipient lookup hashes (HMAC under a secret once kept in KEY_DIR) must not depend on
    which node computed them: with the database backend the secret is in the database."""
    from vcissuer.issuance.recipients import LookupKey

    file_digest = LookupKey(tmp_path / "files" / "keys").digest("email", "ada@example.org")
    code, report = cli("keys", "migrate", "--to", "database", VCISSUER_KEK=kek)
    assert code == 0 and report["recipientLookupKey"] == "database"
    nodes = [Services.create(database_url=db_url, key_dir=tmp_path / name, passphrase=None,
                             base_url="http://testserver", custody=custody_for("database"))
             for name in ("n1", "n2")]
    try:
        assert [n.lookup.digest("email", "ada@example.org") for n in nodes] == [file_digest] * 2
        assert not (tmp_path / "n1" / "recipient-lookup.secret").exists()
        assert nodes[0].keyring.backend.names() == []  # the secret is not an issuer key
    finally:
        for services in nodes:
            services.db.dispose()


def test_fresh_database_nodes_share_one_new_lookup_key(
        db_url: str, tmp_path: Path, custody_for: Callable[..., CustodyConfig]) -> None:
    nodes = [Services.create(database_url=db_url, key_dir=tmp_path / name, passphrase=None,
                             base_url="http://testserver", custody=custody_for("database"))
             for name in ("n1", "n2")]
    try:
        one, two = (n.lookup.digest("student", "s-1") for n in nodes)
        assert one == two
    finally:
        for services in nodes:
            services.db.dispose()


@pytest.mark.parametrize(("target", "message"), [
    ("database", "needs a key-encryption key (VCISSUER_KEK or VCISSUER_KEK_FILE)"),
    ("pkcs11", "needs VCISSUER_PKCS11_MODULE"),
    ("file", "--from and --to name the same backend"),
])
def test_migrate_to_an_unconfigured_backend_is_one_clear_line(
        cli: Callable[..., tuple[int, Any]], capsys: pytest.CaptureFixture[str], target: str,
        message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VCISSUER_KEK", raising=False)
    code, _ = cli("keys", "migrate", "--to", target)
    err = capsys.readouterr().err
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1, err
