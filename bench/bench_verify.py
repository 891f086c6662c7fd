"""Verification throughput: the whole pipeline on one core, and the HTTP endpoint on two.

Run: .venv/bin/python bench/bench_verify.py [--seconds 1.0] [--repeats 5] [--http-seconds 10]
     [--concurrency 16] [--skip-http]

1. One core (this process pinned to one CPU; CPU-time medians, like bench_signing.py): the
   full report for an eddsa-rdfc-2022 micro-credential (tests/vectors/vcissuer/
   typical-microcredential.json, issued by a did:web issuer, with a BitstringStatusListEntry):
   structure + OB JSON Schema, proof, issuer key, status, validity, endorsements. "Cached keys
   and status": the DID document and the signed status list are at hand (as the network layer
   caches them), the list's own proof was verified once (StatusListCache); the credential's
   canonicalization is not cached (the proof-configuration memo is off, as in the service).
2. HTTP: ``uvicorn --workers 2`` on 127.0.0.1 serving the real app (SQLite in a temp dir) with
   the rate limit lifted; a credential issued by that service is POSTed to /credentials/verify
   by a light keep-alive client (asyncio streams) with ``--concurrency`` connections. The
   service resolves its own did:web and status list over loopback (then caches them). The load
   generator shares the machine's cores with the two workers. Prints requests/s and latency
   percentiles.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import gc
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from common import children_cpu, free_port, learners, rate  # noqa: E402

from vcissuer.dids import (  # noqa: E402
    CompositeResolver,
    DidKeyResolver,
    StaticResolver,
)
from vcissuer.dids.cache import CachingResolver  # noqa: E402
from vcissuer.jsonld import Canonicalizer  # noqa: E402
from vcissuer.keys import Ed25519KeyPair  # noqa: E402
from vcissuer.proofs import add_proof, verify_proofs  # noqa: E402
from vcissuer.status import Bitstring, BitstringStatusListEntry  # noqa: E402
from vcissuer.verify import Retrieved, StatusListCache, verify_credential  # noqa: E402

CREDENTIAL = ROOT / "tests/vectors/vcissuer/typical-microcredential.json"
DID = "did:web:badges.example.ac.uk:issuers:example-university"
LIST_URL = "https://badges.example.ac.uk/status/example-university/list-1"
NOW = datetime(2025, 6, 1, tzinfo=UTC)
TARGET = 900
# What the service issues in the HTTP run: a micro-credential with two assessed outcomes
# (~87 quads, 3.5 times the typical credential above).
ACHIEVEMENT = {
    "name": "Data Analysis with Python", "achievementType": "MicroCredential",
    "description": "Cleans, analyses and visualises tabular data with Python.",
    "criteria": {"narrative": "Pass the assessed project against both learning outcomes."},
    "creditsAvailable": 15,
    "resultDescription": [
        {"key": "lo1", "name": "Clean and reshape tabular data", "resultType": "Percent",
         "requiredValue": "40", "valueMin": "0", "valueMax": "100"},
        {"key": "lo2", "name": "Communicate findings", "resultType": "RubricCriterionLevel",
         "rubricCriterionLevel": [{"key": "fail", "name": "Not yet"},
                                  {"key": "pass", "name": "Pass"}],
         "requiredLevel": "pass"}],
}
ASSESSMENT = {
    "recipient": {"email": "learner@example.org", "name": "Ada Learner"},
    "results": [{"resultDescription": "lo1", "value": "72"},
                {"resultDescription": "lo2", "achievedLevel": "pass"}],
    "creditsEarned": 15, "assessmentRef": "bench-1",
}


def _setup(count: int) -> tuple[Callable[[], Any], Callable[[], Any]]:
    keys = Ed25519KeyPair.generate()
    method = f"{DID}#{keys.public_multibase}"
    signer = keys.signer(method)
    document = {"@context": ["https://www.w3.org/ns/did/v1",
                             "https://w3id.org/security/multikey/v1"],
                "id": DID,
                "verificationMethod": [{"id": method, "type": "Multikey", "controller": DID,
                                        "publicKeyMultibase": keys.public_multibase}],
                "assertionMethod": [method]}
    bits = Bitstring()
    bits.set(4242, True)
    status_list = add_proof({
        "@context": ["https://www.w3.org/ns/credentials/v2"], "id": LIST_URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"], "issuer": DID,
        "validFrom": "2025-05-31T00:00:00Z", "validUntil": "2025-06-02T00:00:00Z",
        "credentialSubject": {"id": f"{LIST_URL}#list", "type": "BitstringStatusList",
                              "statusPurpose": "revocation", "encodedList": bits.encode()},
    }, signer=signer, created=NOW)
    template = copy.deepcopy(json.loads(CREDENTIAL.read_text()))
    template["issuer"]["id"] = DID
    # Every credential verified is a different learner's (credential id, subject DID, result,
    # status index, signing second), so no whole document or proof configuration is ever
    # remembered; what is reused is what a verifier reuses: contexts, the issuer Profile and
    # Achievement shared by a cohort, the issuer key's proof-configuration shape, the key and
    # the status list (verified once, then cached).
    credentials = []
    for i, credential in enumerate(learners(template, count)):
        credential["credentialStatus"] = BitstringStatusListEntry.create(
            LIST_URL, index=5000 + i).to_json()
        credentials.append(add_proof(credential, signer=signer,
                                     created=NOW - timedelta(seconds=i)))
    gc.freeze()  # thousands of live credentials would otherwise slow every GC pass
    resolver = CachingResolver(CompositeResolver([DidKeyResolver(),
                                                  StaticResolver({DID: document})]))
    retrieved = Retrieved(documents={LIST_URL: status_list}, digests={LIST_URL: "list-v1"})
    cache = StatusListCache()
    canonicalizer = Canonicalizer()
    to_verify, proofs_to_verify = itertools.cycle(credentials), itertools.cycle(credentials)

    def verify() -> Any:
        return verify_credential(next(to_verify), resolver=resolver, retrieved=retrieved,
                                 status_cache=cache, canonicalizer=canonicalizer,
                                 clock=lambda: NOW)

    def proof_only() -> Any:
        return verify_proofs(next(proofs_to_verify), resolver=resolver,
                             canonicalizer=canonicalizer, clock=lambda: NOW)

    report = verify()
    assert report.verified, report.to_json()
    return verify, proof_only


def bench_core(args: argparse.Namespace) -> bool:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    verify, proof_only = _setup(int(args.seconds * args.repeats * 2 * 1500) + 2000)
    # Interleaved, so both figures see the same machine.
    verifies, proofs = [], []
    for _ in range(args.repeats):
        verifies.append(rate(verify, args.seconds, 1))
        proofs.append(rate(proof_only, args.seconds, 1))
    full, bare = statistics.median(verifies), statistics.median(proofs)
    print(f"one core, CPU-time medians of {args.repeats} x {args.seconds}s")
    print(f"  full verification report (eddsa-rdfc-2022, did:web, status list): "
          f"{full:.0f} verifications/s per core (target >= {TARGET}: "
          f"{'MET' if full >= TARGET else 'NOT MET'})")
    print(f"  of which the Data Integrity proof alone (verify_proofs): {bare:.0f}/s; the other "
          f"checks cost {100 * (1 - full / bare):.0f} % on top")
    return full >= TARGET


# --- HTTP -------------------------------------------------------------------------------------


def bench_app() -> Any:
    """The service as `vcissuer serve` builds it, with the rate limit lifted for the bench."""
    from vcissuer.api.asgi import app_from_env
    from vcissuer.api.ratelimit import TokenBuckets

    app = app_from_env()
    app.state.rate_limit = TokenBuckets(rate=1e9, burst=1_000_000_000)
    return app


def _issue(base: str, env: dict[str, str], count: int) -> list[dict[str, Any]]:
    import httpx

    def key(*extra: str) -> str:
        out = subprocess.run([sys.executable, "-m", "vcissuer.cli", "clients", "create", *extra],
                             env=env, capture_output=True, text=True, check=True).stdout
        return json.loads(out[: out.rindex("}") + 1])["apiKey"]

    with httpx.Client(base_url=base, timeout=30) as http:
        admin = {"Authorization": f"Bearer {key('--admin')}"}
        http.post("/issuers", headers=admin, json={
            "slug": "uni", "name": "Bench University", "url": "https://uni.example.ac.uk",
        }).raise_for_status()
        headers = {"Authorization": f"Bearer {key('--issuer', 'uni')}"}
        achievement = http.post("/issuers/uni/achievements", headers=headers,
                                json=ACHIEVEMENT)
        achievement.raise_for_status()
        credentials = []
        for first in range(0, count, 1000):  # a cohort: one credential per learner
            items = [{**ASSESSMENT, "achievementId": achievement.json()["id"],
                      "assessmentRef": f"bench-{i}",
                      "recipient": {"email": f"learner{i}@example.org", "name": f"Learner {i}"},
                      "results": [{"resultDescription": "lo1", "value": str(40 + i % 60)},
                                  {"resultDescription": "lo2", "achievedLevel": "pass"}]}
                     for i in range(first, min(count, first + 1000))]
            batch = http.post("/issuers/uni/credentials/batch", headers=headers,
                              json={"items": items}, timeout=300)
            batch.raise_for_status()
            for item in batch.json()["items"]:
                response = http.get(f"/credentials/{item['credentialId']}")
                response.raise_for_status()
                credentials.append(response.json())
        return credentials


async def _load(port: int, requests: Iterator[bytes], *, seconds: float, concurrency: int
                ) -> tuple[float, list[float], dict[int, int]]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    deadline = time.monotonic() + seconds

    async def connection() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.monotonic() < deadline:
                request = next(requests, None)
                if request is None:  # out of distinct credentials: stop early
                    break
                started = time.perf_counter()
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head[9:12])
                length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length:"))
                await reader.readexactly(length)
                latencies.append(time.perf_counter() - started)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    started = time.monotonic()
    await asyncio.gather(*(connection() for _ in range(concurrency)))
    return time.monotonic() - started, latencies, statuses


def _request(port: int, credential: dict[str, Any]) -> bytes:
    body = json.dumps({"verifiableCredential": credential}).encode()
    return (f"POST /credentials/verify HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            ).encode() + body


def bench_http(args: argparse.Namespace) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "VCISSUER_BASE_URL": base,
               "VCISSUER_DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
               "VCISSUER_KEY_DIR": f"{tmp}/keys", "PYTHONPATH": str(ROOT / "src"),
               "VCISSUER_KEY_PASSPHRASE": ""}
        subprocess.run([sys.executable, "-c", "from vcissuer.api.asgi import app_from_env; "
                        "app_from_env()"], env=env, check=True)  # migrate once
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "bench_verify:bench_app",
             "--app-dir", str(ROOT / "bench"), "--host", "127.0.0.1", "--port", str(port),
             "--workers", "2", "--log-level", "warning", "--no-access-log"],
            env=env)
        try:
            _wait(base)
            # Distinct credentials, more than the run sends: nothing is verified twice.
            credentials = _issue(base, env, args.http_credentials)
            requests = iter([_request(port, c) for c in credentials])
            # Warm both workers (each fetches the DID document and status list once).
            asyncio.run(_load(port, requests, seconds=1.0, concurrency=args.concurrency))
            cpu_before = children_cpu(server.pid)
            elapsed, latencies, statuses = asyncio.run(
                _load(port, requests, seconds=args.http_seconds, concurrency=args.concurrency))
            worker_cpu = children_cpu(server.pid) - cpu_before
        finally:
            server.terminate()
            server.wait(10)
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    print(f"\nHTTP: POST /credentials/verify, uvicorn --workers 2 on 127.0.0.1, "
          f"{args.concurrency} keep-alive connections, {args.http_seconds:g}s "
          f"(load generator on the same cores)")
    throughput = len(latencies) / max(elapsed, 1e-9)
    print(f"  {throughput:.0f} requests/s; latency p50 {pct(0.50):.1f} ms, "
          f"p99 {pct(0.99):.1f} ms, max {latencies[-1] * 1000:.1f} ms; statuses {statuses}")
    if worker_cpu > 0:
        per_request = worker_cpu / len(latencies) * 1000
        print(f"  worker CPU {per_request:.2f} ms per request: two otherwise idle cores would "
              f"serve about {2000 / per_request:.0f} requests/s")


def _wait(base: str) -> None:
    import httpx

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the service did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--http-seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--http-credentials", type=int, default=10000,
                        help="distinct credentials issued for the HTTP run (it stops early if "
                             "they run out: none is verified twice)")
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args()
    if not args.skip_http:
        # Before pinning: the HTTP run gets both cores.
        bench_http(args)
    bench_core(args)


if __name__ == "__main__":
    main()
