"""Progress links: a learner's progress on a pathway behind an unguessable URL (only the
SHA-256 of the token is kept), revocable.

Revision ID: 0007_qual
Revises: 0006_pathways
Create Date: 2026-12-03

Additive only: one new table.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_qual"
down_revision: str | None = "0006_custody"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(length=36)
TIMESTAMP = sa.DateTime(timezone=True)


def _fk(column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=op.f(f"fk_pathway_progress_links_{column}_{target}"))


def upgrade() -> None:
    op.create_table(
        "pathway_progress_links",
        sa.Column("id", ID, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("pathway_id", ID, nullable=False),
        sa.Column("issuer_id", ID, nullable=False),
        sa.Column("learner_hash", sa.String(length=128), nullable=False),
        sa.Column("learner_hint", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created", TIMESTAMP, nullable=False),
        sa.Column("revoked_at", TIMESTAMP, nullable=True),
        _fk("pathway_id", "pathways"),
        _fk("issuer_id", "issuers"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathway_progress_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_pathway_progress_links_token_hash")),
    )


def downgrade() -> None:
    op.drop_table("pathway_progress_links")
