"""Apply the bundled Alembic migrations from code: no alembic.ini at run time.

Safe to call from every worker at start-up: the upgrade runs in one transaction holding a lock
(an advisory lock on PostgreSQL, SQLite's write lock), so the first worker migrates and the
others then find the schema at head and do nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.engine import URL

from vcissuer.store.engine import make_engine

__all__ = ["MIGRATIONS_DIR", "alembic_config", "downgrade", "upgrade"]

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# An arbitrary constant naming our advisory lock ("vciss" in ASCII).
_ADVISORY_LOCK_KEY = 0x7663697373


def alembic_config(*, connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the bundled migrations (for code and for new revisions)."""
    config = Config()
    # ConfigParser interpolation would read a '%' in the path as a placeholder.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(target: Engine | URL | str, *, revision: str = "head") -> None:
    """Bring the database at ``target`` up to ``revision``."""
    _run(target, lambda config: command.upgrade(config, revision))


def downgrade(target: Engine | URL | str, *, revision: str) -> None:
    """Step the schema back to ``revision`` ("base" drops everything; for development only)."""
    _run(target, lambda config: command.downgrade(config, revision))


def _run(target: Engine | URL | str, step: Callable[[Config], object]) -> None:
    engine = target if isinstance(target, Engine) else make_engine(target)
    try:
        # engine.begin() opens BEGIN IMMEDIATE on SQLite; Alembic joins this transaction.
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(select(func.pg_advisory_xact_lock(_ADVISORY_LOCK_KEY)))
            step(alembic_config(connection=connection))
    finally:
        if engine is not target:
            engine.dispose()
