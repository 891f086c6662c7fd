"""A million credentials in PostgreSQL through the HTTP API: does anything stop being flat?

Run: .venv/bin/python bench/bench_scale.py [--total 1000000 | --quick] [--postgres URL]
         [--workers 2] [--batch 1000] [--issuers 3] [--achievements 2] [--revoke 10000]

A real ``vcissuer serve --workers N`` over PostgreSQL (``--postgres`` or
VCISSUER_TEST_POSTGRES_URL), in a schema of its own (``vcissuer_scale``, made empty first;
nothing else in the database is touched). ``--total`` credentials are issued in batches of
``--batch`` assessment records, two batches in flight per worker, round robin over
``--issuers`` issuers with ``--achievements`` achievements each (revocable ones take 1-bit
lists of 131,072 entries, suspendable ones 2-bit shadow lists holding 65,536; every list fills
and a new one opens, several times over a million). Each learner gets five credentials.

Printed:
- batch cost by batch size (10, 100, 1,000): worker CPU per credential (issue 14 item 5);
- for each tenth of ``--total`` (100,000 of a million): issue rate, CPU per credential of
  the workers and of the PostgreSQL backends, worker RSS; then the last tenth's rate and CPU
  against the first's (the goal: within 15 %; on a loaded machine judge by CPU);
- database bytes per credential (the schema's relations, and pg_database_size growth);
- p50/p99 of fetch-by-id, list-by-learner, list-by-achievement (first page and a page in the
  middle by cursor) and status-list serving, after the first tenth and at the end;
- worker RSS: sampled each second, the peak;
- revoking ``--revoke`` credentials of one issuer in one call (the batch route takes up to
  10,000 ids): wall time, worker CPU, and the first fetch of each changed list (re-signed).

``--quick``: 20,000 credentials (tenths of 2,000), 2,000 revoked. Latency figures come from a
sequential keep-alive client on the same machine.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import itertools
import json
import math
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
from bench_issuing import cli, start_server
from common import children_cpu, free_port

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.api.conftest import MICRO_CREDENTIAL  # noqa: E402
from vcissuer.store.pagination import encode_cursor  # noqa: E402

SCHEMA = "vcissuer_scale"
SAMPLE = 12_000  # credential ids kept per issuer (reservoir sample) for probes and revoking
PROBES = 200  # requests per probe


# --- the server ---------------------------------------------------------------------------

def schema_url(url: str) -> str:
    """``url`` with the bench schema first on the search path."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    return parsed.update_query_dict({"options": f"-csearch_path={SCHEMA}"}).render_as_string(
        hide_password=False)


def fresh_schema(url: str) -> int:
    """Empty the bench schema; the database's size before the run."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    with engine.connect() as connection:  # after the commit: the dropped files are gone
        size = connection.execute(text("SELECT pg_database_size(current_database())")).scalar()
    engine.dispose()
    return int(size)


def sizes(url: str) -> tuple[int, int, int, int]:
    """(schema relations, credentials table with indexes and TOAST, database, credentials)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(schema_url(url))
    with engine.connect() as connection:
        total = connection.execute(text(
            "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = :schema AND c.relkind IN ('r', 'm')"), {"schema": SCHEMA}).scalar()
        credentials = connection.execute(text(
            "SELECT pg_total_relation_size('credentials')")).scalar()
        database = connection.execute(text(
            "SELECT pg_database_size(current_database())")).scalar()
        count = connection.execute(text("SELECT COUNT(*) FROM credentials")).scalar()
    engine.dispose()
    return int(total), int(credentials), int(database), int(count)


