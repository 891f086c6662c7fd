"""The vcissuer command: keys, sign, verify, with exit codes 0 / 1 / 2 and no stack traces."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import load_json
from vcissuer.cli import main

VECTORS = Path(__file__).parents[1] / "vectors"
CREDENTIAL = VECTORS / "vcissuer/typical-microcredential.json"


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


@pytest.fixture
def key_dir(tmp_path: Path) -> Path:
    code, out = run("keys", "generate", "--name", "issuer", "--key-dir", str(tmp_path / "keys"))
    assert code == 0
    info = json.loads(out)
    assert info["did"].startswith("did:key:z6Mk")
    return tmp_path / "keys"


def _sign(key_dir: Path, tmp_path: Path, *extra: str) -> tuple[int, str]:
    # The credential's issuer must be the key's DID for the issuer-key check to pass.
    _, out = run("keys", "list", "--key-dir", str(key_dir))
    assert "issuer" in out.split()
    from vcissuer.keys import KeyStore

    pair = KeyStore(key_dir, passphrase=None).load("issuer")
    from vcissuer.dids import did_key_from_public

    doc = load_json(CREDENTIAL)
    doc["issuer"]["id"] = did_key_from_public(pair.public_multibase)
    path = tmp_path / "unsigned.json"
    path.write_text(json.dumps(doc))
    return run("sign", str(path), "--key", "issuer", "--key-dir", str(key_dir), *extra)


def test_keys_are_files_of_mode_0600(key_dir: Path) -> None:
    files = [p for p in key_dir.iterdir() if p.is_file()]
    assert files
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in files)


def test_sign_then_verify(key_dir: Path, tmp_path: Path) -> None:
    code, signed = _sign(key_dir, tmp_path)
    assert code == 0
    path = tmp_path / "signed.json"
    path.write_text(signed)
    code, out = run("verify", str(path))
    assert code == 0, out
    assert out.startswith("VERIFIED")
    code, out = run("verify", str(path), "--json")
    assert code == 0 and json.loads(out)["verified"] is True


def test_sign_eddsa_jcs_2022_then_verify(key_dir: Path, tmp_path: Path) -> None:
    """vc-di-eddsa #eddsa-jcs-2022: the proof names the suite and carries the @context."""
    code, signed = _sign(key_dir, tmp_path, "--cryptosuite", "eddsa-jcs-2022")
    assert code == 0, signed
    proof = json.loads(signed)["proof"][0]
    assert proof["cryptosuite"] == "eddsa-jcs-2022"
    assert proof["@context"] == json.loads(signed)["@context"]
    path = tmp_path / "signed.json"
    path.write_text(signed)
    code, out = run("verify", str(path), "--json")
    assert code == 0, out
    assert json.loads(out)["verified"] is True


def test_sign_jwt_then_verify(key_dir: Path, tmp_path: Path) -> None:
    code, token = _sign(key_dir, tmp_path, "--format", "jwt")
    assert code == 0 and token.count(".") == 2
    path = tmp_path / "signed.jwt"
    path.write_text(token)
    code, out = run("verify", str(path), "--json")
    assert code == 0, out


def test_tampered_is_exit_1(key_dir: Path, tmp_path: Path) -> None:
    _, signed = _sign(key_dir, tmp_path)
    doc = json.loads(signed)
    doc["name"] = "Forged"
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(doc))
    code, out = run("verify", str(path))
    assert code == 1
    assert "PROOF_VERIFICATION_ERROR" in out


