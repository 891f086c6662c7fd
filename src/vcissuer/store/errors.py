"""Errors the repositories raise; the API maps each to one HTTP status.

Hierarchy::

    StoreError
    ├── NotFoundError          no such row for this issuer (404)
    ├── DuplicateError         a unique name already taken: issuer slug, key name (409)
    └── InvalidCursorError     a pagination cursor we did not make (400); also a ValueError
"""

from __future__ import annotations

__all__ = ["DuplicateError", "InvalidCursorError", "NotFoundError", "StoreError"]


class StoreError(Exception):
    """Base of the storage errors."""


class NotFoundError(StoreError):
    """The row does not exist, or belongs to another issuer (the two are not told apart)."""


class DuplicateError(StoreError):
    """A value that must be unique is already taken."""


class InvalidCursorError(StoreError, ValueError):
    """A pagination cursor that does not decode."""