class DatabaseCpu:
    """CPU seconds of the PostgreSQL backends serving the bench's database (their
    /proc/<pid>/stat, on the same machine), including autovacuum: what issuing costs the
    database, which the workers' CPU does not show."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine

        self.engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1),
                                    pool_size=1)
        self.ticks = os.sysconf("SC_CLK_TCK")
        self.seen: dict[int, float] = {}

    def __call__(self) -> float:
        """Total so far, over every backend seen (an exited one keeps its last reading)."""
        from sqlalchemy import text

        with self.engine.connect() as connection:
            pids = connection.execute(text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()")).scalars().all()
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            self.seen[pid] = (int(fields[11]) + int(fields[12])) / self.ticks
        return sum(self.seen.values())

    def close(self) -> None:
        self.engine.dispose()


def worker_pids(pid: int) -> list[int]:
    pids = []
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        try:
            if b"resource_tracker" not in Path(f"/proc/{child}/cmdline").read_bytes():
                pids.append(int(child))
        except OSError:
            continue
    return pids or [pid]


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class RssSampler(threading.Thread):
    """Each worker's RSS once a second; ``mark()`` names the samples taken so far."""

    def __init__(self, server: int) -> None:
        super().__init__(daemon=True)
        self.server = server
        self.samples: list[tuple[float, list[float]]] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(1.0):
            try:
                self.samples.append((time.monotonic(),
                                     [rss_mib(p) for p in worker_pids(self.server)]))
            except OSError:
                continue

    def now(self) -> str:
        current = self.samples[-1][1] if self.samples else []
        return ", ".join(f"{value:.0f}" for value in current) + " MiB"

    def peak(self) -> float:
        return max((max(values) for _, values in self.samples if values), default=0.0)


# --- the cohort -----------------------------------------------------------------------------

@dataclass
class Issuer:
    slug: str
    headers: dict[str, str]
    achievements: list[str]
    sample: list[str] = field(default_factory=list)
    seen: int = 0

    def keep(self, ids: list[str], rng: random.Random) -> None:
        """Reservoir sampling: a uniform sample of every id issued so far."""
        for credential_id in ids:
            self.seen += 1
            if len(self.sample) < SAMPLE:
                self.sample.append(credential_id)
            else:
                slot = rng.randrange(self.seen)
                if slot < SAMPLE:
                    self.sample[slot] = credential_id


def learner(i: int) -> str:
    return f"learner{i // 5}@scale.example.org"


def record(issuer: Issuer, i: int, tag: str) -> dict[str, Any]:
    return {
        "achievementId": issuer.achievements[i % len(issuer.achievements)],
        "recipient": {"email": learner(i), "name": f"Learner {i // 5}"},
        "results": [{"resultDescription": "lo1", "value": str(40 + i % 61)},
                    {"resultDescription": "lo2", "achievedLevel": ("pass", "merit")[i % 2]}],
        "creditsEarned": 15,
        "assessmentRef": f"{tag}-{i}",
    }


@dataclass
class Progress:
    done: int = 0
    marks: list[tuple[float, int]] = field(default_factory=list)  # (time, credentials done)


