"""Shadow-bit layout of multi-bit status lists.

Revision ID: 0005_shadow
Revises: 0004_defs
Create Date: 2026-12-03

Additive: ``status_lists.shadow`` (default false), so every list made before keeps its
allocation (any index) and its bits as they are; only lists made from now on use the layout
(docs/DESIGN.md, status entries).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_shadow"
down_revision: str | None = "0004_defs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("status_lists") as batch:
        batch.add_column(sa.Column("shadow", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT COUNT(*) FROM status_lists WHERE shadow")).scalar():
        # Without the flag their credentials' shadow bits would be written as entries.
        raise RuntimeError("cannot downgrade below 0005_shadow: shadow-bit status lists exist")
    with op.batch_alter_table("status_lists") as batch:
        batch.drop_column("shadow")
