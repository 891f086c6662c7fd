"""The real app served by uvicorn on 127.0.0.1 in a background thread: wallets talk real HTTP."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn

from vcissuer.api.app import create_app
from vcissuer.issuance.context import Services
from vcissuer.issuance.keyring import Keyring
from vcissuer.issuance.recipients import LookupKey
from vcissuer.store import Database


@dataclass
class LiveServer:
    base_url: str
    services: Services
    http: httpx.Client


@contextmanager
def serve(db: Database, key_dir: Path) -> Iterator[LiveServer]:
    """Serve the app on a loopback port bound before the server starts (no port race)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    services = Services(db=db, keyring=Keyring(key_dir, passphrase=None),
                        lookup=LookupKey(key_dir), base_url=base_url)
    server = uvicorn.Server(uvicorn.Config(create_app(services), log_level="warning",
                                           lifespan="off", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the live server did not start")
        time.sleep(0.01)
    try:
        with httpx.Client(base_url=base_url, timeout=30) as http:
            yield LiveServer(base_url, services, http)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
