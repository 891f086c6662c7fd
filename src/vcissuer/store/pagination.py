"""Keyset pagination over ``(created, id)``: stable while rows are being added, and cheap at
any depth (an index seek, where OFFSET would scan every skipped row).

**Learned (bench/bench_scale.py):** the position is a row-value comparison, ``(created, id) >
(:created, :id)``, which PostgreSQL and SQLite use as a range bound on the ``(..., created,
id)`` indexes. Spelled ``created > :c OR (created = :c AND id > :i)`` it was only a filter:
PostgreSQL walked every row before the cursor, so a page deep into an achievement's 300,000
credentials cost as much as reading them all.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from vcissuer.store.errors import InvalidCursorError

__all__ = ["DEFAULT_PAGE_SIZE", "MAX_PAGE_SIZE", "Page", "decode_cursor", "encode_cursor",
           "fetch_page"]

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of rows and the opaque cursor of the next page (None on the last page)."""

    items: Sequence[T]
    next_cursor: str | None


def encode_cursor(created: datetime, row_id: str) -> str:
    """An opaque, URL-safe cursor naming the last row of a page."""
    raw = json.dumps([created.astimezone(UTC).isoformat(), row_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The ``(created, id)`` in ``cursor``; InvalidCursorError for anything we did not make."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created_text, row_id = json.loads(raw)
        created = datetime.fromisoformat(created_text)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError) as error:
        raise InvalidCursorError("invalid pagination cursor") from error
    if created.tzinfo is None or not isinstance(row_id, str):
        raise InvalidCursorError("invalid pagination cursor")
    return created, row_id


def fetch_page(
    session: Session,
    statement: Select[tuple[T]],
    *,
    created: InstrumentedAttribute[datetime],
    row_id: InstrumentedAttribute[str],
    limit: int,
    after: str | None,
) -> Page[T]:
    """The page of ``statement``'s rows after cursor ``after``, in ``(created, id)`` order."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValueError(f"limit must be between 1 and {MAX_PAGE_SIZE}")
    if after is not None:
        after_created, after_id = decode_cursor(after)
        statement = statement.where(
            tuple_(created, row_id) > tuple_(after_created, after_id))
    # One row more than asked tells whether there is a next page, without a COUNT.
    rows: list[Any] = list(
        session.scalars(statement.order_by(created, row_id).limit(limit + 1))
    )
    if len(rows) <= limit:
        return Page(items=rows, next_cursor=None)
    last = rows[limit - 1]
    return Page(
        items=rows[:limit],
        next_cursor=encode_cursor(getattr(last, created.key), getattr(last, row_id.key)),
    )
