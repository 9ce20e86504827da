"""Decisions record their status: complete (every goal decided) or incomplete (asked for).

Records made before keep NULL: their hash never covered a status, and the append-only
log is not rewritten. Indexed, for `?status=` filters.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the nullable, indexed `status` column."""
    # A plain ADD COLUMN: on SQLite a batch rebuild would drop the append-only triggers.
    op.add_column("decisions", sa.Column("status", sa.String(length=16), nullable=True))
    op.create_index("ix_decisions_status", "decisions", ["status"])


def downgrade() -> None:
    """Drop the `status` column."""
    op.drop_index("ix_decisions_status", table_name="decisions")
    op.drop_column("decisions", "status")  # SQLite 3.35+ drops it in place (triggers kept)
