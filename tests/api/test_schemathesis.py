"""Property-based API tests: schemathesis sends valid and invalid requests to every operation.

The real ASGI app on SQLite and on PostgreSQL, described by openapi.yaml (tests/api/test_openapi.py
keeps the file equal to what the app serves). Authenticated operations are called with an admin
key or with the issuer's own key; two cases in three address an issuer, achievement and
credential that exist. Checks: no 5xx, every status code returned is documented for the
operation, every documented response matches its schema, no authenticated operation works
without its key, and undocumented methods get 405 with an Allow naming the documented ones.

On SQLite, every phase: the schema's examples, coverage (boundary values and schema
violations: missing and wrong-typed fields, bad query values, unexpected methods, missing auth)
and fuzzing (valid and invalid bodies). On PostgreSQL, examples and fuzzing only: what the
databases disagree on is what they store (PostgreSQL's text refuses NUL), which the generated
bodies reach; the coverage phase tests the HTTP contract, the same on both. Bounded (10 fuzzed
cases per operation, plus the coverage cases) and derandomised (a fixed seed): the same run
every time for the same code, about 50 s of CPU for both. The verifier's web is faked: nothing
leaves the machine.
"""

from __future__ import annotations

import asyncio
import shutil
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    allow_header_conformance,
    ignored_auth,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)
from schemathesis.core import NotSet
from starlette.types import Receive, Scope, Send

from tests.api.conftest import BASE_URL, api_key, assessment, bearer, make_achievement, make_issuer
from tests.conftest_db import empty_database
from tests.net.fakeweb import FakeWeb
from vcissuer.api.app import create_app
from vcissuer.api.ratelimit import TokenBuckets
from vcissuer.issuance.context import Services
from vcissuer.issuance.keyring import Keyring
from vcissuer.issuance.recipients import LookupKey
from vcissuer.store import Database

OPENAPI_YAML = Path(__file__).resolve().parents[2] / "openapi.yaml"
SLUG = "uni"
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance,
          ignored_auth, unsupported_method, allow_header_conformance]
SETTINGS: dict[str, Any] = {
    "seed": 20250101,
    "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
    "generation": {
        "mode": "all",             # valid and invalid requests
        "max-examples": 10,        # per operation, in the fuzzing phase
        "deterministic": True,     # Hypothesis' derandomize
        "database": "none",        # no .hypothesis/ replays from earlier runs
    },
    # Inputs from the seed and the schema only, not from string constants in the app's modules.
    "analysis": {"constants": {"enabled": False}},
    "phases": {
        "examples": {"enabled": True},
        "coverage": {"enabled": True},
        "fuzzing": {"enabled": True},
        "stateful": {"enabled": False},
    },
}
CONFIG = schemathesis.Config.from_dict(SETTINGS)
CONFIG_POSTGRES = schemathesis.Config.from_dict({
    **SETTINGS, "phases": {**SETTINGS["phases"], "coverage": {"enabled": False}}})


class CurrentApp:
    """The app of the running test. The schema is loaded at import time and each test builds its
    own app (schemathesis' fixture-based loader, ``from_fixture``, fails on pytest 9)."""

    app: FastAPI | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.app is not None, "test_api runs only with the world fixture"
        await self.app(scope, receive, send)


CURRENT = CurrentApp()
schema = schemathesis.openapi.from_path(OPENAPI_YAML, config=CONFIG)
schema.app = CURRENT
schema_postgres = schemathesis.openapi.from_path(OPENAPI_YAML, config=CONFIG_POSTGRES)
schema_postgres.app = CURRENT


class World:
    """An issuer with an achievement and an issued credential, and the keys to call with."""

    def __init__(self, app: FastAPI, services: Services) -> None:
        self.app = app
        # Offline: the verifier's web knows no host (nothing leaves the machine); and no rate
        # limit, which would turn part of the run into 429s (and depend on timing).
        app.state.verifier = FakeWeb().verifier()
        app.state.rate_limit = TokenBuckets(rate=1e6, burst=10**9)
        with TestClient(app) as client:
            admin = bearer(api_key(services))
            make_issuer(client, admin, SLUG)
            issuer = bearer(api_key(services, issuer_slug=SLUG))
            achievement = make_achievement(client, issuer, SLUG)
            response = client.post(f"/issuers/{SLUG}/credentials", headers=issuer,
                                   json=assessment(achievement["id"]))
            assert response.status_code == 201, response.text
        issued = response.json()
        self.headers = {"admin": admin, "issuer": issuer}
        self.path_values = {
            "slug": SLUG,
            "achievement_id": achievement["id"].rsplit("/", 1)[-1],
            "credential_id": issued["id"],
        }
        # A status list the credential points to (/status/{slug}/{list_id}), if any.
        lists = {url.split("#")[0].rsplit("/", 1)[-1] for url in _strings(issued)
                 if url.startswith(f"{BASE_URL}/status/{SLUG}/")} - {"revocation-list"}
        if lists:
            self.path_values["list_id"] = min(lists)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [s for item in value for s in _strings(item)] if isinstance(value, list) else []


def _world(db: Database, tmp_path: Path) -> Iterator[World]:
    keys = tmp_path / "keys"
    services = Services(db=db, keyring=Keyring(keys, passphrase=None), lookup=LookupKey(keys),
                        base_url=BASE_URL)
    world = World(create_app(services, max_body_bytes=2 * 1024 * 1024), services)
    CURRENT.app = world.app
    yield world
    CURRENT.app = None
    asyncio.run(world.app.state.verifier.aclose())


@pytest.fixture
def world(sqlite_template: Path, tmp_path: Path) -> Iterator[World]:
    path = tmp_path / "vcissuer.sqlite3"
    shutil.copyfile(sqlite_template, path)
    db = Database.from_url(f"sqlite:///{path}")
    yield from _world(db, tmp_path)
    db.dispose()


@pytest.fixture
def postgres_world(postgres_template: Database, tmp_path: Path) -> Iterator[World]:
    empty_database(postgres_template)
    yield from _world(postgres_template, tmp_path)


def _pick(case: schemathesis.Case, salt: str, choices: int) -> int:
    """A deterministic choice per generated case (``hash()`` is salted per process)."""
    body = None if isinstance(case.body, NotSet) else case.body
    seed = repr((salt, case.path_parameters, case.query, case.headers, body))
    return zlib.crc32(seed.encode("utf-8", "surrogatepass")) % choices


@schema.parametrize()
# One app and database per operation, shared by its cases (each case is one request).
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api(case: schemathesis.Case, world: World) -> None:
    _call(case, world)


@schema_postgres.parametrize()
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api_postgresql(case: schemathesis.Case, postgres_world: World) -> None:
    _call(case, postgres_world)


def _call(case: schemathesis.Case, world: World) -> None:
    # Not @schema.given: custom strategies would switch the coverage phase off.
    if case.path_parameters and _pick(case, "ids", 3):
        for name in case.path_parameters:
            if name in world.path_values:
                case.path_parameters[name] = world.path_values[name]
    headers: dict[str, str] = {}
    if case.operation.definition.raw.get("security"):
        headers = world.headers["issuer" if _pick(case, "key", 2) else "admin"]
    case.call_and_validate(headers=headers, checks=CHECKS)
