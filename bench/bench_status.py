"""Status lists: encode and sign a 131,072-entry list; revoke 10,000 credentials in one call.

Run: .venv/bin/python bench/bench_status.py [--revoke 10000] [--postgres URL]

1. Encode (GZIP + multibase) and sign (eddsa-rdfc-2022) a BitstringStatusListCredential over
   131,072 entries with 1 % of bits set: median of 50 runs (target < 20 ms).
2. One ``POST /issuers/{slug}/credentials/status`` revoking ``--revoke`` credentials through the
   real ASGI app (state, status bits and an audit row for each), then the next fetch of the
   re-signed status list (target < 5 s for the call). The credentials are set up directly in
   the store (with real status indices) so the benchmark does not spend minutes signing them.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402

from vcissuer.api.app import create_app  # noqa: E402
from vcissuer.dids import DidKeyResolver, did_key_from_public  # noqa: E402
from vcissuer.issuance.access import ADMIN, Caller  # noqa: E402
from vcissuer.issuance.context import Services  # noqa: E402
from vcissuer.issuance.issuers import create_issuer  # noqa: E402
from vcissuer.issuance.schemas import IssuerIn  # noqa: E402
from vcissuer.keys import Ed25519KeyPair  # noqa: E402
from vcissuer.proofs import add_proof, verify_proofs  # noqa: E402
from vcissuer.status.bitstring import Bitstring  # noqa: E402
from vcissuer.status.list_credential import create_status_list_credential  # noqa: E402
from vcissuer.store import (  # noqa: E402
    ApiClientRepository,
    CredentialFormat,
    CredentialRecord,
    CredentialRepository,
    IssuerRepository,
    StatusListRepository,
    StatusPurpose,
    new_id,
)


def encode_and_sign(runs: int = 50) -> float:
    keys = Ed25519KeyPair.generate()
    did = did_key_from_public(keys.public_multibase)
    signer = keys.signer(f"{did}#{keys.public_multibase}")
    bits = Bitstring()
    for index in random.Random(7).sample(range(bits.size), bits.size // 100):
        bits.set(index, True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        unsigned = create_status_list_credential("https://issuer.example/status/1",
                                                 issuer=did, bitstring=bits)
        signed = add_proof(unsigned, signer=signer)
        times.append(time.perf_counter() - start)
    assert verify_proofs(signed, resolver=DidKeyResolver()).verified
    return statistics.median(times) * 1000


def revoke_many(database_url: str, count: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as keys:
        services = Services.create(database_url=database_url, key_dir=Path(keys),
                                   passphrase=None, base_url="http://testserver")
        admin = Caller("bench", None, frozenset({ADMIN}))
        create_issuer(services, IssuerIn(slug="bench", name="Bench"), caller=admin)
        with services.db.session_scope() as session:
            issuer = IssuerRepository(session).get_by_slug("bench")
            slots = StatusListRepository(session).allocate(
                issuer_id=issuer.id, purpose=StatusPurpose.REVOCATION, count=count)
            records = [CredentialRecord(
                id=new_id(), issuer_id=issuer.id, assessment_ref=f"r{i}", signed="{}",
                format=CredentialFormat.LDP, status_list_id=slot.status_list_id,
                status_index=slot.status_index) for i, slot in enumerate(slots)]
            ids = [r.record.id for r in CredentialRepository(session).insert_or_get_many(
                records, issuer_id=issuer.id)]
            token = ApiClientRepository(session).create(
                name="bench", issuer_id=issuer.id, scopes=["revoke"]).token
        list_path = f"/status/bench/{slots[0].status_list_id}"
        with TestClient(create_app(services, max_body_bytes=16 * 1024 * 1024)) as client:
            client.get(list_path).raise_for_status()
            start = time.perf_counter()
            response = client.post("/issuers/bench/credentials/status",
                                   headers={"Authorization": f"Bearer {token}"},
                                   json={"action": "revoke", "reason": "bench", "ids": ids})
            call = time.perf_counter() - start
            response.raise_for_status()
            assert all(i["outcome"] == "changed" for i in response.json()["items"])
            start = time.perf_counter()
            listed = client.get(list_path).json()
            publish = time.perf_counter() - start
        bits = Bitstring.decode(listed["credentialSubject"]["encodedList"])
        assert all(bits.get(slot.status_index) for slot in slots)
        services.db.dispose()
        return call, publish


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--revoke", type=int, default=10_000)
    parser.add_argument("--postgres", default=os.environ.get("VCISSUER_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    print(f"encode + sign a 131,072-entry status list (1% set): {encode_and_sign():.1f} ms "
          "median (target < 20 ms)")
    targets = [("SQLite", None)]
    if args.postgres:
        targets.append(("PostgreSQL", args.postgres))
    for label, url in targets:
        with tempfile.TemporaryDirectory() as tmp:
            if url is None:
                url = f"sqlite:///{tmp}/bench.sqlite3"
            else:
                from sqlalchemy import create_engine, text

                engine = create_engine(url)
                with engine.begin() as connection:
                    connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
                engine.dispose()
            call, publish = revoke_many(url, args.revoke)
        print(f"{label}: revoke {args.revoke} credentials in one call: {call:.2f} s "
              f"(target < 5 s); next status list fetch (re-sign): {publish * 1000:.0f} ms")


if __name__ == "__main__":
    main()
