"""Signing and verification throughput, eddsa-rdfc-2022, on one core: vcissuer vs stock pyld.

Run: .venv/bin/python bench/bench_signing.py [--seconds 1.0] [--repeats 5]

Credentials: tests/vectors/vcissuer/typical-microcredential.json (issuer Profile,
MicroCredential achievement with criteria and credits, a result, a DID recipient; 25 quads) and
realistic-microcredential.json (plus a hashed email IdentityObject and an FHEQ alignment;
36 quads). "Stock pyld" runs the same Data Integrity code with pyld's own
``jsonld.normalize`` (its module cache on, the same static loader) instead of vcissuer's
memoized canonicalizer. Medians of ``--repeats`` runs of ``--seconds`` CPU-seconds each.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from common import learners, rate  # noqa: E402

from vcissuer.dids import DidKeyResolver, did_key_from_public  # noqa: E402
from vcissuer.dids.cache import CachingResolver  # noqa: E402
from vcissuer.jsonld import Canonicalizer, PlainCanonicalizer, canonicalize  # noqa: E402
from vcissuer.keys import Ed25519KeyPair  # noqa: E402
from vcissuer.proofs import add_proof, verify_proofs  # noqa: E402

CREDENTIALS = {
    # The "realistic OB 3.0 credential": ~25 quads.
    "typical": ROOT / "tests/vectors/vcissuer/typical-microcredential.json",
    # The same plus a hashed email IdentityObject and a framework alignment: 36 quads.
    "full": ROOT / "tests/vectors/vcissuer/realistic-microcredential.json",
}
CREATED = datetime(2024, 6, 30, 9, 0, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    keys = Ed25519KeyPair.generate()
    did = did_key_from_public(keys.public_multibase)
    signer = keys.signer(f"{did}#{keys.public_multibase}")
    resolver = CachingResolver(DidKeyResolver())  # "cached keys"
    met = True
    print(f"one core; CPU-time medians of {args.repeats} x {args.seconds}s")
    for label, path in CREDENTIALS.items():
        credential = json.loads(path.read_text())
        document = {**credential, "issuer": {**credential["issuer"], "id": did}}
        met &= bench_one(label, document, signer, resolver, args)
    print(f"targets (typical credential): >= 1000 signs/s, >= 900 verifies/s per core, "
          f">= 4x stock pyld: {'MET' if met else 'NOT MET'}")


def bench_one(label, document, signer, resolver, args) -> bool:
    quads = canonicalize(document).count("\n")
    results = {}
    # Every credential signed or verified is a different learner's (credential id, subject,
    # result), so no whole document is ever remembered; verification also sees a different
    # signing time on each (a distinct `created` second), so no proof configuration is
    # remembered by exact content. What is reused is what a real issuer or verifier reuses:
    # the processed contexts, the expansion of the shared issuer Profile and Achievement, the
    # issuer key's proof-configuration shape, and the resolved key.
    count = int(args.seconds * args.repeats * 1500) + 2000
    documents = learners(document, count)
    signer_canon = Canonicalizer()
    signed_set = [add_proof(doc, signer=signer, canonicalizer=signer_canon,
                            created=CREATED + timedelta(seconds=i))
                  for i, doc in enumerate(documents)]
    gc.freeze()  # thousands of live credentials would otherwise slow every GC pass below
    for name, canon, verify_canon in (
        ("vcissuer", Canonicalizer(), Canonicalizer()),
        ("stock pyld", PlainCanonicalizer(), PlainCanonicalizer()),
    ):
        signed = add_proof(document, signer=signer, created=CREATED, canonicalizer=canon)
        assert verify_proofs(signed, resolver=resolver, canonicalizer=verify_canon).verified
        # Signing stamps `created` from the clock, as the service does.
        unsigned = itertools.cycle(documents)
        sign_rate = rate(lambda c=canon, it=unsigned: add_proof(
            next(it), signer=signer, canonicalizer=c), args.seconds, args.repeats)
        credentials = itertools.cycle(signed_set)
        verify_rate = rate(lambda c=verify_canon, it=credentials: verify_proofs(
            next(it), resolver=resolver, canonicalizer=c), args.seconds, args.repeats)
        results[name] = (sign_rate, verify_rate)

    print(f"\n{label} credential, {quads} quads")
    print(f"{'':12} {'signs/s':>10} {'verifies/s':>11}")
    for name, (sign_rate, verify_rate) in results.items():
        print(f"{name:12} {sign_rate:10.0f} {verify_rate:11.0f}")
    fast, stock = results["vcissuer"], results["stock pyld"]
    print(f"{'ratio':12} {fast[0] / stock[0]:9.1f}x {fast[1] / stock[1]:10.1f}x")
    if label != "typical":
        return True
    return (fast[0] >= 1000 and fast[1] >= 900
            and min(fast[0] / stock[0], fast[1] / stock[1]) >= 4)


if __name__ == "__main__":
    main()
