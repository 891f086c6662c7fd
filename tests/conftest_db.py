"""Database fixtures on real SQLite and PostgreSQL, for any test package that needs storage.

Import the fixtures into a package's conftest.py::

    from tests.conftest_db import db, db_url, postgres_template, sqlite_template  # noqa: F401

``db`` is parametrised: a fresh migrated SQLite file per test, and the PostgreSQL database at
``VCISSUER_TEST_POSTGRES_URL`` (migrated once per session, emptied before each test) when that
variable is set; without it the PostgreSQL cases are skipped. ``scripts/pg start`` sets it, and
``scripts/test`` always runs it. The PostgreSQL database is wiped: point it at a throwaway one.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from vcissuer.store import Database, upgrade
from vcissuer.store.records import Base

POSTGRES_URL_VARIABLE = "VCISSUER_TEST_POSTGRES_URL"


def postgres_url() -> str | None:
    """The throwaway PostgreSQL database for tests, if one was given."""
    return os.environ.get(POSTGRES_URL_VARIABLE) or None


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=pytest.mark.skipif(
            postgres_url() is None, reason=f"{POSTGRES_URL_VARIABLE} is not set"
        ),
    ),
]


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, migrated once and copied for each test (much faster)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    database = Database.from_url(sqlite_url(path))
    upgrade(database.engine)
    # Closing the last connection folds the WAL into the main file, so the file alone is whole.
    database.dispose()
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """The test PostgreSQL database, wiped and migrated once per session."""
    url = postgres_url()
    if url is None:
        pytest.skip(f"{POSTGRES_URL_VARIABLE} is not set")
    database = Database.from_url(url)
    with database.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade(database.engine)
    database.dispose()
    yield url


def empty_postgres(url: str) -> None:
    """Remove every row, keeping the migrated schema."""
    tables = ", ".join(table.name for table in reversed(Base.metadata.sorted_tables))
    database = Database.from_url(url)
    try:
        with database.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE TABLE {tables}"))
    finally:
        database.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty, migrated database of each backend."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "vcissuer.sqlite3"
        shutil.copyfile(template, path)
        return sqlite_url(path)
    url: str = request.getfixturevalue("postgres_template")
    empty_postgres(url)
    return url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """A :class:`Database` over an empty, migrated database of each backend."""
    database = Database.from_url(db_url)
    yield database
    database.dispose()
