"""Wallet tests: the shared database fixtures (real SQLite and PostgreSQL)."""

from __future__ import annotations

from tests.conftest_db import db, db_url, postgres_template, sqlite_template  # noqa: F401
