"""CLR 2.0 records: sign a ClrCredential embedding 20 credentials, and verify it with all 20.

Run: .venv/bin/python bench/bench_clr.py [--credentials 20] [--repeats 15] [--quick]

Each round builds a new record for another learner from 20 distinct signed micro-credentials
(tests/vectors/vcissuer/realistic-microcredential.json, another achievement each) of a did:key
issuer, so nothing is fetched. "sign" is add_proof with eddsa-rdfc-2022 (canonicalizing the
record, all 20 embedded credentials inside it); "verify" is the whole pipeline: the record's
structure (CLR 2.0 JSON Schema), proof, key and dates, then each embedded credential's. Medians
of CPU time (this process), "cold" with a new canonicalizer (no context processed yet), "warm"
with one that has signed a record before. "context processings" counts the contexts pyld really
processed: the issue asks that embedded credentials do not each cost their contexts again.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from vcissuer.credentials.clr import build_clr  # noqa: E402
from vcissuer.dids import DidKeyResolver, did_key_from_public  # noqa: E402
from vcissuer.jsonld import Canonicalizer, PlainCanonicalizer  # noqa: E402
from vcissuer.keys import Ed25519KeyPair  # noqa: E402
from vcissuer.proofs import add_proof  # noqa: E402
from vcissuer.verify import verify_credential  # noqa: E402

MICRO = ROOT / "tests/vectors/vcissuer/realistic-microcredential.json"
NOW = datetime(2025, 6, 1, tzinfo=UTC)


def _cpu_ms(run: Callable[[], Any]) -> tuple[float, Any]:
    start = time.process_time()
    value = run()
    return (time.process_time() - start) * 1000, value


def _records(count: int, rounds: int) -> tuple[list[dict[str, Any]], Any, str]:
    keys = Ed25519KeyPair.generate()
    did = did_key_from_public(keys.public_multibase)
    signer = keys.signer(f"{did}#{keys.public_multibase}")
    base = json.loads(MICRO.read_text())
    setup = Canonicalizer()
    records = []
    for number in range(rounds):
        learner = f"did:example:learner-{number}"
        credentials = []
        for n in range(count):
            document = copy.deepcopy(base)
            document.pop("proof", None)
            document["id"] = f"urn:uuid:00000000-0000-4000-8000-{number:06d}{n:06d}"
            document["issuer"]["id"] = did
            document["credentialSubject"]["id"] = learner
            document["credentialSubject"]["achievement"]["id"] = f"https://x.example/a/{n}"
            credentials.append(add_proof(document, signer=signer, created=NOW,
                                         canonicalizer=setup))
        records.append(build_clr(credential_id=f"urn:uuid:{number:08d}-0000-4000-8000-000000000000",
                                 issuer={"id": did, "type": ["Profile"], "name": "Bench U"},
                                 name="Record", valid_from=NOW, credentials=credentials,
                                 subject_id=learner))
    return records, signer, did


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--credentials", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="3 repeats, no stock pyld")
    args = parser.parse_args()
    repeats = 3 if args.quick else args.repeats
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    records, signer, _ = _records(args.credentials, repeats + 1)

    cold = Canonicalizer()
    cold_ms, _ = _cpu_ms(lambda: add_proof(records[0], signer=signer, canonicalizer=cold))
    cold_contexts = cold.context_processings
    one = Canonicalizer()
    add_proof(build_clr(credential_id="urn:uuid:1", issuer=records[0]["issuer"], name="R",
                        valid_from=NOW, subject_id="did:example:x",
                        credentials=records[0]["credentialSubject"]["verifiableCredential"][:1]),
              signer=signer, canonicalizer=one)

    warm = Canonicalizer()
    add_proof(records[0], signer=signer, canonicalizer=warm)
    before = warm.context_processings
    signs, signed = [], []
    for record in records[1:]:
        elapsed, value = _cpu_ms(lambda r=record: add_proof(r, signer=signer,
                                                           canonicalizer=warm))
        signs.append(elapsed)
        signed.append(value)
    warm_contexts = warm.context_processings - before

    resolver = DidKeyResolver()
    verifies = []
    for value in signed:
        elapsed, report = _cpu_ms(lambda v=value: verify_credential(
            v, resolver=resolver, canonicalizer=warm, clock=lambda: NOW))
        if not report.verified:
            raise SystemExit(f"the record did not verify: {report.to_json()['errors']}")
        verifies.append(elapsed)
    embedded = report.check("credentials")

    n = args.credentials
    print(f"CLR 2.0 record embedding {n} credentials; CPU ms, medians of {repeats}")
    print(f"  sign (cold canonicalizer)       {cold_ms:8.1f} ms")
    print(f"  sign (warm)                     {statistics.median(signs):8.1f} ms")
    print(f"  verify, record + all {n:<3}        {statistics.median(verifies):8.1f} ms"
          f"   ({embedded.detail})")
    print(f"  context processings: cold sign {cold_contexts} (a record of 1: "
          f"{one.context_processings}); later signs {warm_contexts} in {len(signs)} records")
    if not args.quick:
        plain = PlainCanonicalizer()
        plain_ms = [_cpu_ms(lambda r=r: add_proof(r, signer=signer, canonicalizer=plain))[0]
                    for r in records[1:4]]
        print(f"  sign with stock pyld            {statistics.median(plain_ms):8.1f} ms")


if __name__ == "__main__":
    main()