@pytest.mark.parametrize(("content", "message"), [
    ("not json at all {", "neither JSON nor a VC-JWT"),
    ("[1, 2]", "must be a JSON object"),
    ("a.b.c", ""),
])
def test_malformed_input_is_exit_2_without_traceback(tmp_path: Path, capsys, content: str,
                                                      message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    code, _ = run("verify", str(path))
    assert code in (1, 2)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert message in err


def test_unknown_context_is_exit_2(key_dir: Path, tmp_path: Path) -> None:
    _, signed = _sign(key_dir, tmp_path)
    doc = json.loads(signed)
    doc["@context"].append("https://unknown.example/ctx")
    path = tmp_path / "ctx.json"
    path.write_text(json.dumps(doc))
    code, out = run("verify", str(path))
    assert code == 2
    assert "https://unknown.example/ctx" in out


def test_missing_file_is_exit_2(capsys) -> None:
    assert run("verify", "/nonexistent/file.json")[0] == 2
    assert "no such file" in capsys.readouterr().err


def test_sample_needs_trust_for_fragment_keys() -> None:
    sample = str(VECTORS / "1edtech-validator-ob30/valid/simple.json")
    assert run("verify", sample)[0] == 2
    # Its validFrom is 2010 with no validUntil: still valid.
    assert run("verify", sample, "--trust-embedded-keys")[0] == 0


def test_console_script_runs_as_a_process(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{")
    proc = subprocess.run([sys.executable, "-m", "vcissuer.cli", "verify", str(path)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_registry_staff_revoke_from_the_command_line(tmp_path: Path, monkeypatch) -> None:
    from vcissuer.settings import get_settings

    monkeypatch.setenv("VCISSUER_DATABASE_URL", f"sqlite:///{tmp_path}/db.sqlite3")
    monkeypatch.setenv("VCISSUER_KEY_DIR", str(tmp_path / "keys"))
    get_settings.cache_clear()
    try:
        from tests.api.conftest import MICRO_CREDENTIAL, assessment
        from vcissuer.cli import _ensure_demo_issuer, _services
        from vcissuer.issuance.access import ADMIN, Caller
        from vcissuer.issuance.achievements import create_achievement
        from vcissuer.issuance.credentials import issue_one
        from vcissuer.issuance.schemas import AchievementIn

        services = _services()
        _ensure_demo_issuer(services)
        admin = Caller("t", None, frozenset({ADMIN}))
        achievement = create_achievement(services, "demo-university",
                                         AchievementIn.model_validate(MICRO_CREDENTIAL),
                                         caller=admin)
        issued = issue_one(services, "demo-university", assessment(achievement["id"]),
                           caller=admin)
        code, out = run("credentials", "revoke", issued.record.id, "--issuer",
                        "demo-university", "--reason", "awarded in error")
        assert code == 0, out
        assert json.loads(out)["items"][0]["state"] == "revoked"
        code, out = run("credentials", "reinstate", issued.record.id, "--issuer",
                        "demo-university", "--reason", "undo")
        assert code == 1
        assert json.loads(out)["items"][0]["outcome"] == "not_allowed"
        code, out = run("clients", "create", "--issuer", "demo-university", "--scope", "issue")
        assert code == 0 and json.loads(out[: out.rindex("}") + 1])["apiKey"].startswith("vci_")
    finally:
        get_settings.cache_clear()


def test_api_keys_listed_rotated_and_revoked_from_the_command_line(tmp_path: Path,
                                                                   monkeypatch) -> None:
    from vcissuer.settings import get_settings

    monkeypatch.setenv("VCISSUER_DATABASE_URL", f"sqlite:///{tmp_path}/db.sqlite3")
    monkeypatch.setenv("VCISSUER_KEY_DIR", str(tmp_path / "keys"))
    get_settings.cache_clear()
    try:
        from vcissuer.cli import _ensure_demo_issuer, _services
        from vcissuer.store import ApiClientRepository

        services = _services()
        _ensure_demo_issuer(services)
        code, out = run("clients", "create", "--issuer", "demo-university")
        created = json.loads(out[: out.rindex("}") + 1])
        code, out = run("clients", "list")
        assert code == 0
        listed = json.loads(out)["items"]
        assert [c["id"] for c in listed] == [created["id"]]
        assert created["apiKey"] not in out and "apiKey" not in listed[0]
        code, out = run("clients", "rotate", created["id"], "--reason", "yearly")
        assert code == 0
        rotated = json.loads(out[: out.rindex("}") + 1])
        with services.db.session_scope(read_only=True) as session:
            repository = ApiClientRepository(session)
            assert repository.verify(created["apiKey"]) is None
            assert repository.verify(rotated["apiKey"]) is not None
        code, out = run("clients", "revoke", created["id"])
        assert code == 0 and json.loads(out)["revoked"]
        with services.db.session_scope(read_only=True) as session:
            assert ApiClientRepository(session).verify(rotated["apiKey"]) is None
        code, _ = run("clients", "rotate", "no-such-client")
        assert code == 2
    finally:
        get_settings.cache_clear()


def test_offline_says_it_fetches_nothing(key_dir: Path, tmp_path: Path) -> None:
    """--offline with a did:web issuer: the key cannot be resolved because nothing is fetched,
    not because did:web is unsupported; the report ends saying so."""
    code, signed = _sign(key_dir, tmp_path)
    assert code == 0
    credential = json.loads(signed)
    did = "did:web:badges.example.ac.uk:issuers:uni"
    credential["issuer"] = did
    proofs = credential["proof"] if isinstance(credential["proof"], list) else [
        credential["proof"]]
    for proof in proofs:
        proof["verificationMethod"] = f"{did}#key-1"
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(credential))
    code, out = run("verify", str(path), "--offline")
    assert code == 2
    assert "is not supported here" not in out
    assert "--offline fetches nothing, so did:web keys cannot be resolved" in out
    assert out.rstrip().endswith("status could not be checked.")


@pytest.mark.parametrize("url", ["http://localhost:8000/credentials/1",
                                 "https://127.0.0.1:8443/credentials/1"])
def test_a_development_url_mentions_trust_origin(capsys, url: str) -> None:
    code, _ = run("verify", url)
    assert code == 2
    err = capsys.readouterr().err
    origin = url.rsplit("/credentials", 1)[0]
    assert f"allow it with --trust-origin {origin}" in err
    assert len(err.strip().splitlines()) == 1


def test_a_public_or_metadata_url_gets_no_trust_origin_hint(capsys) -> None:
    for url in ("http://169.254.169.254/latest/meta-data", "http://badges.example.org/1"):
        code, _ = run("verify", url)
        assert code == 2
        assert "--trust-origin" not in capsys.readouterr().err


def test_serve_says_what_it_is_doing_before_it_listens(tmp_path: Path) -> None:
    """A first start migrates a new database and makes the demo issuer's key: each step is
    said before it is done, so the first minute is not silent."""
    from tests.live import serve_banner

    _, text, _ = serve_banner(tmp_path)
    assert text.startswith("Opening the database and bringing its schema up to date "
                           "(SQLite file "), text
    assert "Creating the demo issuer 'demo-university' and generating its signing key" in text
    assert "demo issuer: " in text and "API docs: /docs" in text
