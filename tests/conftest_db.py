"""Database fixtures on real SQLite and PostgreSQL, for any test package that needs storage.

Import the fixtures into a package's conftest.py::

    from tests.conftest_db import db, db_url, postgres_template, sqlite_template  # noqa: F401

``db`` is parametrised: a fresh migrated SQLite file per test, and the PostgreSQL database at
``VCISSUER_TEST_POSTGRES_URL`` (wiped and migrated once per session, emptied before each test,
one engine shared by the session) when that variable is set; without it the PostgreSQL cases are skipped. ``scripts/pg start`` sets it, and
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
def postgres_template() -> Iterator[Database]:
    """The test PostgreSQL database, wiped and migrated once per session; ``db`` empties it
    before each test and shares this one engine."""
    url = postgres_url()
    if url is None:
        pytest.skip(f"{POSTGRES_URL_VARIABLE} is not set")
    database = Database.from_url(url)
    with database.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade(database.engine)
    yield database
    database.dispose()


def empty_database(database: Database) -> None:
    """Remove every row, keeping the migrated schema (DELETE: far faster than TRUNCATE on
    tables this small)."""
    with database.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A :class:`Database` over an empty, migrated database of each backend."""
    if request.param == "postgresql":
        shared: Database = request.getfixturevalue("postgres_template")
        empty_database(shared)
        yield shared
        return
    template: Path = request.getfixturevalue("sqlite_template")
    path = tmp_path / "vcissuer.sqlite3"
    shutil.copyfile(template, path)
    database = Database.from_url(sqlite_url(path))
    yield database
    database.dispose()


@pytest.fixture
def db_url(db: Database) -> str:
    """The URL of ``db``, for code that builds its own engine (other processes)."""
    return db.engine.url.render_as_string(hide_password=False)
