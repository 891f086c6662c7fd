"""Pathway progress: a learner holding 50 credentials across 5 pathways.

Run: .venv/bin/python bench/bench_pathways.py [--quick] [--rounds 200]

1. The engine alone (vcissuer.pathways, in process): reading the 50 issued credentials
   (``held_from_credential``) and evaluating one pathway, and the evaluation alone.
2. The HTTP endpoint ``GET /issuers/{slug}/pathways/{id}/progress?learner=...`` through a real
   ``vcissuer serve`` (one worker, SQLite) on loopback, requests one after another.
3. The issue hook's cost: CPU per credential issued in process (``issue_one``) for an
   achievement no pathway counts (the hook is one attribute check) and for one a pathway
   counts (the learner's pathways are evaluated after the issue; not met, so no award).
Prints median and p99 (ms). Target: progress under 5 ms at the median. ``--quick`` runs fewer
rounds (for a smoke run).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from bench_issuing import cli, start_server
from common import children_cpu, free_port

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.api.conftest import MICRO_CREDENTIAL, assessment  # noqa: E402
from vcissuer.pathways import evaluate, held_from_credential, parse_rules  # noqa: E402

LEARNER = {"email": "bench.learner@example.org", "name": "Bench Learner"}
FHEQ7 = [{"targetName": "FHEQ level 7", "targetFramework": "FHEQ", "targetCode": "7",
          "targetUrl": "https://www.qaa.ac.uk/the-quality-code/qualifications-frameworks"}]


def server_cpu(pid: int) -> float:
    """CPU seconds of the server process and its workers (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") + children_cpu(pid)


def figures(label: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[max(0, int(len(ordered) * 0.99) - 1)] * 1000
    print(f"{label}: median {p50:.3f} ms, p99 {p99:.3f} ms ({len(ordered)} runs)")


def rules_for(modules: list[str]) -> dict:
    """A PgCert-like pathway over ten modules: two required, a group of four needing two,
    the rest counting to the total; 150 credits, 100 of them at FHEQ 7."""
    return {"creditScheme": "CATS", "totalCredits": 150,
            "levelCredits": [{"framework": "FHEQ", "level": 7, "credits": 100}],
            "required": [{"achievementId": m} for m in modules[:2]],
            "electives": [{"name": "methods", "members": [{"achievementId": m}
                                                          for m in modules[2:6]],
                           "minCount": 2}],
            "accept": [{"achievementId": m} for m in modules[6:]], "recencyYears": 5}


def setup(base: str, headers: dict) -> tuple[list[str], list[dict], list[list[str]]]:
    """Fifty modules, five pathways of ten, fifty credentials for one learner."""
    http = httpx.Client(base_url=base, headers=headers, timeout=60)
    modules = [http.post("/issuers/bench/achievements", json={
        **MICRO_CREDENTIAL, "name": f"Module {i}", "alignment": FHEQ7}).json()["id"]
        for i in range(50)]
    items = [assessment(m, f"held-{i}", recipient=LEARNER) for i, m in enumerate(modules)]
    batch = http.post("/issuers/bench/credentials/batch", json={"items": items}).json()
    assert batch["issued"] == 50, batch
    credentials = [http.get(f"/credentials/{item['credentialId']}").json()
                   for item in batch["items"]]
    urls = [f"{base}/achievements/{m}" for m in modules]
    groups = [urls[i * 10:(i + 1) * 10] for i in range(5)]
    pathway_ids = []
    for n, group in enumerate(groups):
        target = http.post("/issuers/bench/achievements", json={
            **MICRO_CREDENTIAL, "name": f"PgCert {n}", "achievementType": "Certificate",
            "creditsAvailable": 150, "resultDescription": None}).json()["id"]
        response = http.post("/issuers/bench/pathways",
                             json={"targetAchievementId": target, "rules": rules_for(group)})
        response.raise_for_status()
        pathway_ids.append(response.json()["id"])
    return pathway_ids, credentials, groups


def engine(credentials: list[dict], groups: list[list[str]], rounds: int) -> None:
    from datetime import UTC, datetime

    at = datetime.now(UTC)
    all_rules = [parse_rules(rules_for(group)) for group in groups]
    whole, alone = [], []
    for i in range(rounds):
        rules = all_rules[i % 5]
        start = time.perf_counter()
        held = [held_from_credential(c, credential_id=c["id"]) for c in credentials]
        middle = time.perf_counter()
        result = evaluate(rules, held, at=at)
        end = time.perf_counter()
        assert result.met, result.missing
        whole.append(end - start)
        alone.append(end - middle)
    figures("engine: read 50 credentials + evaluate one pathway", whole)
    figures("engine: evaluate one pathway (50 credentials held)", alone)


def endpoint(base: str, headers: dict, pathway_ids: list[str], rounds: int,
             server_pid: int) -> None:
    with httpx.Client(base_url=base, headers=headers, timeout=60) as http:
        for pathway in pathway_ids:  # warm up
            http.get(f"/issuers/bench/pathways/{pathway}/progress",
                     params={"learner": LEARNER["email"]}).raise_for_status()
        samples = []
        cpu = server_cpu(server_pid)
        for i in range(rounds):
            start = time.perf_counter()
            response = http.get(f"/issuers/bench/pathways/{pathway_ids[i % 5]}/progress",
                                params={"learner": LEARNER["email"]})
            samples.append(time.perf_counter() - start)
            assert response.status_code == 200 and response.json()["met"], response.text
        cpu = (server_cpu(server_pid) - cpu) / rounds
    figures("HTTP: GET .../progress (one worker, SQLite, loopback)", samples)
    if cpu > 0:
        print(f"HTTP: the server's CPU per progress request: {cpu * 1000:.2f} ms (the "
              "median above adds this process's client, on the same two cores)")


def hook(workdir: str, count: int) -> None:
    """CPU per issue_one, in this process, with and without a pathway counting the module."""
    from vcissuer.issuance import credentials, pathways
    from vcissuer.issuance.access import Caller
    from vcissuer.issuance.achievements import create_achievement
    from vcissuer.issuance.context import Services
    from vcissuer.issuance.issuers import create_issuer
    from vcissuer.issuance.schemas import AchievementIn, IssuerIn, PathwayIn

    services = Services.create(database_url=f"sqlite:///{workdir}/hook.sqlite3",
                               key_dir=Path(workdir) / "hookkeys", passphrase=None,
                               base_url="http://localhost:8000")
    admin = Caller(client_id="bench", issuer_id=None, scopes=frozenset({"admin"}))
    create_issuer(services, IssuerIn(slug="hook", name="Hook University"), caller=admin)
    plain = create_achievement(services, "hook", AchievementIn.model_validate(
        {**MICRO_CREDENTIAL, "alignment": FHEQ7}), caller=admin)["id"]
    counted = create_achievement(services, "hook", AchievementIn.model_validate(
        {**MICRO_CREDENTIAL, "name": "Counted", "alignment": FHEQ7}), caller=admin)["id"]
    target = create_achievement(services, "hook", AchievementIn.model_validate(
        {**MICRO_CREDENTIAL, "name": "Target", "achievementType": "Certificate",
         "resultDescription": None}), caller=admin)["id"]
    pathways.create_pathway(services, "hook", PathwayIn.model_validate({
        "targetAchievementId": target,
        "rules": {"totalCredits": 1000, "accept": [{"achievementId": counted}]}}), caller=admin)

    def cpu_per_issue(achievement: str, tag: str) -> float:
        for i in range(10):  # warm up
            credentials.issue_one(services, "hook", assessment(
                achievement, f"{tag}-warm-{i}", recipient={"email": f"w{i}@{tag}.example"}),
                caller=admin)
        start = time.process_time()
        for i in range(count):
            credentials.issue_one(services, "hook", assessment(
                achievement, f"{tag}-{i}", recipient={"email": f"l{i % 20}@{tag}.example"}),
                caller=admin)
        return (time.process_time() - start) / count

    off = cpu_per_issue(plain, "plain")
    on = cpu_per_issue(counted, "counted")
    print(f"issue hook: {off * 1000:.2f} ms CPU per credential when no pathway counts the "
          f"achievement (the hook is one attribute check); {on * 1000:.2f} ms when one does "
          f"(+{(on - off) * 1000:.2f} ms: the learner's pathway read and evaluated)")
    services.db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run)")
    parser.add_argument("--rounds", type=int, default=500)
    args = parser.parse_args()
    rounds = 50 if args.quick else args.rounds
    with tempfile.TemporaryDirectory() as workdir:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "VCISSUER_DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite3",
               "VCISSUER_KEY_DIR": f"{workdir}/keys", "VCISSUER_PORT": str(port),
               "VCISSUER_BASE_URL": base, "VCISSUER_LOG_LEVEL": "warning"}
        admin = cli(env, "clients", "create", "--admin")["apiKey"]
        server = start_server(env, 1, base)
        try:
            httpx.post(f"{base}/issuers", headers={"Authorization": f"Bearer {admin}"},
                       json={"slug": "bench", "name": "Bench University"}).raise_for_status()
            key = cli(env, "clients", "create", "--issuer", "bench")["apiKey"]
            headers = {"Authorization": f"Bearer {key}"}
            pathway_ids, credentials, groups = setup(base, headers)
            engine(credentials, groups, rounds)
            endpoint(base, headers, pathway_ids, rounds, server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
        hook(workdir, 20 if args.quick else 200)


if __name__ == "__main__":
    main()
