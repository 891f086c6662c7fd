"""Deployment checks: what every node sharing the database must agree on, decided by the
first node to write it (INSERT ... ON CONFLICT DO NOTHING, then read what won)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from vcissuer.store.records import DeploymentCheckRecord
from vcissuer.store.repositories.base import Repository

__all__ = ["DeploymentCheckRepository"]

_DIALECTS = {"postgresql": postgresql, "sqlite": sqlite}


class DeploymentCheckRepository(Repository):
    """Named digests, written once."""

    def agree(self, name: str, digest: str) -> str:
        """Record ``digest`` under ``name`` unless one is recorded already; the recorded one
        (equal to ``digest`` unless another node got there first with another value)."""
        dialect = _DIALECTS[self.session.get_bind().dialect.name]
        self.session.execute(
            dialect.insert(DeploymentCheckRecord)
            .values(name=name, digest=digest, created=self._now())
            .on_conflict_do_nothing(index_elements=[DeploymentCheckRecord.name]))
        return self.session.scalars(
            select(DeploymentCheckRecord.digest).where(DeploymentCheckRecord.name == name)
        ).one()
