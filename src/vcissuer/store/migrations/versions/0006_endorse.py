"""Endorsements: EndorsementCredentials issued here or imported, and what they endorse.

Revision ID: 0006_endorse
Revises: 0005_shadow
Create Date: 2026-12-03

Additive: one new table. Types are spelled out here, not imported from the records.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006_endorse"
down_revision: str | None = "0006_pathways"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(length=36)
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "endorsements",
        sa.Column("id", ID, nullable=False),
        sa.Column("source", sa.Enum("issued", "imported", name="endorsement_source",
                                    native_enum=False, create_constraint=True, length=16),
                  nullable=False),
        sa.Column("endorser_issuer_id", ID, nullable=True),
        sa.Column("credential_id", ID, nullable=True),
        sa.Column("subject_id", sa.String(length=1000), nullable=False),
        sa.Column("achievement_id", ID, nullable=True),
        sa.Column("subject_issuer_id", ID, nullable=True),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("endorser_id", sa.String(length=1000), nullable=False),
        sa.Column("endorser_name", sa.String(length=500), nullable=True),
        sa.Column("attached", sa.Boolean(), nullable=False),
        sa.Column("report", JSON_DOCUMENT, nullable=True),
        sa.Column("created", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(["achievement_id"], ["achievements.id"],
                                name=op.f("fk_endorsements_achievement_id_achievements")),
        sa.ForeignKeyConstraint(["credential_id"], ["credentials.id"],
                                name=op.f("fk_endorsements_credential_id_credentials")),
        sa.ForeignKeyConstraint(["endorser_issuer_id"], ["issuers.id"],
                                name=op.f("fk_endorsements_endorser_issuer_id_issuers")),
        sa.ForeignKeyConstraint(["subject_issuer_id"], ["issuers.id"],
                                name=op.f("fk_endorsements_subject_issuer_id_issuers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_endorsements")),
        sa.UniqueConstraint("credential_id", name=op.f("uq_endorsements_credential_id")),
    )
    op.create_index(op.f("ix_endorsements_achievement_id_attached"), "endorsements",
                    ["achievement_id", "attached"])
    op.create_index(op.f("ix_endorsements_subject_issuer_id_attached"), "endorsements",
                    ["subject_issuer_id", "attached"])
    op.create_index(op.f("ix_endorsements_endorser_issuer_id_created_id"), "endorsements",
                    ["endorser_issuer_id", "created", "id"])


def downgrade() -> None:
    op.drop_table("endorsements")
