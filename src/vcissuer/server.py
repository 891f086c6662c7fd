"""Serving with N worker processes that share the load evenly.

uvicorn's own ``--workers`` lets every worker accept from one shared socket. A worker whose
event loop is idle while a request runs in its threadpool accepts too, so under CPU-bound
load two connections often land on the same worker while another idles (measured: batch
issuing ran at half the throughput on some runs). Here each worker binds its own socket with
``SO_REUSEPORT`` and the kernel spreads connections across them by their addresses. Where the
platform lacks ``SO_REUSEPORT``, uvicorn's workers are used. A worker that dies is restarted;
SIGTERM or SIGINT stops all of them gracefully.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import time
from typing import Any

__all__ = ["serve"]

APP = "vcissuer.api.asgi:app_from_env"


def serve(*, host: str, port: int, workers: int, **options: Any) -> None:
    """Run the app on ``host:port`` with ``workers`` processes (uvicorn ``options``)."""
    import uvicorn

    if workers <= 1 or not hasattr(socket, "SO_REUSEPORT"):
        uvicorn.run(APP, factory=True, host=host, port=port, workers=workers, **options)
        return
    context = multiprocessing.get_context("spawn")
    stopping = False

    def start() -> multiprocessing.process.BaseProcess:
        process = context.Process(target=_worker, args=(host, port, options), daemon=False)
        process.start()
        return process

    def stop(signum: int, frame: Any) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    processes = [start() for _ in range(workers)]
    try:
        while not stopping:
            time.sleep(0.5)
            for index, process in enumerate(processes):
                if not process.is_alive() and not stopping:
                    processes[index] = start()  # a worker died: replace it
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes in-flight requests
        deadline = time.monotonic() + 30
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _worker(host: str, port: int, options: dict[str, Any]) -> None:
    import uvicorn

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; SIGTERM stops us
    sock = _listening_socket(host, port)
    config = uvicorn.Config(APP, factory=True, host=host, port=port, **options)
    uvicorn.Server(config).run(sockets=[sock])
