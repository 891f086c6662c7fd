"""`vcissuer verify FILE|URL`: the same pipeline as the API, files (JSON, JWT, baked) and URLs."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.net.fakeweb import LoopbackServer
from vcissuer.cli import main

SAMPLES = Path(__file__).parents[1] / "vectors/1edtech-validator-ob30"


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


@pytest.mark.parametrize("name", ["baked/simple-json.png", "baked/simple-json.svg",
                                  "baked/simple-jwt.png", "valid/simple.json"])
def test_files_including_baked_images(name: str) -> None:
    code, out = run("verify", str(SAMPLES / name), "--trust-embedded-keys")
    assert code == 0, out
    assert out.startswith("VERIFIED")


def test_report_names_every_check() -> None:
    code, out = run("verify", str(SAMPLES / "valid/simple-did-web-method.json"),
                    "--trust-embedded-keys")
    assert code == 0
    for name in ("structure", "proof", "issuer key", "status", "validity period",
                 "endorsements"):
        assert f"] {name}" in out


def test_url_through_the_guarded_fetcher() -> None:
    credential = json.loads((SAMPLES / "valid/simple.json").read_text())
    with LoopbackServer() as server:
        url = server.add("/credential.json", credential)
        # Loopback is refused unless the origin is trusted explicitly.
        code, _ = run("verify", url, "--trust-embedded-keys")
        assert code == 2 and server.hits == []
        code, out = run("verify", url, "--trust-embedded-keys", "--trust-origin", server.base,
                        "--json")
        assert code == 0, out
        assert json.loads(out)["verified"] is True
        missing = run("verify", server.base + "/missing.json", "--trust-origin", server.base)
        assert missing[0] == 2 and "404" in missing[1]


def test_refused_url_is_one_line_exit_2(capsys) -> None:
    code, _ = run("verify", "http://169.254.169.254/latest/meta-data")
    assert code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "plain http" in err


def test_status_is_could_not_check_offline() -> None:
    sample = str(SAMPLES / "status/credential-with-bitstring-status-revoked.json")
    code, out = run("verify", sample, "--trust-embedded-keys", "--offline")
    assert code == 2
    assert "COULD NOT VERIFY" in out and "STATUS_RETRIEVAL_ERROR" in out
