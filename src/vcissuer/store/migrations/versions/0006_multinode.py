"""Several nodes, one database: what every node must agree on.

Revision ID: 0006_multinode
Revises: 0005_shadow
Create Date: 2026-12-03

Additive: ``deployment_checks`` (name, digest, created), written once by the first node to
start; a node that disagrees (e.g. another recipient lookup key) refuses to start.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_multinode"
down_revision: str | None = "0007_qual"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deployment_checks",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=128), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_deployment_checks")),
    )


def downgrade() -> None:
    op.drop_table("deployment_checks")