async def issue(base: str, issuers: list[Issuer], first: int, last: int, size: int,
                in_flight: int, tag: str, progress: Progress, rng: random.Random) -> None:
    """Credentials ``first`` to ``last - 1`` in batches of ``size``, batch k to issuer
    k mod len(issuers), ``in_flight`` batches at once, each on a new connection."""
    limits = httpx.Limits(max_keepalive_connections=0)
    starts = iter(range(first, last, size))
    async with httpx.AsyncClient(base_url=base, timeout=900, limits=limits) as client:

        async def sender() -> None:
            for start in starts:
                issuer = issuers[(start // size) % len(issuers)]
                items = [record(issuer, i, tag) for i in range(start, min(start + size, last))]
                response = await client.post(f"/issuers/{issuer.slug}/credentials/batch",
                                             headers=issuer.headers, json={"items": items})
                response.raise_for_status()
                outcome = response.json()
                if outcome["issued"] != len(items):
                    raise SystemExit(f"a batch was not issued whole: {response.text[:500]}")
                issuer.keep([item["credentialId"] for item in outcome["items"]], rng)
                progress.done += len(items)
                progress.marks.append((time.perf_counter(), progress.done))

        await asyncio.gather(*(sender() for _ in range(in_flight)))


def rate_between(marks: list[tuple[float, int]], start: float, lo: int, hi: int) -> float:
    """Credentials per second between the moments ``lo`` and ``hi`` credentials were done
    (``start``: when counting began, i.e. 0 done)."""
    points = [(start, 0), *marks]

    def when(count: int) -> float:
        for (t0, c0), (t1, c1) in itertools.pairwise(points):
            if c1 >= count:
                return t0 + (t1 - t0) * (count - c0) / max(1, c1 - c0)
        return points[-1][0]

    return (hi - lo) / (when(hi) - when(lo))


# --- probes ---------------------------------------------------------------------------------

class Probe:
    """A sequential keep-alive HTTP/1.1 client: latency of one request at a time."""

    def __init__(self, base: str) -> None:
        url = urlsplit(base)
        self.connection = http.client.HTTPConnection(url.hostname, url.port, timeout=120)

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[float, int, bytes]:
        for attempt in (1, 2):
            begin = time.perf_counter()
            try:
                self.connection.request("GET", path, headers={"Accept": "application/json",
                                                              **(headers or {})})
                response = self.connection.getresponse()
                body = response.read()
            except (http.client.HTTPException, ConnectionError):
                # The server closes a keep-alive connection idle for 5 s: open another.
                self.connection.close()
                if attempt == 2:
                    raise
                continue
            return time.perf_counter() - begin, response.status, body
        raise AssertionError("unreachable")

    def timed(self, paths: list[tuple[str, dict[str, str]]]) -> list[float]:
        latencies = []
        for path, headers in paths:
            seconds, status, body = self.get(path, headers)
            if status != 200:
                raise SystemExit(f"GET {path}: {status} {body[:300]!r}")
            latencies.append(seconds)
        return latencies

    def close(self) -> None:
        self.connection.close()


def p50_p99(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p99 = ordered[max(0, math.ceil(len(ordered) * 0.99) - 1)]
    return f"p50 {statistics.median(ordered) * 1000:6.1f} ms, p99 {p99 * 1000:6.1f} ms"


def status_lists(url: str) -> list[str]:
    """Paths of every status list in the bench's database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(schema_url(url))
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT i.slug, s.id FROM status_lists s JOIN issuers i ON i.id = s.issuer_id "
            "ORDER BY s.created")).all()
    engine.dispose()
    return [f"/status/{slug}/{list_id}" for slug, list_id in rows]


def middle_cursor(probe: Probe, issuer: Issuer, credential_id: str) -> str:
    _, _, body = probe.get(f"/issuers/{issuer.slug}/credentials/{credential_id}",
                           issuer.headers)
    from datetime import datetime

    view = json.loads(body)
    return encode_cursor(datetime.fromisoformat(view["created"]), view["id"])


def probe_all(base: str, url: str, issuers: list[Issuer], done: int, batch: int,
              rng: random.Random, label: str) -> None:
    probe = Probe(base)
    try:
        issuer = issuers[0]
        ids = rng.sample(issuer.sample, min(PROBES, len(issuer.sample)))
        by_id = probe.timed([(f"/credentials/{i}", {}) for i in ids])
        # Learners who have credentials: i's learner is with the issuer of i's batch.
        picks = [rng.randrange(done) for _ in range(PROBES)]
        by_learner = probe.timed([
            (f"/issuers/{issuers[i // batch % len(issuers)].slug}/credentials?"
             f"{urlencode({'recipient': learner(i)})}", issuers[i // batch % len(issuers)].headers)
            for i in picks])
        achievement = issuer.achievements[0]
        first_page = probe.timed([
            (f"/issuers/{issuer.slug}/credentials?{urlencode({'achievement': achievement})}",
             issuer.headers)] * PROBES)
        cursors = [middle_cursor(probe, issuer, i) for i in ids[:20]]
        middle = probe.timed([
            (f"/issuers/{issuer.slug}/credentials?"
             f"{urlencode({'achievement': achievement, 'cursor': cursors[k % len(cursors)]})}",
             issuer.headers) for k in range(PROBES)])
        lists = status_lists(url)
        probe.timed([(path, {}) for path in lists])  # a list is signed at its first fetch
        served = probe.timed([(lists[k % len(lists)], {}) for k in range(PROBES)])
    finally:
        probe.close()
    print(f"{label}: fetch by id               {p50_p99(by_id)}")
    print(f"{label}: list by learner           {p50_p99(by_learner)}")
    print(f"{label}: list by achievement, 1st  {p50_p99(first_page)}")
    print(f"{label}: list by achievement, mid  {p50_p99(middle)} (cursor half-way)")
    print(f"{label}: status list ({len(lists)} lists)    {p50_p99(served)}")


# --- phases ---------------------------------------------------------------------------------

def batch_sizes(base: str, server: int, issuer: Issuer, rng: random.Random, per: int) -> None:
    """Worker CPU per credential at batch sizes 10, 100 and 1,000 (issue 14 item 5)."""
    figures = []
    for size in (10, 100, 1000):
        count = max(size, per // size * size)
        cpu = children_cpu(server)
        asyncio.run(issue(base, [issuer], 0, count, size, 2, f"size{size}", Progress(), rng))
        figures.append(f"{size}: {(children_cpu(server) - cpu) / count * 1000:.2f} ms")
    print("batch cost, worker CPU per credential by batch size: " + ", ".join(figures))


def revoke(base: str, server: int, issuer: Issuer, count: int, rng: random.Random) -> None:
    ids = rng.sample(issuer.sample, min(count, len(issuer.sample)))
    probe = Probe(base)
    lists = set()
    for credential_id in ids[:: max(1, len(ids) // 200)]:
        _, _, body = probe.get(f"/credentials/{credential_id}")
        url = (json.loads(body).get("credentialStatus") or {}).get("statusListCredential")
        if url:
            lists.add(urlsplit(url).path)
    cpu = children_cpu(server)
    begin = time.perf_counter()
    response = httpx.post(f"{base}/issuers/{issuer.slug}/credentials/status",
                          headers=issuer.headers, timeout=900,
                          json={"action": "revoke", "reason": "bench", "ids": ids})
    wall = time.perf_counter() - begin
    response.raise_for_status()
    changed = sum(item["outcome"] == "changed" for item in response.json()["items"])
    worker = children_cpu(server) - cpu
    resign = probe.timed([(path, {}) for path in sorted(lists)])
    probe.close()
    print(f"revoke {len(ids)} in one call: {wall:.2f} s wall, {worker:.2f} s worker CPU "
          f"({changed} changed); first fetch of each changed list (re-signed, "
          f"{len(resign)} lists): {p50_p99(resign)}")


def run(args: argparse.Namespace) -> None:
    rng = random.Random(14)
    before = fresh_schema(args.postgres)
    with tempfile.TemporaryDirectory() as workdir:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "VCISSUER_DATABASE_URL": schema_url(args.postgres),
               "VCISSUER_KEY_DIR": f"{workdir}/keys", "VCISSUER_PORT": str(port),
               "VCISSUER_BASE_URL": base, "VCISSUER_LOG_LEVEL": "warning"}
        admin = {"Authorization": f"Bearer {cli(env, 'clients', 'create', '--admin')['apiKey']}"}
        server = start_server(env, args.workers, base)
        sampler = RssSampler(server.pid)
        sampler.start()
        database_cpu = DatabaseCpu(args.postgres)
        try:
            issuers = []
            for n in range(args.issuers):
                slug = f"scale{n}"
                httpx.post(f"{base}/issuers", headers=admin,
                           json={"slug": slug, "name": f"Scale University {n}"}
                           ).raise_for_status()
                made = httpx.post(f"{base}/clients", headers=admin,
                                  json={"name": "LMS", "issuer": slug,
                                        "scopes": ["manage", "issue", "revoke"]})
                made.raise_for_status()
                headers = {"Authorization": f"Bearer {made.json()['apiKey']}"}
                achievements = []
                for k in range(args.achievements):
                    response = httpx.post(
                        f"{base}/issuers/{slug}/achievements", headers=headers,
                        json={**MICRO_CREDENTIAL, "name": f"Module {k}", "version": f"v{k}",
                              "suspendable": k % 2 == 1})
                    response.raise_for_status()
                    achievements.append(response.json()["id"])
                issuers.append(Issuer(slug, headers, achievements))
            warm = Issuer(issuers[0].slug, issuers[0].headers, issuers[0].achievements)
            asyncio.run(issue(base, [warm], 0, 400, 100, 2 * args.workers, "warm",
                              Progress(), rng))
            batch_sizes(base, server.pid, warm, rng, args.size_sample)

            in_flight = 2 * args.workers
            tenth = args.total // 10
            segments: list[tuple[float, float, float, str]] = []  # rate, worker, pg, RSS
            began = time.perf_counter()
            for k in range(10):
                first, last = k * tenth, (args.total if k == 9 else (k + 1) * tenth)
                progress = Progress()
                cpu, pg = children_cpu(server.pid), database_cpu()
                start = time.perf_counter()
                asyncio.run(issue(base, issuers, first, last, args.batch, in_flight, "c",
                                  progress, rng))
                count = last - first
                segments.append((rate_between(progress.marks, start, 0, count),
                                 (children_cpu(server.pid) - cpu) / count,
                                 (database_cpu() - pg) / count, sampler.now()))
                rate, worker, database, rss = segments[-1]
                print(f"credentials {first:,}-{last:,}: {rate:.0f}/s; CPU each: worker "
                      f"{worker * 1000:.2f} ms, PostgreSQL {database * 1000:.2f} ms; "
                      f"worker RSS {rss}", flush=True)
                if k == 0:
                    probe_all(base, args.postgres, issuers, last, args.batch, rng, "start")
            (first_rate, first_cpu, first_pg, _), (last_rate, last_cpu, last_pg, _) = \
                segments[0], segments[-1]
            change = (last_rate - first_rate) / first_rate * 100
            cpu_change = ((last_cpu + last_pg) - (first_cpu + first_pg)) / (first_cpu + first_pg)
            print(f"issue rate, last tenth against the first: {change:+.1f} % "
                  f"({'within' if abs(change) <= 15 else 'NOT within'} 15 %); CPU per "
                  f"credential (worker + PostgreSQL) {cpu_change * 100:+.1f} %; "
                  f"{args.total:,} in {time.perf_counter() - began:.0f} s with the probes")
            total, credentials, database, count = sizes(args.postgres)
            print(f"database: {count:,} credentials; {total / count:,.0f} bytes each "
                  f"(all tables and indexes; the credentials table alone "
                  f"{credentials / count:,.0f}); pg_database_size grew "
                  f"{(database - before) / count:,.0f} bytes per credential")
            probe_all(base, args.postgres, issuers, args.total, args.batch, rng, "end  ")
            print(f"worker RSS: peak {sampler.peak():.0f} MiB, now {sampler.now()}")
            revoke(base, server.pid, issuers[0], args.revoke, rng)
        finally:
            database_cpu.close()
            sampler.stopped.set()
            server.terminate()
            server.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true",
                        help="20,000 credentials in batches of 250, 2,000 revoked")
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--issuers", type=int, default=3)
    parser.add_argument("--achievements", type=int, default=2)
    parser.add_argument("--revoke", type=int, default=10_000)
    parser.add_argument("--size-sample", type=int, default=3000,
                        help="credentials issued at each batch size (10, 100, 1,000)")
    parser.add_argument("--postgres", default=os.environ.get("VCISSUER_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # figures as they come, also into a file
    if args.quick:
        args.total, args.revoke, args.size_sample, args.batch = 20_000, 2_000, 1000, 250
    if not args.postgres:
        raise SystemExit("give --postgres URL (or set VCISSUER_TEST_POSTGRES_URL)")
    if args.total < 10 * args.batch:
        raise SystemExit("--total must be at least ten batches")
    run(args)


if __name__ == "__main__":
    main()
