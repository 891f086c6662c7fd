"""The bundled migrations build exactly the schema the records describe, on both databases."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url

from tests.conftest_db import postgres_url
from vcissuer.store import Database, make_engine, upgrade
from vcissuer.store.migrate import downgrade
from vcissuer.store.records import Base

TABLES = {table.name for table in Base.metadata.sorted_tables}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a database with no tables at all (on PostgreSQL: a fresh schema)."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
        yield engine
        engine.dispose()
        return
    url = postgres_url()
    if url is None:
        pytest.skip("VCISSUER_TEST_POSTGRES_URL is not set")
    schema = f"migration_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    engine = make_engine(scoped)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def schema_diff(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def test_upgrade_creates_the_schema_of_the_records(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    assert set(inspect(empty_engine).get_table_names()) >= TABLES
    assert schema_diff(empty_engine) == []


def test_upgrade_twice_is_a_no_op(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    upgrade(empty_engine)
    assert schema_diff(empty_engine) == []


def test_downgrade_to_base_removes_everything_and_upgrade_restores_it(
    empty_engine: Engine,
) -> None:
    upgrade(empty_engine)
    downgrade(empty_engine, revision="base")
    assert not TABLES & set(inspect(empty_engine).get_table_names())
    upgrade(empty_engine)
    assert schema_diff(empty_engine) == []


def test_workers_starting_together_migrate_once(empty_engine: Engine) -> None:
    url = empty_engine.url.render_as_string(hide_password=False)
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def start_worker() -> None:
        try:
            barrier.wait()
            upgrade(url)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=start_worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert schema_diff(empty_engine) == []


def test_upgrade_accepts_a_url_and_creates_the_sqlite_directory(tmp_path: Path) -> None:
    path = tmp_path / "var" / "nested" / "db.sqlite3"
    upgrade(f"sqlite:///{path}")
    database = Database.from_url(f"sqlite:///{path}")
    try:
        assert schema_diff(database.engine) == []
    finally:
        database.dispose()


def test_the_fixture_database_is_at_head(db: Database) -> None:
    assert schema_diff(db.engine) == []
    with db.engine.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    from alembic.script import ScriptDirectory

    from vcissuer.store.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert [row[0] for row in versions] == [head]
