"""A lean open-loop HTTP/1.1 load generator for the latency benchmarks.

The latency a benchmark reports is only as good as its load generator: httpx spent about
4 ms of CPU per request here, 40 % of a core at 100 requests/s on the same 2 cores as the
server, and its collector pauses landed in the measured latencies. This one writes requests
and reads responses on keep-alive connections with asyncio streams, and takes the collector
out of the run. Requests are sent on schedule whether or not earlier ones have returned; each
latency runs from the scheduled send time, so a late send counts against the server's figure.
"""

from __future__ import annotations

import asyncio
import gc
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

__all__ = ["Result", "open_loop"]

_KEEP_IDLE = 3.0  # seconds a connection may sit unused and still be reused


@dataclass(frozen=True, slots=True)
class Result:
    latencies: list[float]  # seconds, from the scheduled send to the whole response read
    statuses: list[int]
    errors: int


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def request(self, head: bytes, body: bytes) -> int:
        self.writer.write(head + body)
        status_line = await self.reader.readuntil(b"\r\n")
        status = int(status_line.split(b" ", 2)[1])
        length, close = 0, False
        while (line := await self.reader.readuntil(b"\r\n")) != b"\r\n":
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
        await self.reader.readexactly(length)
        if close:
            raise ConnectionResetError("the server closed the connection")
        return status


async def open_loop(base: str, path: str, headers: dict[str, str],
                    body: Callable[[int], Any] | None, *, rate: float, seconds: float,
                    method: str = "POST", start_at: float | None = None) -> Result:
    """POST ``body(i)`` as JSON to ``path`` at ``rate`` per second for ``seconds`` (with
    ``body`` None: ``method`` without a body, a GET say), from ``start_at`` (``time.time()``,
    so that generators in several processes start together) or now."""
    url = urlsplit(base)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    fixed = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    idle: list[tuple[float, _Connection]] = []  # (last used, connection)
    count = int(rate * seconds)
    latencies: list[float] = []
    statuses: list[int] = []
    errors = 0
    payloads = [json.dumps(body(i)).encode() if body else b"" for i in range(count)]
    typed = "Content-Type: application/json\r\n" if body else ""

    async def one(i: int, scheduled: float) -> None:
        nonlocal errors
        payload = payloads[i]
        head = (f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{fixed}"
                f"{typed}Content-Length: {len(payload)}\r\n\r\n").encode()
        connection = None
        while idle and connection is None:
            used, candidate = idle.pop()
            if time.perf_counter() - used < _KEEP_IDLE:
                connection = candidate
            else:  # the server may have closed it by now (uvicorn: after 5 s idle)
                candidate.writer.close()
        if connection is None:
            connection = _Connection(*await asyncio.open_connection(host, port))
        try:
            status = await connection.request(head, payload)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            errors += 1
            connection.writer.close()
            return
        done = time.perf_counter()
        latencies.append(done - scheduled)
        statuses.append(status)
        idle.append((done, connection))

    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        tasks = []
        if start_at is not None:
            await asyncio.sleep(max(0.0, start_at - time.time()))
        begin = time.perf_counter()
        for i in range(count):
            scheduled = begin + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(i, scheduled)))
        await asyncio.gather(*tasks)
    finally:
        gc.enable()
        gc.unfreeze()
        for _, connection in idle:
            connection.writer.close()
    return Result(latencies=latencies, statuses=statuses, errors=errors)
