"""``vcissuer serve`` with the database key backend: it says where the keys are (KEK ids, never
KEK bytes), and a wrong KEK stops it with one line, before it listens."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.custody.conftest import kek_entry


def _serve(tmp_path: Path, kek: str) -> tuple[int | None, str, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "VCISSUER_HOST": "127.0.0.1", "VCISSUER_PORT": str(port),
           "VCISSUER_BASE_URL": f"http://127.0.0.1:{port}",
           "VCISSUER_KEY_DIR": str(tmp_path / "keys"),
           "VCISSUER_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "VCISSUER_KEY_BACKEND": "database", "VCISSUER_KEK": kek,
           "VCISSUER_LOG_LEVEL": "warning", "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen([sys.executable, "-m", "vcissuer.cli", "serve", "--demo"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = server.stdout.readline()  # type: ignore[union-attr]
            if not line:
                break
            lines.append(line)
            if "API docs" in line:
                break
    finally:
        server.terminate()
        _, err = server.communicate(timeout=30)
    return server.returncode, "".join(lines), err


def test_serve_names_the_kek_ids_and_a_wrong_kek_stops_it(tmp_path: Path) -> None:
    right = kek_entry("k1")
    code, out, _ = _serve(tmp_path, right)
    assert "keys:     database, wrapped under KEK 'k1' (unwraps k1)" in out, out
    assert right.split(":", 1)[1] not in out

    wrong = kek_entry("k1")
    code, out, err = _serve(tmp_path, wrong)
    assert code == 2, (out, err)
    assert "API docs" not in out
    assert err.startswith("vcissuer: key '") and "does not decrypt under KEK 'k1'" in err, err
    assert len(err.strip().splitlines()) == 1 and wrong.split(":", 1)[1] not in err
