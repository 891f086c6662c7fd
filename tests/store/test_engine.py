"""Engine set-up per database, URL handling and the session scope."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from vcissuer.store import Database, IssuerRecord, IssuerRepository, make_engine, normalise_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///./var/x.sqlite3", "sqlite:///./var/x.sqlite3"),
    ],
)
def test_urls_are_normalised_to_psycopg_3(given: str, expected: str) -> None:
    assert normalise_url(given).render_as_string(hide_password=False) == expected


def test_other_databases_are_refused() -> None:
    with pytest.raises(ValueError, match="unsupported database"):
        make_engine("mysql://u@h/db")


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    database = Database.from_url(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    try:
        with database.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    finally:
        database.dispose()


def test_in_memory_sqlite_is_one_database_for_every_thread() -> None:
    database = Database.from_url("sqlite://")
    try:
        with database.session_scope() as session:
            session.execute(text("CREATE TABLE t (x INTEGER)"))
        with database.session_scope(read_only=True) as session:
            assert session.execute(text("SELECT count(*) FROM t")).scalar() == 0
    finally:
        database.dispose()


def test_foreign_keys_are_enforced(db: Database) -> None:
    from vcissuer.store import AchievementRepository

    with pytest.raises(IntegrityError), db.session_scope() as session:
        AchievementRepository(session).create(issuer_id="no-such-issuer", document={})


def test_session_scope_commits(db: Database) -> None:
    with db.session_scope() as session:
        IssuerRepository(session).create(slug="a", did="did:web:a", profile={})
    with db.session_scope(read_only=True) as session:
        assert session.scalars(select(IssuerRecord.slug)).all() == ["a"]


def test_session_scope_rolls_back_when_the_block_raises(db: Database) -> None:
    with pytest.raises(RuntimeError), db.session_scope() as session:
        IssuerRepository(session).create(slug="a", did="did:web:a", profile={})
        raise RuntimeError("boom")
    with db.session_scope(read_only=True) as session:
        assert session.scalars(select(IssuerRecord)).all() == []


def test_records_stay_readable_after_the_scope(db: Database) -> None:
    with db.session_scope() as session:
        issuer = IssuerRepository(session).create(slug="a", did="did:web:a", profile={"n": 1})
    assert issuer.slug == "a"
    assert issuer.profile == {"n": 1}


def test_read_only_sessions_cannot_write_on_postgresql(db: Database) -> None:
    if db.dialect != "postgresql":
        pytest.skip("SQLite has no read-only transactions; read_only only avoids the write lock")
    with pytest.raises(DBAPIError, match="read-only"), db.session_scope(read_only=True) as s:
        IssuerRepository(s).create(slug="a", did="did:web:a", profile={})


def test_datetimes_come_back_aware_in_utc(db: Database) -> None:
    from datetime import UTC, datetime, timedelta, timezone

    from vcissuer.clock import Clock

    plus_two = timezone(timedelta(hours=2))
    moment = datetime(2025, 6, 1, 14, 30, 15, 123456, tzinfo=plus_two)
    fixed: Clock = lambda: moment  # noqa: E731
    with db.session_scope() as session:
        IssuerRepository(session, clock=fixed).create(slug="a", did="did:web:a", profile={})
    with db.session_scope(read_only=True) as session:
        stored = session.scalars(select(IssuerRecord.created)).one()
    assert stored == moment
    assert stored.tzinfo == UTC
    assert stored.hour == 12


def test_naive_datetimes_are_refused(db: Database) -> None:
    from datetime import datetime

    with pytest.raises(ValueError, match="timezone-aware"), db.session_scope() as session:
        IssuerRepository(session, clock=lambda: datetime(2025, 1, 1)).create(
            slug="a", did="did:web:a", profile={})
