"""Definitions: uploaded images, achievement revisions and retirement, request fingerprints,
API key use and rotation times.

Revision ID: 0004_defs
Revises: 0003_status
Create Date: 2026-12-03

Additive only. Types are spelled out here, not imported from the records.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004_defs"
down_revision: str | None = "0003_status"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(length=36)
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "images",
        sa.Column("id", ID, nullable=False),
        sa.Column("issuer_id", ID, nullable=False),
        sa.Column("media_type", sa.String(length=32), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("created", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(["issuer_id"], ["issuers.id"],
                                name=op.f("fk_images_issuer_id_issuers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_images")),
    )
    op.create_index(op.f("ix_images_issuer_id"), "images", ["issuer_id"])

    op.create_table(
        "achievement_revisions",
        sa.Column("achievement_id", ID, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("document", JSON_DOCUMENT, nullable=False),
        sa.Column("created", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(["achievement_id"], ["achievements.id"],
                                name=op.f("fk_achievement_revisions_achievement_id_achievements")),
        sa.PrimaryKeyConstraint("achievement_id", "revision",
                                name=op.f("pk_achievement_revisions")),
    )
    op.add_column("achievements", sa.Column("revision", sa.Integer(), nullable=False,
                                            server_default=sa.text("1")))
    op.add_column("achievements", sa.Column(
        "status", sa.Enum("active", "retired", name="achievement_status", native_enum=False,
                          create_constraint=False, length=16),
        nullable=False, server_default=sa.text("'active'")))
    op.add_column("achievements", sa.Column("definition_key", sa.String(length=1100),
                                            nullable=True))
    op.add_column("achievements", sa.Column("retired_at", TIMESTAMP, nullable=True))
    op.create_index(op.f("ix_achievements_issuer_id_definition_key"), "achievements",
                    ["issuer_id", "definition_key"], unique=True)
    # Every existing achievement is its own revision 1.
    op.execute("INSERT INTO achievement_revisions (achievement_id, revision, document, created) "
               "SELECT id, 1, document, created FROM achievements")

    op.create_table(
        "credential_lookups",
        sa.Column("credential_id", ID, nullable=False),
        sa.Column("lookup_hash", sa.String(length=128), nullable=False),
        sa.Column("issuer_id", ID, nullable=False),
        sa.ForeignKeyConstraint(["credential_id"], ["credentials.id"],
                                name=op.f("fk_credential_lookups_credential_id_credentials")),
        sa.ForeignKeyConstraint(["issuer_id"], ["issuers.id"],
                                name=op.f("fk_credential_lookups_issuer_id_issuers")),
        sa.PrimaryKeyConstraint("credential_id", "lookup_hash",
                                name=op.f("pk_credential_lookups")),
    )
    op.create_index(op.f("ix_credential_lookups_issuer_id_lookup_hash"), "credential_lookups",
                    ["issuer_id", "lookup_hash"])
    op.add_column("credentials", sa.Column("achievement_revision", sa.Integer(), nullable=True))
    op.add_column("credentials", sa.Column("request_fingerprint", JSON_DOCUMENT, nullable=True))

    op.add_column("api_clients", sa.Column("last_used_at", TIMESTAMP, nullable=True))
    op.add_column("api_clients", sa.Column("rotated_at", TIMESTAMP, nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+): a batch copy would drop the achievements table, which
    # the foreign keys of credentials and revisions forbid.
    for table, column in (("api_clients", "rotated_at"), ("api_clients", "last_used_at"),
                          ("credentials", "request_fingerprint"),
                          ("credentials", "achievement_revision")):
        op.drop_column(table, column)
    op.drop_table("credential_lookups")
    op.drop_table("achievement_revisions")
    op.drop_index(op.f("ix_achievements_issuer_id_definition_key"), table_name="achievements")
    for column in ("retired_at", "definition_key", "status", "revision"):
        op.drop_column("achievements", column)
    op.drop_table("images")
