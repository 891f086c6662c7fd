"""Engines and sessions for SQLite (the embedded default) and PostgreSQL (many workers).

Sync SQLAlchemy on purpose: the work around every query (JSON-LD canonicalization, signing) is
CPU-bound and synchronous, the API runs it in a threadpool anyway, and one sync code path keeps
SQLite and PostgreSQL behaving alike (no aiosqlite thread shim, no greenlet bridging).

SQLite: WAL (readers never block the writer), foreign keys on, a busy timeout, and write
transactions opened with ``BEGIN IMMEDIATE`` so two writers queue on the lock instead of one
failing with "database is locked" when it upgrades a read to a write.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

__all__ = ["Database", "make_engine", "normalise_url"]

SQLITE_BUSY_TIMEOUT_MS = 30_000
_READ_ONLY = "vcissuer_read_only"


def normalise_url(url: str | URL) -> URL:
    """``postgres://`` and ``postgresql://`` use psycopg 3; other URLs are returned as given."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str | URL, *, echo: bool = False) -> Engine:
    """An engine for ``url`` with the per-database settings above."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, echo=echo)
    if parsed.get_backend_name() == "postgresql":
        return create_engine(parsed, echo=echo, pool_pre_ping=True)
    raise ValueError(
        f"unsupported database {parsed.get_backend_name()!r}: use sqlite or postgresql"
    )


def _sqlite_engine(url: URL, *, echo: bool) -> Engine:
    in_memory = url.database in (None, "", ":memory:")
    if not in_memory:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = {
        # The pool hands a connection to one thread at a time, so sharing across threads is safe.
        "connect_args": {"check_same_thread": False},
    }
    if in_memory:
        options["poolclass"] = StaticPool  # one shared connection, or every thread sees its own DB
    engine = create_engine(url, echo=echo, **options)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN (pysqlite's own handling breaks SAVEPOINT).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            if not in_memory:
                cursor.execute("PRAGMA journal_mode = WAL")
                # With WAL this loses no committed data on an application crash; only an OS
                # crash may drop the last transactions. Much faster than FULL.
                cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        read_only = connection.get_execution_options().get(_READ_ONLY, False)
        connection.exec_driver_sql("BEGIN DEFERRED" if read_only else "BEGIN IMMEDIATE")

    return engine


class Database:
    """An engine and its sessions; one per process, shared by all threads."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # expire_on_commit=False: records stay readable after the scope commits, so the shell can
        # render what it stored without another round trip.
        self._sessions = sessionmaker(bind=engine, expire_on_commit=False)
        read_only_engine = engine.execution_options(**{_READ_ONLY: True})
        if engine.dialect.name == "postgresql":
            read_only_engine = read_only_engine.execution_options(postgresql_readonly=True)
        self._read_only_sessions = sessionmaker(bind=read_only_engine, expire_on_commit=False)

    @classmethod
    def from_url(cls, url: str | URL, *, echo: bool = False) -> Database:
        return cls(make_engine(url, echo=echo))

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def session(self, *, read_only: bool = False) -> Session:
        """A new session; the caller commits and closes it (prefer :meth:`session_scope`)."""
        return self._read_only_sessions() if read_only else self._sessions()

    @contextmanager
    def session_scope(self, *, read_only: bool = False) -> Iterator[Session]:
        """One transaction: commit when the block ends, roll back if it raises.

        ``read_only`` sessions do not take SQLite's write lock (and are READ ONLY on PostgreSQL),
        so public reads never queue behind a batch being issued.
        """
        session = self.session(read_only=read_only)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        """Close pooled connections (at shutdown, or in a child process after fork)."""
        self.engine.dispose()
