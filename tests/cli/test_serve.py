"""`vcissuer serve --workers 2`: two worker processes, each with its own SO_REUSEPORT socket,
answering on one port; a dead worker is replaced; SIGTERM stops everything cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.skipif(not hasattr(socket, "SO_REUSEPORT") or
                                not Path("/proc/self/task").is_dir(),
                                reason="needs SO_REUSEPORT and /proc (Linux)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _workers(pid: int) -> list[int]:
    """The worker processes (multiprocessing's resource tracker is a child too)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    workers = []
    for child in children:
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"resource_tracker" not in command:
            workers.append(int(child))
    return workers


def _wait_healthy(base: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError("the service did not answer")


def test_two_workers_share_one_port_and_stop_on_sigterm(tmp_path: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "VCISSUER_HOST": "127.0.0.1", "VCISSUER_PORT": str(port),
           "VCISSUER_BASE_URL": base, "VCISSUER_KEY_DIR": str(tmp_path / "keys"),
           "VCISSUER_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "VCISSUER_LOG_LEVEL": "warning"}
    server = subprocess.Popen([sys.executable, "-m", "vcissuer.cli", "serve", "--workers", "2"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_healthy(base, time.monotonic() + 60)
        deadline = time.monotonic() + 30
        while len(_workers(server.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        first = _workers(server.pid)
        assert len(first) == 2
        # Fresh connections, all answered (by either worker).
        assert {httpx.get(f"{base}/health", timeout=5).status_code for _ in range(20)} == {200}

        os.kill(first[0], signal.SIGKILL)  # a worker dies: it is replaced
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            now = _workers(server.pid)
            if len(now) == 2 and first[0] not in now:
                break
            time.sleep(0.2)
        assert len(now) == 2 and first[0] not in now and first[1] in now
        _wait_healthy(base, time.monotonic() + 60)

        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=40) == 0, server.stderr.read().decode() if server.stderr else ""
        for pid in now:
            assert not Path(f"/proc/{pid}").exists() or \
                "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
