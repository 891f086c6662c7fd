"""Engines and sessions for SQLite (the embedded default) and PostgreSQL (many workers).

Sync SQLAlchemy on purpose: the work around every query (JSON-LD canonicalization, signing) is
CPU-bound and synchronous, the API runs it in a threadpool anyway, and one sync code path keeps
SQLite and PostgreSQL behaving alike (no aiosqlite thread shim, no greenlet bridging).

SQLite: WAL (readers never block the writer), foreign keys on, a busy timeout, and write
transactions opened with ``BEGIN IMMEDIATE`` so two writers queue on the lock instead of one
failing with "database is locked" when it upgrades a read to a write. Writers also queue on
:class:`WriterLock` first: SQLite's own busy handler polls, sleeping up to 100 ms between
tries, which under steady load turned a 1 ms insert into a tail of hundreds of milliseconds.
A thread lock and an ``flock`` beside the database file wake the next writer as soon as the
last one commits.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: threads of one process are still queued
    fcntl = None  # type: ignore[assignment]

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

__all__ = ["Database", "WriterLock", "make_engine", "normalise_url"]

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
        return create_engine(parsed, echo=echo, pool_pre_ping=True, pool_size=10,
                             max_overflow=10)
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
    if not in_memory:
        # Keep enough connections for every request thread: one opened past the pool size is
        # closed on return, and opening one runs the PRAGMAs below again.
        options.update(pool_size=16, max_overflow=16)
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


class WriterLock:
    """One SQLite writer at a time: across threads (a lock) and processes (``flock``).

    Re-entrant within a thread, as SQLite itself would let a thread's second write session
    proceed before its first has written anything.
    """

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None
        self._pid = 0

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._lock:
            self._depth += 1
            try:
                if self._depth == 1:
                    with self._file_lock():
                        yield
                else:
                    yield
            finally:
                self._depth -= 1

    @contextmanager
    def _file_lock(self) -> Iterator[None]:
        if self._path is None or fcntl is None:
            yield
            return
        if self._fd is None or self._pid != os.getpid():  # a forked child opens its own
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)


def _writer_lock(engine: Engine) -> WriterLock | None:
    if engine.dialect.name != "sqlite":
        return None  # PostgreSQL locks rows, not the database
    database = engine.url.database
    if database in (None, "", ":memory:"):
        return WriterLock(None)
    return WriterLock(Path(f"{database}-writer.lock"))


class Database:
    """An engine and its sessions; one per process, shared by all threads."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer = _writer_lock(engine)
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
        if read_only or self._writer is None:
            with self._transaction(read_only=read_only) as session:
                yield session
            return
        with self._writer.held(), self._transaction(read_only=False) as session:
            yield session

    @contextmanager
    def connection_scope(self) -> Iterator[Connection]:
        """One write transaction on a Core connection, without an ORM session (whose set-up,
        commit and close cost ~0.2 ms of CPU): for a hot path's plain inserts. Commit when the
        block ends, roll back if it raises; SQLite's writer lock as in :meth:`session_scope`."""
        if self._writer is None:
            with self.engine.begin() as connection:
                yield connection
            return
        with self._writer.held(), self.engine.begin() as connection:
            yield connection

    @contextmanager
    def _transaction(self, *, read_only: bool) -> Iterator[Session]:
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
