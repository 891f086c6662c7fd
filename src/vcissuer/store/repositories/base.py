"""What every repository shares: a session, an injected clock, and the issuer row lock.

Hot-path statements (what every issue runs: the API key, the issuer with its active key, the
achievement, the repeat check, the insert) are built once at import with bind parameters.
Building a statement per call, and computing its cache key, cost about as much as running
it on SQLite.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vcissuer.clock import Clock, system_clock
from vcissuer.store.errors import DuplicateError, NotFoundError
from vcissuer.store.records import Base, IssuerRecord

__all__ = ["Repository", "lock_issuer"]


class Repository:
    """The queries of one aggregate over a session the caller owns (it commits, we never do)."""

    def __init__(self, session: Session, *, clock: Clock = system_clock) -> None:
        self.session = session
        self._clock = clock

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise ValueError("the clock must return timezone-aware datetimes")
        return now

    def _add_unique(self, record: Base, *, what: str) -> None:
        """Insert ``record``; DuplicateError (session still usable) if a unique value is taken."""
        try:
            with self.session.begin_nested():
                self.session.add(record)
        except IntegrityError as error:
            raise DuplicateError(f"{what} already exists") from error


def lock_issuer(session: Session, issuer_id: str) -> None:
    """Hold the issuer's row until the transaction ends: serializes key rotation and status
    list roll-over across workers (SQLite's write lock already serializes writers).

    FOR NO KEY UPDATE, not FOR UPDATE: inserts of rows that reference the issuer only take a
    KEY SHARE lock, and must not queue behind us.
    """
    locked = session.execute(
        select(IssuerRecord.id)
        .where(IssuerRecord.id == issuer_id)
        .with_for_update(key_share=True)
    ).scalar_one_or_none()
    if locked is None:
        raise NotFoundError(f"no issuer {issuer_id}")
