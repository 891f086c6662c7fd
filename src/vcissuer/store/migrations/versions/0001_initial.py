"""Initial schema: issuers, keys, achievements, status lists, credentials, API clients, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-24

Types are spelled out here, not imported from the records, so this revision keeps meaning the
same schema when the records change.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(length=36)
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)
ACTIVE_ONLY = sa.text("status = 'active'")


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=16)


def upgrade() -> None:
    op.create_table(
        "issuers",
        sa.Column("id", ID, nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("did", sa.String(length=512), nullable=False),
        sa.Column("profile", JSON_DOCUMENT, nullable=False),
        sa.Column("revocation_list_enabled", sa.Boolean(), nullable=False),
        sa.Column("created", TIMESTAMP, nullable=False),
        sa.Column("updated", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issuers")),
        sa.UniqueConstraint("did", name=op.f("uq_issuers_did")),
        sa.UniqueConstraint("slug", name=op.f("uq_issuers_slug")),
    )

    op.create_table(
        "issuer_keys",
        sa.Column("id", ID, nullable=False),
        sa.Column("issuer_id", ID, nullable=False),
        sa.Column("key_name", sa.String(length=64), nullable=False),
        sa.Column("algorithm", sa.String(length=32), nullable=False),
        sa.Column("public_multibase", sa.Text(), nullable=False),
        sa.Column("verification_method", sa.String(length=1024), nullable=False),
        sa.Column("status", _enum("key_status", "active", "retired", "compromised"),
                  nullable=False),
        sa.Column("created", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(["issuer_id"], ["issuers.id"],
                                name=op.f("fk_issuer_keys_issuer_id_issuers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issuer_keys")),
        sa.UniqueConstraint("key_name", name=op.f("uq_issuer_keys_key_name")),
    )
    op.create_index(op.f("ix_issuer_keys_issuer_id"), "issuer_keys", ["issuer_id"])
    op.create_index("uq_issuer_keys_one_active", "issuer_keys", ["issuer_id"], unique=True,
                    sqlite_where=ACTIVE_ONLY, postgresql_where=ACTIVE_ONLY)

    op.create_table(
        "achievements",
        sa.Column("id", ID, nullable=False),
        sa.Column("issuer_id", ID, nullable=False),
        sa.Column("document", JSON_DOCUMENT, nullable=False),
        sa.Column("revocable", sa.Boolean(), nullable=False),
        sa.Column("suspendable", sa.Boolean(), nullable=False),
        sa.Column("created", TIMESTAMP, nullable=False),
        sa.Column("updated", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(["issuer_id"], ["issuers.id"],
                                name=op.f("fk_achievements_issuer_id_issuers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_achievements")),
    )
    op.create_index(op.f("ix_achievements_issuer_id"), "achievements", ["issuer_id"])

    op.create_table(
        "status_lists",
        sa.Column("id", ID, nullable=False),
        sa.Column("issuer_id", ID, nullable=False),
        sa.Column("purpose", _enum("status_purpose", "revocation", "suspension"), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("allocated", sa.Integer(), nullable=False),
        sa.Column("bitstring", sa.LargeBinary(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("signed_credential", sa.Text(), nullable=True),
        sa.Column("signed_version", sa.Integer(), nullable=True),
        sa.Column("signed_valid_until", TIMESTAMP, nullable=True),
        sa.Column("etag", sa.String(length=128), nullable=True),
        sa.Column("created", TIMESTAMP, nullable=False),
        sa.Column("updated", TIMESTAMP, nullable=False),
        sa.CheckConstraint("allocated >= 0 AND allocated <= size",
                           name=op.f("ck_status_lists_allocated_in_range")),
        sa.CheckConstraint("size > 0 AND size % 8 = 0",
                           name=op.f("ck_status_lists_size_whole_bytes")),
        sa.ForeignKeyConstraint(["issuer_id"], ["issuers.id"],
                                name=op.f("fk_status_lists_issuer_id_issuers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_lists")),
    )
    op.create_index(op.f("ix_status_lists_issuer_id_purpose"), "status_lists",
                    ["issuer_id", "purpose"])

    op.create_table(
        "status_list_indices",
        sa.Column("status_list_id", ID, nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("allocated_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(["status_list_id"], ["status_lists.id"],
                                name=op.f("fk_status_list_indices_status_list_id_status_lists")),
        sa.PrimaryKeyConstraint("status_list_id", "status_index",
                                name=op.f("pk_status_list_indices")),
    )

    op.create_table(
        "credentials",
        sa.Column("id", ID, nullable=False),
        sa.Column("issuer_id", ID, nullable=False),
        sa.Column("achievement_id", ID, nullable=True),
        sa.Column("recipient_hash", sa.String(length=128), nullable=True),
        sa.Column("assessment_ref", sa.String(length=255), nullable=True),
        sa.Column("signed", sa.Text(), nullable=False),
        sa.Column("format", _enum("credential_format", "ldp", "jwt"), nullable=False),
        sa.Column("state", _enum("credential_state", "active", "suspended", "revoked"),
                  nullable=False),
        sa.Column("status_list_id", ID, nullable=True),
        sa.Column("status_index", sa.Integer(), nullable=True),
        sa.Column("valid_from", TIMESTAMP, nullable=True),
        sa.Column("valid_until", TIMESTAMP, nullable=True),
        sa.Column("created", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(["achievement_id"], ["achievements.id"],
                                name=op.f("fk_credentials_achievement_id_achievements")),
        sa.ForeignKeyConstraint(["issuer_id"], ["issuers.id"],
                                name=op.f("fk_credentials_issuer_id_issuers")),
        sa.ForeignKeyConstraint(
            ["status_list_id", "status_index"],
            ["status_list_indices.status_list_id", "status_list_indices.status_index"],
            name=op.f("fk_credentials_status_list_id_status_index_status_list_indices"),
        ),
        sa.ForeignKeyConstraint(["status_list_id"], ["status_lists.id"],
                                name=op.f("fk_credentials_status_list_id_status_lists")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credentials")),
        sa.UniqueConstraint("issuer_id", "assessment_ref",
                            name=op.f("uq_credentials_issuer_id_assessment_ref")),
        sa.UniqueConstraint("status_list_id", "status_index",
                            name=op.f("uq_credentials_status_list_id_status_index")),
    )
    op.create_index(op.f("ix_credentials_issuer_id_created_id"), "credentials",
                    ["issuer_id", "created", "id"])
    op.create_index(op.f("ix_credentials_issuer_id_achievement_id_created_id"), "credentials",
                    ["issuer_id", "achievement_id", "created", "id"])
    op.create_index(op.f("ix_credentials_issuer_id_recipient_hash_created_id"), "credentials",
                    ["issuer_id", "recipient_hash", "created", "id"])
    op.create_index(op.f("ix_credentials_issuer_id_state"), "credentials", ["issuer_id", "state"])

    op.create_table(
        "api_clients",
        sa.Column("id", ID, nullable=False),
        sa.Column("issuer_id", ID, nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("key_prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", JSON_DOCUMENT, nullable=False),
        sa.Column("created", TIMESTAMP, nullable=False),
        sa.Column("revoked_at", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(["issuer_id"], ["issuers.id"],
                                name=op.f("fk_api_clients_issuer_id_issuers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_clients")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_clients_key_hash")),
    )
    op.create_index(op.f("ix_api_clients_issuer_id"), "api_clients", ["issuer_id"])
    op.create_index(op.f("ix_api_clients_key_prefix"), "api_clients", ["key_prefix"])

    op.create_table(
        "audit_events",
        sa.Column("id", ID, nullable=False),
        sa.Column("issuer_id", ID, nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("details", JSON_DOCUMENT, nullable=False),
        sa.ForeignKeyConstraint(["issuer_id"], ["issuers.id"],
                                name=op.f("fk_audit_events_issuer_id_issuers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(op.f("ix_audit_events_issuer_id_at_id"), "audit_events",
                    ["issuer_id", "at", "id"])
    op.create_index(op.f("ix_audit_events_subject"), "audit_events", ["subject"])


def downgrade() -> None:
    # Dropping a table drops its indexes; children before parents.
    for table in ("audit_events", "api_clients", "credentials", "status_list_indices",
                  "status_lists", "achievements", "issuer_keys", "issuers"):
        op.drop_table(table)
