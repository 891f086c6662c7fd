"""`vcissuer serve` does not let uvicorn believe X-Forwarded-For (issue 12.7).

uvicorn's default trusts the header from 127.0.0.1 (or whatever ``FORWARDED_ALLOW_IPS``
says) and rewrites the client address before the app sees it: from a local proxy, a
rotating header then escaped the per-address limit. Served by the real command, with
``FORWARDED_ALLOW_IPS=*`` even, the app counts the connection's peer.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.cli.test_serve import _free_port, _wait_healthy


def test_a_rotating_forwarded_for_does_not_escape_the_limit(tmp_path: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "VCISSUER_HOST": "127.0.0.1", "VCISSUER_PORT": str(port),
           "VCISSUER_BASE_URL": base, "VCISSUER_KEY_DIR": str(tmp_path / "keys"),
           "VCISSUER_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "VCISSUER_LOG_LEVEL": "warning", "FORWARDED_ALLOW_IPS": "*",
           "VCISSUER_RATE_LIMIT_VERIFY": "0.01", "VCISSUER_RATE_LIMIT_VERIFY_BURST": "2"}
    server = subprocess.Popen([sys.executable, "-m", "vcissuer.cli", "serve"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_healthy(base, time.monotonic() + 60)
        codes = [httpx.post(f"{base}/credentials/verify", json={}, timeout=10,
                            headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code
                 for i in range(4)]
        assert codes == [422, 422, 429, 429]
    finally:
        server.terminate()
        server.wait(timeout=30)
