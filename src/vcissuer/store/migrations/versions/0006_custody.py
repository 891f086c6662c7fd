"""Wrapped private keys: the database key backend (VCISSUER_KEY_BACKEND=database).

Revision ID: 0006_custody
Revises: 0005_shadow
Create Date: 2026-12-03

Additive: a new table, empty until keys are generated in (or migrated to) the database backend.
Types are spelled out here, not imported from the records.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_custody"
down_revision: str | None = "0006_endorse"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "wrapped_keys",
        sa.Column("key_name", sa.String(length=64), nullable=False),
        sa.Column("algorithm", sa.String(length=32), nullable=False),
        sa.Column("public_multibase", sa.String(length=1024), nullable=False),
        sa.Column("kek_id", sa.String(length=32), nullable=False),
        sa.Column("nonce", sa.LargeBinary(), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("created", TIMESTAMP, nullable=False),
        sa.Column("rewrapped", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("key_name", name=op.f("pk_wrapped_keys")),
    )
    op.create_index(op.f("ix_wrapped_keys_kek_id"), "wrapped_keys", ["kek_id"])


def downgrade() -> None:
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT COUNT(*) FROM wrapped_keys")).scalar():
        # Dropping the table would destroy signing keys that exist nowhere else.
        raise RuntimeError("cannot downgrade below 0006_custody: wrapped keys exist")
    op.drop_index(op.f("ix_wrapped_keys_kek_id"), table_name="wrapped_keys")
    op.drop_table("wrapped_keys")
