"""Signing CPU cost per credential of each key backend: file, database (AES-GCM-wrapped), and
PKCS#11 (C_Sign on SoftHSM2), plus the one-off cost of loading a key into a process.

Run: .venv/bin/python bench/bench_custody.py [--quick] [--seconds 1.0] [--repeats 3]

Needs SoftHSM2 for the pkcs11 row (scripts/hsm-deps); without it that row is skipped. Every
figure is CPU time of this process (SoftHSM2 runs inside it), pinned to one core. "sign" is the
Ed25519 signature alone (the 64 bytes eddsa-rdfc-2022 signs); "credential" is add_proof on the
typical OB 3.0 credential (canonicalization included: what one issued credential costs).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from common import learners, rate  # noqa: E402

from vcissuer.issuance.custody import CustodyConfig  # noqa: E402
from vcissuer.jsonld import Canonicalizer  # noqa: E402
from vcissuer.keys.wrap import parse_kek_ring  # noqa: E402
from vcissuer.proofs import add_proof  # noqa: E402
from vcissuer.store import Database, upgrade  # noqa: E402

CREDENTIAL = ROOT / "tests/vectors/vcissuer/typical-microcredential.json"
PIN = "bench-pin-1234"


def _softhsm(directory: Path) -> CustodyConfig | None:
    from tests.conftest_hsm import _module  # the same module lookup as the tests

    module = _module()
    if module is None or shutil.which("softhsm2-util") is None:
        return None
    (directory / "tokens").mkdir()
    config = directory / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {directory / 'tokens'}\n"
                      "objectstore.backend = file\nlog.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = str(config)
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "bench", "--pin", PIN,
                    "--so-pin", "so-" + PIN], check=True, capture_output=True)
    return CustodyConfig(backend="pkcs11", pkcs11_module=module, pkcs11_token_label="bench",
                         pkcs11_pin=PIN)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="0.3 s x 1 run per figure")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.repeats = 0.3, 1
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    work = Path(tempfile.mkdtemp(prefix="bench-custody-"))
    try:
        db = Database.from_url(f"sqlite:///{work / 'db.sqlite3'}")
        upgrade(db.engine)
        kek = parse_kek_ring("bench:" + "A" * 43)
        configs = {"file": CustodyConfig(), "database": CustodyConfig("database", kek_ring=kek)}
        hsm = _softhsm(work)
        if hsm is not None:
            configs["pkcs11"] = hsm
        document = json.loads(CREDENTIAL.read_text())
        documents = itertools.cycle(learners(document, 2000))
        canonicalizer = Canonicalizer()
        print(f"one core; CPU-time medians of {args.repeats} x {args.seconds}s")
        print(f"{'backend':10} {'load ms':>8} {'sign us':>8} {'credential us':>14} "
              f"{'credentials/s':>14}")
        for name, config in configs.items():
            backend = config.build(db=db, key_dir=work / "keys", passphrase=None)
            key_name = f"bench-{name}"
            key = backend.generate(key_name)
            start = time.process_time()
            loads = 20
            for _ in range(loads):
                key = backend.load(key_name)
            load_ms = (time.process_time() - start) / loads * 1000
            signer = key.signer(f"did:key:{key.public_multibase}#{key.public_multibase}")
            message = os.urandom(64)
            signs = rate(lambda s=signer, m=message: s.sign(m), args.seconds, args.repeats)
            per_credential = rate(lambda s=signer: add_proof(
                next(documents), signer=s, canonicalizer=canonicalizer), args.seconds,
                args.repeats)
            print(f"{name:10} {load_ms:8.2f} {1e6 / signs:8.1f} {1e6 / per_credential:14.1f} "
                  f"{per_credential:14.0f}")
        if hsm is None:
            print("pkcs11: skipped (SoftHSM2 is not installed; run scripts/hsm-deps)")
        db.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
