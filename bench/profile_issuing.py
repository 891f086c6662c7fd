"""CPU per issue through the real ASGI app, in this process: no HTTP server, no load generator.

Run: .venv/bin/python bench/profile_issuing.py [--singles 600] [--batch 500] [--credentials 2000]
         [--postgres URL] [--profile] [--quick]

Single issues and batches are sent one at a time straight to the app (its middleware, routes,
thread pool and database, SQLite by default), so the figure is the request path's own CPU,
without uvicorn and without other requests competing: the baseline that bench_issuing.py's
worker CPU under load adds to. ``--profile`` prints cProfile's top functions of the event
loop's thread (middleware, routing, validation) and, separately, of the issuing flow called
directly. Every credential is for its own learner, as in bench_issuing.py.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from bench_issuing import learner_record  # noqa: E402

from tests.api.conftest import MICRO_CREDENTIAL  # noqa: E402
from vcissuer.api.app import create_app  # noqa: E402
from vcissuer.api.asgi import services_from  # noqa: E402
from vcissuer.issuance import credentials  # noqa: E402
from vcissuer.issuance.access import ApiToken  # noqa: E402
from vcissuer.settings import Settings  # noqa: E402
from vcissuer.store import ApiClientRepository, IssuerRepository  # noqa: E402


async def call(app: Any, path: str, headers: dict[str, str], body: Any) -> tuple[int, bytes]:
    """One POST through the ASGI app: (status, body)."""
    raw = json.dumps(body).encode()
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "client": ("127.0.0.1", 50000),
             "server": ("127.0.0.1", 80),
             "headers": [*((k.lower().encode(), v.encode()) for k, v in headers.items()),
                         (b"content-type", b"application/json"),
                         (b"content-length", str(len(raw)).encode())]}
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": raw, "more_body": False}
        await asyncio.Event().wait()  # never disconnects
        return {}

    status, chunks = 0, []

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        else:
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


async def run(args: argparse.Namespace, database_url: str, workdir: str) -> None:
    settings = Settings(database_url=database_url, key_dir=Path(workdir) / "keys",
                        base_url="http://127.0.0.1:8000")
    services = services_from(settings)
    app = create_app(services, serving=True, threads=4)
    async with app.router.lifespan_context(app):
        with services.db.session_scope() as session:
            admin = ApiClientRepository(session).create(
                name="bench", issuer_id=None, scopes=["admin"]).token
        status, _ = await call(app, "/issuers", {"Authorization": f"Bearer {admin}"},
                               {"slug": "bench", "name": "Bench University"})
        assert status == 201
        with services.db.session_scope() as session:
            issuer = IssuerRepository(session).get_by_slug("bench")
            assert issuer is not None
            key = ApiClientRepository(session).create(
                name="lms", issuer_id=issuer.id, scopes=["manage", "issue"]).token
        headers = {"Authorization": f"Bearer {key}"}
        status, body = await call(app, "/issuers/bench/achievements", headers,
                                  MICRO_CREDENTIAL)
        assert status == 201
        achievement = json.loads(body)["id"]
        for i in range(50):  # warm up: contexts, shapes, keys, statements
            await call(app, "/issuers/bench/credentials", headers,
                       learner_record(achievement, "warm", i))
        profile = cProfile.Profile() if args.profile else None
        start = time.process_time()
        if profile:
            profile.enable()
        for i in range(args.singles):
            status, body = await call(app, "/issuers/bench/credentials", headers,
                                      learner_record(achievement, "single", i))
            assert status == 201, body
        if profile:
            profile.disable()
        single = (time.process_time() - start) / args.singles
        start, done = time.process_time(), 0
        while done < args.credentials:
            items = [learner_record(achievement, "batch", done + i) for i in range(args.batch)]
            status, body = await call(app, "/issuers/bench/credentials/batch", headers,
                                      {"items": items})
            assert status == 200 and json.loads(body)["issued"] == args.batch, body
            done += args.batch
        batch = (time.process_time() - start) / done
        print(f"in-process CPU: {single * 1000:.2f} ms per single issue, "
              f"{batch * 1000:.2f} ms per credential in batches of {args.batch}")
        if profile:
            print("--- the event loop's thread during single issues (the flow runs in the pool)")
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
            flow = cProfile.Profile()
            flow.enable()
            for i in range(min(args.singles, 300)):
                credentials.issue_one(services, "bench", learner_record(achievement, "flow", i),
                                      caller=ApiToken(key))
            flow.disable()
            print("--- the issuing flow called directly")
            pstats.Stats(flow).sort_stats("cumulative").print_stats(40)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--singles", type=int, default=600)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--credentials", type=int, default=2000)
    parser.add_argument("--postgres", default=None,
                        help="a PostgreSQL URL (its public schema is dropped first)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--quick", action="store_true", help="100 singles, one batch of 100")
    args = parser.parse_args()
    if args.quick:
        args.singles, args.batch, args.credentials = 100, 100, 100
    with tempfile.TemporaryDirectory() as workdir:
        url = f"sqlite:///{workdir}/bench.sqlite3"
        if args.postgres:
            from sqlalchemy import create_engine, text

            engine = create_engine(args.postgres.replace("postgresql://",
                                                         "postgresql+psycopg://"))
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            engine.dispose()
            url = args.postgres
        asyncio.run(run(args, url, workdir))


if __name__ == "__main__":
    main()
