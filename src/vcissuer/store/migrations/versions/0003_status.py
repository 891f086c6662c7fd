"""Multi-bit status lists (statusSize), message lists, and the VC-API credential id.

Revision ID: 0003_status
Revises: 0002
Create Date: 2026-12-03

Additive: every existing list keeps ``status_size`` 1 and its bits, every existing credential
keeps its one entry. ``status_purpose`` gains ``message`` (its CHECK constraint is replaced;
SQLite rebuilds the table in batch mode).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_status"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PURPOSES_BEFORE = ("revocation", "suspension")
_PURPOSES_AFTER = ("revocation", "suspension", "message")


def _purpose_check(values: Sequence[str]) -> str:
    return "purpose IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade() -> None:
    with op.batch_alter_table("status_lists") as batch:
        batch.add_column(sa.Column("status_size", sa.Integer(), nullable=False,
                                   server_default="1"))
        batch.drop_constraint(op.f("ck_status_lists_status_purpose"), type_="check")
        batch.create_check_constraint(op.f("ck_status_lists_status_purpose"),
                                      _purpose_check(_PURPOSES_AFTER))
    with op.batch_alter_table("credentials") as batch:
        batch.add_column(sa.Column("vc_id", sa.String(length=1000), nullable=True))
        batch.create_index(op.f("ix_credentials_issuer_id_vc_id"), ["issuer_id", "vc_id"])


def downgrade() -> None:
    with op.batch_alter_table("credentials") as batch:
        batch.drop_index(op.f("ix_credentials_issuer_id_vc_id"))
        batch.drop_column("vc_id")
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT COUNT(*) FROM status_lists WHERE purpose = 'message' "
                            "OR status_size <> 1")).scalar():
        # Nothing is deleted: credentials point at these lists.
        raise RuntimeError("cannot downgrade below 0003_status: multi-bit or message status "
                           "lists exist")
    with op.batch_alter_table("status_lists") as batch:
        batch.drop_constraint(op.f("ck_status_lists_status_purpose"), type_="check")
        batch.create_check_constraint(op.f("ck_status_lists_status_purpose"),
                                      _purpose_check(_PURPOSES_BEFORE))
        batch.drop_column("status_size")
