"""Wallet delivery: credential offers (OpenID4VCI, VC-API exchanges) and c_nonce values.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

Types are spelled out here, not imported from the records, so this revision keeps meaning the
same schema when the records change.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(length=36)
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)
SECRET_DIGEST = sa.String(length=64)


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=16)


def upgrade() -> None:
    op.create_table(
        "credential_offers",
        sa.Column("id", ID, nullable=False),
        sa.Column("issuer_id", ID, nullable=False),
        sa.Column("kind", _enum("offer_kind", "assessment", "credential"), nullable=False),
        sa.Column("state", _enum("offer_state", "pending", "redeemed", "superseded"),
                  nullable=False),
        sa.Column("assessment", JSON_DOCUMENT, nullable=True),
        sa.Column("assessment_ref", sa.String(length=255), nullable=True),
        sa.Column("credential_id", ID, nullable=True),
        sa.Column("configuration_ids", JSON_DOCUMENT, nullable=False),
        sa.Column("ref_hash", SECRET_DIGEST, nullable=False),
        sa.Column("code_hash", SECRET_DIGEST, nullable=False),
        sa.Column("tx_code_hash", SECRET_DIGEST, nullable=True),
        sa.Column("tx_code_failures", sa.Integer(), nullable=False),
        sa.Column("code_used_at", TIMESTAMP, nullable=True),
        sa.Column("token_hash", SECRET_DIGEST, nullable=True),
        sa.Column("token_expires", TIMESTAMP, nullable=True),
        sa.Column("token_used_at", TIMESTAMP, nullable=True),
        sa.Column("challenge", sa.String(length=64), nullable=True),
        sa.Column("challenge_expires", TIMESTAMP, nullable=True),
        sa.Column("holder_did", sa.Text(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created", TIMESTAMP, nullable=False),
        sa.Column("expires", TIMESTAMP, nullable=False),
        sa.Column("redeemed_at", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(["credential_id"], ["credentials.id"],
                                name=op.f("fk_credential_offers_credential_id_credentials")),
        sa.ForeignKeyConstraint(["issuer_id"], ["issuers.id"],
                                name=op.f("fk_credential_offers_issuer_id_issuers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credential_offers")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_credential_offers_code_hash")),
        sa.UniqueConstraint("ref_hash", name=op.f("uq_credential_offers_ref_hash")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_credential_offers_token_hash")),
    )
    op.create_index(op.f("ix_credential_offers_issuer_id_assessment_ref"), "credential_offers",
                    ["issuer_id", "assessment_ref"])
    op.create_index(op.f("ix_credential_offers_issuer_id_created_id"), "credential_offers",
                    ["issuer_id", "created", "id"])

    op.create_table(
        "wallet_nonces",
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("created", TIMESTAMP, nullable=False),
        sa.Column("expires", TIMESTAMP, nullable=False),
        sa.Column("used_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("value", name=op.f("pk_wallet_nonces")),
    )
    op.create_index(op.f("ix_wallet_nonces_expires"), "wallet_nonces", ["expires"])


def downgrade() -> None:
    # Dropping a table drops its indexes.
    for table in ("wallet_nonces", "credential_offers"):
        op.drop_table(table)
