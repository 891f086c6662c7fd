"""Qualification pathways: pathways and their revisions, awards with constituents and events,
recognitions of prior learning; ``achievements.in_pathway``.

Revision ID: 0006_pathways
Revises: 0005_shadow
Create Date: 2026-12-03

Additive only: new tables, and a column whose default (false) leaves every achievement as it
was (no pathway counts it).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006_pathways"
down_revision: str | None = "0005_shadow"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(length=36)
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade() -> None:
    # Plain ADD COLUMN: a batch copy would drop the achievements table, which the foreign
    # keys of credentials and revisions forbid on SQLite.
    op.add_column("achievements", sa.Column("in_pathway", sa.Boolean(), nullable=False,
                                            server_default=sa.false()))
    op.create_table(
        "pathways",
        sa.Column("id", ID, nullable=False),
        sa.Column("issuer_id", ID, nullable=False),
        sa.Column("target_achievement_id", ID, nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("rules", JSON_DOCUMENT, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created", TIMESTAMP, nullable=False),
        sa.Column("updated", TIMESTAMP, nullable=False),
        _fk("pathways", "issuer_id", "issuers"),
        _fk("pathways", "target_achievement_id", "achievements"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathways")),
    )
    op.create_index(op.f("ix_pathways_issuer_id_created_id"), "pathways",
                    ["issuer_id", "created", "id"])
    op.create_table(
        "pathway_revisions",
        sa.Column("pathway_id", ID, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("rules", JSON_DOCUMENT, nullable=False),
        sa.Column("created", TIMESTAMP, nullable=False),
        _fk("pathway_revisions", "pathway_id", "pathways"),
        sa.PrimaryKeyConstraint("pathway_id", "revision", name=op.f("pk_pathway_revisions")),
    )
    op.create_table(
        "pathway_awards",
        sa.Column("id", ID, nullable=False),
        sa.Column("pathway_id", ID, nullable=False),
        sa.Column("issuer_id", ID, nullable=False),
        sa.Column("learner_hash", sa.String(length=128), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("credential_id", ID, nullable=False),
        sa.Column("clr_credential_id", ID, nullable=True),
        sa.Column("pathway_revision", sa.Integer(), nullable=False),
        sa.Column("constituents", JSON_DOCUMENT, nullable=False),
        sa.Column("evaluation", JSON_DOCUMENT, nullable=False),
        sa.Column("created", TIMESTAMP, nullable=False),
        sa.Column("updated", TIMESTAMP, nullable=False),
        _fk("pathway_awards", "pathway_id", "pathways"),
        _fk("pathway_awards", "issuer_id", "issuers"),
        _fk("pathway_awards", "credential_id", "credentials"),
        _fk("pathway_awards", "clr_credential_id", "credentials"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathway_awards")),
        sa.UniqueConstraint("pathway_id", "learner_hash",
                            name=op.f("uq_pathway_awards_pathway_id_learner_hash")),
    )
    op.create_table(
        "pathway_award_constituents",
        sa.Column("award_id", ID, nullable=False),
        sa.Column("credential_id", ID, nullable=False),
        _fk("pathway_award_constituents", "award_id", "pathway_awards"),
        _fk("pathway_award_constituents", "credential_id", "credentials"),
        sa.PrimaryKeyConstraint("award_id", "credential_id",
                                name=op.f("pk_pathway_award_constituents")),
    )
    op.create_index(op.f("ix_pathway_award_constituents_credential_id"),
                    "pathway_award_constituents", ["credential_id"])
    op.create_table(
        "pathway_award_events",
        sa.Column("id", ID, nullable=False),
        sa.Column("award_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("credential_id", sa.String(length=36), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("details", JSON_DOCUMENT, nullable=False),
        _fk("pathway_award_events", "award_id", "pathway_awards"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathway_award_events")),
    )
    op.create_index(op.f("ix_pathway_award_events_award_id_at_id"), "pathway_award_events",
                    ["award_id", "at", "id"])
    op.create_table(
        "pathway_recognitions",
        sa.Column("id", ID, nullable=False),
        sa.Column("pathway_id", ID, nullable=False),
        sa.Column("issuer_id", ID, nullable=False),
        sa.Column("learner_hash", sa.String(length=128), nullable=False),
        sa.Column("credential", sa.Text(), nullable=False),
        sa.Column("credential_issuer", sa.Text(), nullable=True),
        sa.Column("achievement_id", sa.Text(), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("report", JSON_DOCUMENT, nullable=False),
        sa.Column("created", TIMESTAMP, nullable=False),
        _fk("pathway_recognitions", "pathway_id", "pathways"),
        _fk("pathway_recognitions", "issuer_id", "issuers"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathway_recognitions")),
    )
    op.create_index(op.f("ix_pathway_recognitions_pathway_id_learner_hash"),
                    "pathway_recognitions", ["pathway_id", "learner_hash"])


def downgrade() -> None:
    op.drop_index(op.f("ix_pathway_recognitions_pathway_id_learner_hash"),
                  table_name="pathway_recognitions")
    op.drop_table("pathway_recognitions")
    op.drop_index(op.f("ix_pathway_award_events_award_id_at_id"),
                  table_name="pathway_award_events")
    op.drop_table("pathway_award_events")
    op.drop_index(op.f("ix_pathway_award_constituents_credential_id"),
                  table_name="pathway_award_constituents")
    op.drop_table("pathway_award_constituents")
    op.drop_table("pathway_awards")
    op.drop_table("pathway_revisions")
    op.drop_index(op.f("ix_pathways_issuer_id_created_id"), table_name="pathways")
    op.drop_table("pathways")
    op.drop_column("achievements", "in_pathway")  # plain DROP COLUMN (SQLite 3.35+)
