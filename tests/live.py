"""The real app served by uvicorn on 127.0.0.1 in a background thread: tests that need real
HTTP (wallets, browsers, verification over did:web) talk to it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI

from vcissuer.api.app import create_app
from vcissuer.issuance.context import Services
from vcissuer.issuance.keyring import Keyring
from vcissuer.issuance.recipients import LookupKey
from vcissuer.store import Database

__all__ = ["LiveServer", "serve", "serve_banner", "serving"]


@contextmanager
def serving(make_app: Callable[[str], FastAPI], *,
            lifespan: str = "on") -> Iterator[tuple[str, FastAPI]]:
    """Bind a loopback port first (no race for it), build the app for that base URL, serve it;
    yields (base URL, app) and stops the server afterwards."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    app = make_app(base_url)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan=lifespan,
                                           access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the live server did not start")
            time.sleep(0.01)
        yield base_url, app
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@dataclass
class LiveServer:
    base_url: str
    services: Services
    http: httpx.Client


@contextmanager
def serve(db: Database, key_dir: Path) -> Iterator[LiveServer]:
    """The app over ``db`` and keys in ``key_dir``, with an HTTP client for it."""

    def make(base_url: str) -> FastAPI:
        return create_app(Services(db=db, keyring=Keyring(key_dir, passphrase=None),
                                   lookup=LookupKey(key_dir), base_url=base_url))

    with serving(make, lifespan="off") as (base_url, app), \
            httpx.Client(base_url=base_url, timeout=30) as http:
        yield LiveServer(base_url, app.state.services, http)


def serve_banner(tmp_path: Path, **env: str) -> tuple[int | None, str, str]:
    """Run ``vcissuer serve --demo`` (SQLite in ``tmp_path``, a free port, ``env`` added) until
    it prints its banner or exits, then stop it: (exit code, stdout lines read, stderr)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {**os.environ, "VCISSUER_HOST": "127.0.0.1", "VCISSUER_PORT": str(port),
                   "VCISSUER_BASE_URL": f"http://127.0.0.1:{port}",
                   "VCISSUER_KEY_DIR": str(tmp_path / "keys"),
                   "VCISSUER_DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'db.sqlite3'}",
                   "VCISSUER_LOG_LEVEL": "warning", "PYTHONUNBUFFERED": "1", **env}
    server = subprocess.Popen([sys.executable, "-m", "vcissuer.cli", "serve", "--demo"],
                              env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
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
