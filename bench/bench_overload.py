"""Overload: a flood of anonymous verifications while an LMS issues (issue 12.8).

Run: .venv/bin/python bench/bench_overload.py [--quick] [--seconds 10] [--flood 500]
         [--issue-rate 20] [--health-rate 10] [--workers 2]

``vcissuer serve --workers 2`` on 127.0.0.1 (SQLite). For ``--seconds``, at the same time and
open loop (requests sent on schedule whether or not earlier ones returned; bench/loadgen.py;
the flood from a process of its own, so that its generator does not delay the measured ones):
- ``--flood`` anonymous ``POST /credentials/verify`` per second (distinct credentials of a
  cohort, cycled), from one address with the per-address rate limit off
  (``VCISSUER_RATE_LIMIT_VERIFY=0``): what many addresses would send;
- ``--issue-rate`` authenticated ``POST /issuers/{slug}/credentials`` per second (an LMS);
- ``--health-rate`` ``GET /health`` per second (a load balancer).
Prints the issue p99 (target < 100 ms), the /health p99 (< 50 ms), how many verifications were
served (200/422) and how many turned away (503 + Retry-After), and the time from the end of
the flood until the workers are idle (their CPU below 10 % of a core over 100 ms; target
<= 2 s). ``--quick``: 3 seconds. The load generator runs on the same cores as the server.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
from bench_issuing import VCISSUER, cli, learner_record
from common import children_cpu, free_port
from loadgen import Result, open_loop

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.api.conftest import MICRO_CREDENTIAL  # noqa: E402

IDLE_WINDOW = 0.1  # seconds
IDLE_SHARE = 0.10  # of one core


def start_server(env: dict[str, str], workers: int, base: str) -> subprocess.Popen:
    """``vcissuer serve`` (it may take a while to start on a busy machine)."""
    proc = subprocess.Popen([VCISSUER, "serve", "--workers", str(workers)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else 0.0


def cohort(base: str, headers: dict[str, str], achievement: str, count: int) -> list[dict]:
    """``count`` distinct credentials (one batch per 500), as their holders would send them."""
    credentials: list[dict] = []
    with httpx.Client(base_url=base, headers=headers, timeout=600) as http:
        for first in range(0, count, 500):
            items = [learner_record(achievement, "cohort", i)
                     for i in range(first, min(count, first + 500))]
            batch = http.post("/issuers/bench/credentials/batch", json={"items": items})
            batch.raise_for_status()
            for item in batch.json()["items"]:
                response = http.get(f"/credentials/{item['credentialId']}")
                response.raise_for_status()
                credentials.append(response.json())
    return credentials


def idle_after(pid: int, flood_end: float, limit: float = 30.0) -> float:
    """Seconds from ``flood_end`` until a window of IDLE_WINDOW in which the workers used less
    than IDLE_SHARE of a core (the window's start)."""
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        before = children_cpu(pid)
        time.sleep(IDLE_WINDOW)
        used = children_cpu(pid) - before
        if used < IDLE_SHARE * (time.perf_counter() - start):
            return max(0.0, start - flood_end)
    return float("inf")


def _flood(base: str, credentials: list[dict], rate: float, seconds: float, start_at: float,
           out: multiprocessing.Queue) -> None:
    """The anonymous flood, in its own process: its generator's work must not delay the
    measured LMS and /health requests."""
    result = asyncio.run(open_loop(
        base, "/credentials/verify", {},
        lambda i: {"verifiableCredential": credentials[i % len(credentials)]},
        rate=rate, seconds=seconds, start_at=start_at))
    out.put((result.latencies, result.statuses, result.errors))


def flood(base: str, headers: dict[str, str], achievement: str, credentials: list[dict],
          args: argparse.Namespace, tag: str) -> tuple[Result, Result, Result, float]:
    """Flood, LMS and /health together: ``(verifications, issues, health, end of the flood
    as time.perf_counter())``."""
    context = multiprocessing.get_context("fork")
    out = context.Queue()
    start_at = time.time() + 1.5  # meanwhile, each generator builds its requests
    process = context.Process(target=_flood, args=(base, credentials, args.flood,
                                                   args.seconds, start_at, out))
    process.start()

    async def measured() -> tuple[Result, Result]:
        return await asyncio.gather(
            open_loop(base, "/issuers/bench/credentials", headers,
                      lambda i: learner_record(achievement, tag, i),
                      rate=args.issue_rate, seconds=args.seconds, start_at=start_at),
            open_loop(base, "/health", {}, None, rate=args.health_rate,
                      seconds=args.seconds, method="GET", start_at=start_at))

    issued, health = asyncio.run(measured())
    verified = Result(*out.get(timeout=600))
    process.join(timeout=60)
    flood_end = time.perf_counter() - (time.time() - (start_at + args.seconds))
    return verified, issued, health, flood_end


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 seconds of flood")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--flood", type=float, default=500.0)
    parser.add_argument("--issue-rate", type=float, default=20.0)
    parser.add_argument("--health-rate", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--credentials", type=int, default=1000,
                        help="distinct credentials the flood cycles through")
    args = parser.parse_args()
    if args.quick:
        args.seconds = 3.0
        args.credentials = min(args.credentials, 500)

    with tempfile.TemporaryDirectory() as workdir:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "VCISSUER_DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite3",
               "VCISSUER_KEY_DIR": f"{workdir}/keys", "VCISSUER_PORT": str(port),
               "VCISSUER_HOST": "127.0.0.1", "VCISSUER_BASE_URL": base,
               "VCISSUER_LOG_LEVEL": "warning", "VCISSUER_RATE_LIMIT_VERIFY": "0",
               "PYTHONPATH": str(ROOT / "src")}
        admin = cli(env, "clients", "create", "--admin")["apiKey"]
        server = start_server(env, args.workers, base)
        try:
            httpx.post(f"{base}/issuers", headers={"Authorization": f"Bearer {admin}"},
                       json={"slug": "bench", "name": "Bench University"}).raise_for_status()
            key = cli(env, "clients", "create", "--issuer", "bench")["apiKey"]
            headers = {"Authorization": f"Bearer {key}"}
            achievement = httpx.post(f"{base}/issuers/bench/achievements", headers=headers,
                                     json=MICRO_CREDENTIAL).json()["id"]
            credentials = cohort(base, headers, achievement, args.credentials)
            # Warm both workers (contexts, keys, the verification path) at a gentle rate.
            warm = dict(vars(args), flood=50.0, seconds=1.0)
            flood(base, headers, achievement, credentials, argparse.Namespace(**warm), "warm")
            time.sleep(0.5)
            cpu = children_cpu(server.pid)
            verified, issued, health, flood_end = flood(base, headers, achievement,
                                                        credentials, args, "lms")
            all_answered = time.perf_counter() - flood_end
            idle = idle_after(server.pid, flood_end)
            worker_cpu = children_cpu(server.pid) - cpu
        finally:
            server.terminate()
            server.wait(timeout=30)

    statuses = Counter(verified.statuses)
    sent = len(verified.statuses) + verified.errors
    served = statuses[200] + statuses[422]
    answered = list(zip(verified.latencies, verified.statuses, strict=True))
    served_p99 = pct([latency for latency, status in answered if status != 503], 0.99)
    refused_p99 = pct([latency for latency, status in answered if status == 503], 0.99)
    other = {status: n for status, n in statuses.items() if status not in (200, 422, 503)}
    print(f"overload: {args.flood:g} anonymous verifications/s + {args.issue_rate:g} "
          f"authenticated issues/s + {args.health_rate:g} /health/s for {args.seconds:g} s, "
          f"vcissuer serve --workers {args.workers} on 127.0.0.1 (load generator on the same "
          f"cores)")
    print(f"  verifications: {sent} sent; served {served} ({100 * served / max(sent, 1):.0f} %),"
          f" 503 {statuses[503]} ({100 * statuses[503] / max(sent, 1):.0f} %), other {other}, "
          f"connection errors {verified.errors}; p99 served {served_p99:.1f} ms, "
          f"503 {refused_p99:.1f} ms")
    issue_p99, health_p99 = pct(issued.latencies, 0.99), pct(health.latencies, 0.99)
    issue_ok = Counter(issued.statuses)
    print(f"  issue: {len(issued.latencies)} answered {dict(issue_ok)}, errors {issued.errors}; "
          f"p50 {pct(issued.latencies, 0.5):.1f} ms, p99 {issue_p99:.1f} ms "
          f"(target < 100: {'MET' if issue_p99 < 100 and set(issue_ok) == {201} else 'NOT MET'})")
    print(f"  /health: {len(health.latencies)} answered {dict(Counter(health.statuses))}, "
          f"errors {health.errors}; p50 {pct(health.latencies, 0.5):.1f} ms, p99 "
          f"{health_p99:.1f} ms (target < 50: {'MET' if health_p99 < 50 else 'NOT MET'})")
    print(f"  after the flood: every response in {max(0.0, all_answered):.2f} s; workers idle "
          f"after {idle:.2f} s (target <= 2: {'MET' if idle <= 2 else 'NOT MET'})")
    print(f"  workers' CPU from the start of the flood until idle: {worker_cpu:.1f} s "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
