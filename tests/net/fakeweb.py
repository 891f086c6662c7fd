"""Test doubles for the network: the outside world (httpx.MockTransport) and a loopback server.

``FakeWeb`` stands in for hosts outside this machine: documents by URL, every known host name
resolving to a public address. ``LoopbackServer`` is a real HTTP server on 127.0.0.1 that
records every request it receives, so a test can assert that a refused address was never
contacted; it can also be slow, drip-feed, send huge bodies or redirect.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from vcissuer.net import FetchPolicy, GuardedFetcher
from vcissuer.verify import Retriever, Verifier

PUBLIC_ADDRESS = "93.184.215.14"


def _key(url: str) -> str:
    parsed = httpx.URL(url)
    default = {"http": 80, "https": 443}[parsed.scheme]
    port = f":{parsed.port}" if parsed.port and parsed.port != default else ""
    return f"{parsed.scheme}://{parsed.host}{port}{parsed.raw_path.decode()}"


class FakeWeb:
    """Documents served at URLs of (fake) public hosts, through ``httpx.MockTransport``."""

    def __init__(self) -> None:
        self.pages: dict[str, Callable[[httpx.Request], httpx.Response]] = {}
        self.addresses: dict[str, list[str]] = {}
        self.requests: list[httpx.Request] = []

    def add(self, url: str, body: Any, *, content_type: str = "application/json",
            status: int = 200, headers: dict[str, str] | None = None) -> None:
        if isinstance(body, bytes):
            content = body
        elif isinstance(body, str):
            content = body.encode()
        else:
            content = json.dumps(body).encode()
        self.addresses.setdefault(httpx.URL(url).raw_host.decode("ascii"), [PUBLIC_ADDRESS])
        self.pages[_key(url)] = lambda request: httpx.Response(
            status, content=content, headers={"content-type": content_type, **(headers or {})})

    def route(self, url: str, handler: Callable[[httpx.Request], httpx.Response]) -> None:
        self.addresses.setdefault(httpx.URL(url).raw_host.decode("ascii"), [PUBLIC_ADDRESS])
        self.pages[_key(url)] = handler

    def host(self, name: str, *addresses: str) -> None:
        """Make ``name`` resolve to ``addresses`` (a private one, say)."""
        self.addresses[name] = list(addresses)

    async def resolve(self, host: str, port: int) -> list[str]:
        if host not in self.addresses:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return self.addresses[host]

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        url = f"{request.url.scheme}://{request.headers['host']}{request.url.raw_path.decode()}"
        page = self.pages.get(_key(url))
        if page is None:
            return httpx.Response(404, text="not found")
        return page(request)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self.handler))

    def fetcher(self, policy: FetchPolicy | None = None) -> GuardedFetcher:
        return GuardedFetcher(self.client(), policy=policy, resolve=self.resolve)

    def verifier(self, *, policy: FetchPolicy | None = None, trust_embedded_keys: bool = False,
                 status_ttl: float = 60.0, **options: Any) -> Verifier:
        retriever = Retriever(self.fetcher(policy), status_ttl=status_ttl,
                              trust_fragment_keys=trust_embedded_keys)
        return Verifier(retriever, trust_embedded_keys=trust_embedded_keys, **options)


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 that records the paths it was asked for.

    Paths: ``/doc`` (a JSON document), ``/slow`` (sleeps before answering), ``/drip`` (a byte
    every 0.2 s), ``/huge`` (10 MB, no Content-Length), ``/redirect?to=URL``, ``/loop``.
    Documents can be added with :meth:`add`.
    """

    def __init__(self) -> None:
        self.hits: list[str] = []
        self.documents: dict[str, tuple[bytes, str]] = {
            "/doc": (b'{"ok": true}', "application/json")}
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                server.hits.append(self.path)
                path, _, query = self.path.partition("?")
                if path in server.documents:
                    body, media = server.documents[path]
                    self._send(200, body, media)
                elif path == "/slow":
                    server.release.wait(5)
                    self._send(200, b"{}", "application/json")
                elif path == "/drip":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", "1000")
                    self.end_headers()
                    try:
                        for _ in range(1000):
                            if server.release.wait(0.2):
                                return
                            self.wfile.write(b" ")
                            self.wfile.flush()
                    except OSError:
                        pass
                elif path == "/huge":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Connection", "close")
                    self.end_headers()
                    chunk = b"[" + b"0," * 32_768
                    try:
                        for _ in range(160):
                            self.wfile.write(chunk)
                    except OSError:
                        pass
                elif path == "/redirect":
                    self.send_response(302)
                    self.send_header("Location", query.removeprefix("to="))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif path == "/loop":
                    self.send_response(302)
                    self.send_header("Location", "/loop")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    self._send(404, b"{}", "application/json")

            def _send(self, status: int, body: bytes, media: str) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", media)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the client gave up (a timeout under test)
                    pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,),
                                        daemon=True)

    def add(self, path: str, body: Any, media: str = "application/json") -> str:
        self.documents[path] = (body if isinstance(body, bytes) else json.dumps(body).encode(),
                                media)
        return self.base + path

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        time.sleep(0.01)
        self._server.shutdown()
        self._server.server_close()
