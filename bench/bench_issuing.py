"""Issuing through the HTTP API, end to end, against a real uvicorn server on loopback.

Run: .venv/bin/python bench/bench_issuing.py [--total 10000] [--batch 500] [--workers 2]
         [--rate 200] [--seconds 10] [--sizes 10,100,1000] [--postgres URL] [--quick]

1. Batches: ``--total`` credentials in batches of ``--batch`` assessment records, two requests
   in flight per worker, each on a new connection, through ``vcissuer serve --workers N``.
   Prints credentials per second, and the workers' CPU time per credential.
2. Batch size: the workers' CPU time per credential in batches of each of ``--sizes`` (the
   cost per credential must not grow with the size of the batch).
3. Steady load: single-credential requests at ``--rate`` per second for ``--seconds`` seconds
   (open loop: requests are sent on schedule, whether or not earlier ones have returned; the
   lean generator in loadgen.py, on keep-alive connections). Prints p50 / p99 / max latency
   and the workers' CPU time per request.
Every credential is for its own learner (email, name, results, reference).
Both on SQLite, then on PostgreSQL when ``--postgres`` (or VCISSUER_TEST_POSTGRES_URL) is given.
The load generator runs on the same 2-core machine as the server. The server runs this
checkout's ``src/`` (PYTHONPATH is set for it, and checked), whatever the venv has installed.
``--quick``: small runs (a smoke test of the script, not figures to quote).
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
sys.path.insert(0, str(ROOT / "src"))

from tests.api.conftest import MICRO_CREDENTIAL, assessment  # noqa: E402

VCISSUER = str(ROOT / ".venv/bin/vcissuer")
SRC = ROOT / "src"


def server_env(base: dict[str, str]) -> dict[str, str]:
    """``base`` with this checkout's ``src/`` first on PYTHONPATH, checked: the venv may hold
    an editable install of another checkout, and the server must run the code benchmarked."""
    env = {**base, "PYTHONPATH": os.pathsep.join(
        [str(SRC), *(p for p in base.get("PYTHONPATH", "").split(os.pathsep) if p)])}
    where = subprocess.run([str(ROOT / ".venv/bin/python"), "-c",
                            "import vcissuer; print(vcissuer.__file__)"],
                           env=env, capture_output=True, text=True, check=True).stdout.strip()
    if not Path(where).resolve().is_relative_to(SRC.resolve()):
        raise SystemExit(f"the server would run {where}, not {SRC}")
    return env


def check_workers(server: subprocess.Popen, env: dict[str, str]) -> int:
    """The number of worker processes; every child process is checked to run with ``env``'s
    PYTHONPATH (the workers, and multiprocessing's resource tracker)."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    if not children.exists():  # not Linux: trust the environment given
        return 0
    count = 0
    for pid in children.read_text().split():
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        if f"PYTHONPATH={env['PYTHONPATH']}".encode() not in environ:
            raise SystemExit(f"process {pid} does not run with PYTHONPATH={env['PYTHONPATH']}")
        count += b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    return count


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


def batch_cost(server: subprocess.Popen, base: str, headers: dict, achievement: str,
               total: int, size: int, tag: str, in_flight: int) -> float:
    """Worker CPU seconds per credential issued in batches of ``size``."""
    cpu = children_cpu(server.pid)
    asyncio.run(batches(base, headers, achievement, total, size, tag, in_flight))
    return (children_cpu(server.pid) - cpu) / total


def run(label: str, database_url: str, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as workdir:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = server_env({**os.environ, "VCISSUER_DATABASE_URL": database_url,
                          "VCISSUER_KEY_DIR": f"{workdir}/keys", "VCISSUER_PORT": str(port),
                          "VCISSUER_BASE_URL": base, "VCISSUER_LOG_LEVEL": "warning"})
        admin = cli(env, "clients", "create", "--admin")["apiKey"]
        server = start_server(env, args.workers, base)
        try:
            workers = check_workers(server, env)
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
            by_size = {size: batch_cost(server, base, headers, achievement,
                                        max(size, args.size_total), size, f"size{size}",
                                        2 * args.workers)
                       for size in args.sizes}
            cpu = children_cpu(server.pid)
            latencies = sorted(steady(base, headers, achievement, args.rate, args.seconds,
                                      "single"))
            single_cpu = (children_cpu(server.pid) - cpu) / max(1, len(latencies))
        finally:
            server.terminate()
            server.wait(timeout=30)
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    print(f"{label}: server code from {SRC} ({workers} workers checked)")
    print(f"{label}: {args.total} credentials in batches of {args.batch}: "
          f"{per_second:.0f} credentials/s ({args.workers} workers)")
    print(f"{label}: single issues at {args.rate:g}/s for {args.seconds:g}s "
          f"({len(latencies)} requests): p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
          f"max {latencies[-1] * 1000:.1f} ms")
    if batch_cpu > 0 and single_cpu > 0:
        print(f"{label}: worker CPU per credential: {batch_cpu * 1000:.2f} ms in batches, "
              f"{single_cpu * 1000:.2f} ms issued singly (two otherwise idle cores: about "
              f"{2 / batch_cpu:.0f} and {2 / single_cpu:.0f} per second)")
    if all(cost > 0 for cost in by_size.values()):
        print(f"{label}: worker CPU per credential by batch size: " + ", ".join(
            f"{cost * 1000:.2f} ms at {size}" for size, cost in by_size.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--sizes", default="10,100,1000",
                        help="batch sizes whose cost per credential is printed")
    parser.add_argument("--size-total", type=int, default=3000,
                        help="credentials issued at each of --sizes (at least one batch)")
    parser.add_argument("--postgres", default=os.environ.get("VCISSUER_TEST_POSTGRES_URL"))
    parser.add_argument("--quick", action="store_true",
                        help="small runs: 1,000 credentials, 1,000 per size, 3 s of load")
    args = parser.parse_args()
    args.sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    if args.quick:
        args.total, args.size_total, args.seconds = 1000, 1000, 3
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
