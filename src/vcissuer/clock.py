"""Time as an injected dependency, so tests can fix it, and the XML Schema dateTimeStamp format."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

__all__ = ["Clock", "format_datetime", "parse_datetime", "system_clock"]

Clock = Callable[[], datetime]

# xsd:dateTimeStamp: a dateTime with a required timezone (VCDM 2.0 section 4.9).
_DATETIME_STAMP = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def system_clock() -> datetime:
    """Now, timezone-aware UTC."""
    return datetime.now(UTC)


def format_datetime(moment: datetime) -> str:
    """``2024-05-01T12:00:00Z``: UTC, whole seconds, as credentials conventionally carry it."""
    if moment.tzinfo is None:
        raise ValueError("datetime must be timezone-aware")
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_datetime(value: str) -> datetime:
    """Parse an xsd:dateTimeStamp; raise ValueError for anything else (no timezone, no time)."""
    if not isinstance(value, str) or not _DATETIME_STAMP.match(value):
        raise ValueError(
            f"{value!r} is not an XML Schema dateTimeStamp (e.g. 2024-01-01T00:00:00Z)"
        )
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
