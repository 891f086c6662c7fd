"""What endorsements cost an issue: CPU time per credential, no endorsements vs two.

Run: .venv/bin/python bench/bench_endorsements.py [--count 300] [--quick]
     [--baseline --src OTHER/src]   (no endorsements only, on code without them)

Two achievements of one issuer with the same definition, over a throwaway SQLite database:
one has no endorsements, the other two attached (one issued here by an endorser tenant, one
imported from a did:key employer). Each credential goes through the issue flow
(``issuance.credentials.issue_one``: read, check, status, build, schema, sign, store) in this
thread, alternating between the two, and the thread's CPU time is taken around each call
(thread CPU, not wall time: the figure moves less when the machine is shared). Prints the
median and mean milliseconds per credential of each and the difference.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# --src: measure another tree's code (e.g. the commit before endorsements) with these tests.
_SRC = sys.argv[sys.argv.index("--src") + 1] if "--src" in sys.argv else str(ROOT / "src")
sys.path.insert(0, _SRC)
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402

from tests.api.conftest import (  # noqa: E402
    api_key,
    assessment,
    bearer,
    make_achievement,
    make_issuer,
)
from tests.api.test_endorsements import (  # noqa: E402
    achievement_url,
    did_key_endorsement,
    endorse,
)
from vcissuer.api.app import create_app  # noqa: E402
from vcissuer.issuance.access import ApiToken  # noqa: E402
from vcissuer.issuance.context import Services  # noqa: E402
from vcissuer.issuance.credentials import issue_one  # noqa: E402
from vcissuer.issuance.keyring import Keyring  # noqa: E402
from vcissuer.issuance.recipients import LookupKey  # noqa: E402
from vcissuer.store import Database, upgrade  # noqa: E402


def _setup(tmp: Path, *, baseline: bool) -> tuple[Services, str, dict[str, str]]:
    db = Database.from_url(f"sqlite:///{tmp / 'bench.sqlite3'}")
    upgrade(db.engine)
    keys = tmp / "keys"
    services = Services(db=db, keyring=Keyring(keys, passphrase=None), lookup=LookupKey(keys),
                        base_url="http://testserver")
    with TestClient(create_app(services)) as client:
        admin = bearer(api_key(services))
        make_issuer(client, admin, "uni")
        make_issuer(client, admin, "qaa", name="Quality Assurance Agency")
        uni_token = api_key(services, issuer_slug="uni")
        uni = bearer(uni_token)
        plain = make_achievement(client, uni, "uni", humanCode="PLAIN")
        if baseline:
            return services, uni_token, {"none": plain["id"]}
        endorsed = make_achievement(client, uni, "uni", humanCode="ENDORSED")
        endorse(client, bearer(api_key(services, issuer_slug="qaa")),
                achievement_url(endorsed)).raise_for_status()
        client.post("/issuers/uni/endorsements/import", headers=uni, json={
            "endorsement": did_key_endorsement(achievement_url(endorsed))}).raise_for_status()
    return services, uni_token, {"none": plain["id"], "two": endorsed["id"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300, help="credentials of each kind")
    parser.add_argument("--quick", action="store_true", help="40 of each (a smoke run)")
    parser.add_argument("--baseline", action="store_true",
                        help="no endorsements only (runs on code without endorsements)")
    parser.add_argument("--src", default=None, help="the vcissuer source tree to measure")
    args = parser.parse_args()
    count = 40 if args.quick else args.count
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    with tempfile.TemporaryDirectory() as tmp:
        services, token, achievements = _setup(Path(tmp), baseline=args.baseline)
        caller = ApiToken(token)
        times: dict[str, list[float]] = {kind: [] for kind in achievements}
        for n in range(-5, count):  # five warm-up rounds, not counted
            for kind, achievement_id in achievements.items():
                body = assessment(achievement_id, f"{kind}-{n}")
                start = time.thread_time()
                outcome = issue_one(services, "uni", body, caller=caller)
                spent = time.thread_time() - start
                assert outcome.created
                if n >= 0:
                    times[kind].append(spent * 1000)
        services.db.dispose()
    for kind, values in times.items():
        print(f"{kind:>5} endorsements: median {statistics.median(values):6.2f} ms, "
              f"mean {statistics.fmean(values):6.2f} ms CPU per credential (n={len(values)})")
    if args.baseline:
        return
    extra = statistics.median(times["two"]) - statistics.median(times["none"])
    print(f"two endorsements add {extra:+.2f} ms CPU per credential "
          f"({extra / statistics.median(times['none']):+.0%})")


if __name__ == "__main__":
    main()
