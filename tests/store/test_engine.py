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


def test_sqlite_writers_queue_on_one_lock_beside_the_database(tmp_path: Path) -> None:
    """Write sessions take a thread lock and an flock on ``<db>-writer.lock`` (so the next
    writer wakes when the last commits, instead of SQLite's polling busy handler); read
    sessions take neither; a thread may nest write sessions."""
    import threading

    path = tmp_path / "x.sqlite3"
    database = Database.from_url(f"sqlite:///{path}")
    try:
        with database.session_scope() as session:
            session.execute(text("CREATE TABLE t (n INTEGER)"))
        inside = threading.Event()
        release = threading.Event()
        order: list[str] = []

        def first() -> None:
            with database.session_scope() as session:
                session.execute(text("INSERT INTO t VALUES (1)"))
                inside.set()
                release.wait(5)
                order.append("first commits")

        def second() -> None:
            inside.wait(5)
            with database.session_scope() as session:
                order.append("second starts")
                session.execute(text("INSERT INTO t VALUES (2)"))

        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        inside.wait(5)
        with database.session_scope(read_only=True) as session:  # readers do not queue
            assert session.execute(text("SELECT count(*) FROM t")).scalar() == 0
        release.set()
        for thread in threads:
            thread.join(10)
        assert order == ["first commits", "second starts"]
        assert (tmp_path / "x.sqlite3-writer.lock").exists()
        with database.session_scope() as outer:
            with database.session_scope() as inner:  # re-entrant: no self-deadlock
                inner.execute(text("INSERT INTO t VALUES (3)"))
            outer.execute(text("INSERT INTO t VALUES (4)"))
        with database.session_scope(read_only=True) as session:
            assert session.execute(text("SELECT count(*) FROM t")).scalar() == 4
    finally:
        database.dispose()


def test_the_writer_lock_excludes_other_processes(tmp_path: Path) -> None:
    import fcntl
    import os

    path = tmp_path / "x.sqlite3"
    database = Database.from_url(f"sqlite:///{path}")
    try:
        with database.session_scope() as session:
            session.execute(text("CREATE TABLE t (n INTEGER)"))
            # Another open file description: what another process holds.
            other = os.open(f"{path}-writer.lock", os.O_RDWR)
            try:
                with pytest.raises(BlockingIOError):
                    fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
            finally:
                os.close(other)
        other = os.open(f"{path}-writer.lock", os.O_RDWR)
        try:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again after commit
        finally:
            os.close(other)
    finally:
        database.dispose()
