"""Issuing through the HTTP API, end to end, against a real uvicorn server on loopback.

Run: .venv/bin/python bench/bench_issuing.py [--total 10000] [--batch 500] [--workers 2]
         [--rate 100] [--seconds 10] [--postgres URL]

1. Batches: ``--total`` credentials in batches of ``--batch`` assessment records, two requests
   in flight per worker, each on a new connection, through ``vcissuer serve --workers N``.
   Prints credentials per second, and the workers' CPU time per credential.
2. Steady load: single-credential requests at ``--rate`` per second for ``--seconds`` seconds
   (open loop: requests are sent on schedule, whether or not earlier ones have returned; the
   lean generator in loadgen.py, on keep-alive connections). Prints p50 / p99 / max latency.
Every credential is for its own learner (email, name, results, reference).
Both on SQLite, then on PostgreSQL when ``--postgres`` (or VCISSUER_TEST_POSTGRES_URL) is given.
The load generator runs on the same 2-core machine as the server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
from common import children_cpu, free_port
from loadgen import open_loop

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.api.conftest import MICRO_CREDENTIAL, assessment  # noqa: E402

VCISSUER = str(ROOT / ".venv/bin/vcissuer")


def start_server(env: dict[str, str], workers: int, base: str) -> subprocess.Popen:
    proc = subprocess.Popen([VCISSUER, "serve", "--workers", str(workers)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def cli(env: dict[str, str], *args: str) -> dict:
    out = subprocess.run([VCISSUER, *args], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout[: out.stdout.rindex("}") + 1])


async def batches(base: str, headers: dict, achievement: str, total: int, size: int,
                  tag: str, in_flight: int = 4) -> float:
    # A new connection per batch (the kernel spreads connections over the workers' sockets)
    # and two batches in flight per worker, so no worker idles while another has two.
    limits = httpx.Limits(max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=600,
                                 limits=limits) as http:
        chunks = [[learner_record(achievement, tag, i)
                   for i in range(start, min(start + size, total))]
                  for start in range(0, total, size)]
        queue = list(chunks)
        issued = 0

        async def sender() -> None:
            nonlocal issued
            while queue:
                chunk = queue.pop()
                response = await http.post("/issuers/bench/credentials/batch",
                                           json={"items": chunk})
                response.raise_for_status()
                issued += response.json()["issued"]

        start = time.perf_counter()
        await asyncio.gather(*(sender() for _ in range(in_flight)))
        elapsed = time.perf_counter() - start
        assert issued == total, issued
        return total / elapsed


def learner_record(achievement: str, tag: str, i: int) -> dict:
    """One learner's assessment: each credential has its own learner, reference and results."""
    return assessment(achievement, ref=f"{tag}-{i}",
                      recipient={"email": f"learner{i}@{tag}.example.org",
                                 "name": f"Learner {i}"},
                      results=[{"resultDescription": "lo1", "value": str(40 + i % 61)},
                               {"resultDescription": "lo2",
                                "achievedLevel": ("pass", "merit")[i % 2]}])


def steady(base: str, headers: dict, achievement: str, rate: float, seconds: float,
           tag: str) -> list[float]:
    result = asyncio.run(open_loop(
        base, "/issuers/bench/credentials", headers,
        lambda i: learner_record(achievement, tag, i), rate=rate, seconds=seconds))
    unexpected = Counter(status for status in result.statuses if status != 201)
    if result.errors or unexpected:
        print(f"  not issued: {result.errors} connection errors, statuses {dict(unexpected)}")
    return result.latencies


def run(label: str, database_url: str, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as workdir:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "VCISSUER_DATABASE_URL": database_url,
               "VCISSUER_KEY_DIR": f"{workdir}/keys", "VCISSUER_PORT": str(port),
               "VCISSUER_BASE_URL": base, "VCISSUER_LOG_LEVEL": "warning"}
        admin = cli(env, "clients", "create", "--admin")["apiKey"]
        server = start_server(env, args.workers, base)
        try:
            headers = {"Authorization": f"Bearer {admin}"}
            httpx.post(f"{base}/issuers", headers=headers,
                       json={"slug": "bench", "name": "Bench University"}).raise_for_status()
            key = cli(env, "clients", "create", "--issuer", "bench")["apiKey"]
            headers = {"Authorization": f"Bearer {key}"}
            achievement = httpx.post(f"{base}/issuers/bench/achievements", headers=headers,
                                     json=MICRO_CREDENTIAL).json()["id"]
            # Warm up every worker (contexts, keys).
            asyncio.run(batches(base, headers, achievement, 200, 50, "warm"))
            cpu = children_cpu(server.pid)
            per_second = asyncio.run(batches(base, headers, achievement, args.total,
                                             args.batch, "batch", 2 * args.workers))
            batch_cpu = (children_cpu(server.pid) - cpu) / args.total
            cpu = children_cpu(server.pid)
            latencies = sorted(steady(base, headers, achievement, args.rate, args.seconds,
                                      "single"))
            single_cpu = (children_cpu(server.pid) - cpu) / max(1, len(latencies))
        finally:
            server.terminate()
            server.wait(timeout=30)
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    print(f"{label}: {args.total} credentials in batches of {args.batch}: "
          f"{per_second:.0f} credentials/s ({args.workers} workers)")
    print(f"{label}: single issues at {args.rate:g}/s for {args.seconds:g}s "
          f"({len(latencies)} requests): p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
          f"max {latencies[-1] * 1000:.1f} ms")
    if batch_cpu > 0 and single_cpu > 0:
        print(f"{label}: worker CPU per credential: {batch_cpu * 1000:.2f} ms in batches, "
              f"{single_cpu * 1000:.2f} ms issued singly (two otherwise idle cores: about "
              f"{2 / batch_cpu:.0f} and {2 / single_cpu:.0f} per second)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--postgres", default=os.environ.get("VCISSUER_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run("SQLite", f"sqlite:///{tmp}/bench.sqlite3", args)
    if args.postgres:
        from sqlalchemy import create_engine, text

        engine = create_engine(args.postgres.replace("postgresql://", "postgresql+psycopg://"))
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
        run("PostgreSQL", args.postgres, args)


if __name__ == "__main__":
    main()
