"""Several `vcissuer serve` processes that share one PostgreSQL database and nothing else
in process memory: what a deployment behind a load balancer runs.

Signing keys: the nodes use the database key backend (keys wrapped under a key-encryption key
every node is given) and each has a key directory of its own, so they share nothing but the
database; the recipient lookup secret lives in the database with that backend too.
``custody_env`` is the one place that says how nodes find their keys; with ``backend="file"``
every node is given one shared key directory instead (as over a network file system), and a
node with another lookup secret refuses to start
(``test_a_node_with_another_lookup_key_refuses_to_start``).
"""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

__all__ = ["PUBLIC_ORIGIN", "Node", "custody_env", "node_env", "running_nodes"]

# Every node publishes the same ids: the origin of the load balancer in front of them.
PUBLIC_ORIGIN = "http://badges.cluster.test"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# A key-encryption key for the test cluster only (``id:base64`` of 32 bytes).
_TEST_KEK = "cluster1:" + base64.b64encode(bytes(range(32))).decode()


def custody_env(keys: Path, backend: str = "database") -> dict[str, str]:
    """How a node finds the signing keys and the recipient lookup secret. ``database``: keys
    wrapped in the database, each node with its own key directory under ``keys``
    (``running_nodes`` gives it). ``file``: the directory ``keys`` shared by every node."""
    if backend == "file":
        return {"VCISSUER_KEY_DIR": str(keys)}
    return {"VCISSUER_KEY_BACKEND": "database", "VCISSUER_KEK": _TEST_KEK,
            _PER_NODE_KEY_DIRS: str(keys)}


# With the database backend every node gets ``<keys>/node<i>`` as its own key directory.
_PER_NODE_KEY_DIRS = "VCISSUER_TEST_KEY_DIRS"


def node_env(database_url: str, port: int, custody: Mapping[str, str],
             **extra: str) -> dict[str, str]:
    return {**os.environ, "VCISSUER_DATABASE_URL": database_url,
            "VCISSUER_HOST": "127.0.0.1", "VCISSUER_PORT": str(port),
            "VCISSUER_BASE_URL": PUBLIC_ORIGIN, "VCISSUER_LOG_LEVEL": "warning",
            **custody, **extra}


@dataclass
class Node:
    """One running `vcissuer serve` and an HTTP client for it."""

    name: str
    url: str
    process: subprocess.Popen[bytes]
    http: httpx.Client

    def stop(self) -> None:
        self.http.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _start(name: str, env: dict[str, str], port: int) -> Node:
    process = subprocess.Popen([sys.executable, "-m", "vcissuer.cli", "serve"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    return Node(name, url, process, httpx.Client(base_url=url, timeout=60))


def _wait_healthy(node: Node, deadline: float) -> None:
    while time.monotonic() < deadline:
        if node.process.poll() is not None:
            error = node.process.stderr.read().decode(errors="replace") \
                if node.process.stderr else ""
            raise RuntimeError(f"node {node.name} exited: {error[-2000:]}")
        try:
            if node.http.get("/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"node {node.name} did not answer")


@contextmanager
def running_nodes(database_url: str, custody: Mapping[str, str], count: int = 2,
                  **extra: str) -> Iterator[list[Node]]:
    """``count`` nodes over ``database_url``, started at the same moment (so they also race
    to migrate the database); stopped afterwards."""
    with ExitStack() as stack:
        nodes = []
        for i in range(count):
            port = _free_port()
            env = node_env(database_url, port, custody, **extra)
            if _PER_NODE_KEY_DIRS in custody:
                env["VCISSUER_KEY_DIR"] = str(Path(custody[_PER_NODE_KEY_DIRS]) / f"node{i}")
            node = _start(f"node{i}", env, port)
            stack.callback(node.stop)
            nodes.append(node)
        deadline = time.monotonic() + 90
        for node in nodes:
            _wait_healthy(node, deadline)
        yield nodes
