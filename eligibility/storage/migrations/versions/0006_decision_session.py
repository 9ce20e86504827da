"""Decisions name the interview session they submitted; one session, one decision.

`session_id` is hashed with the content when set; records made before (and decisions
recorded directly) keep NULL and their hashes. A unique index (NULLs are distinct on
SQLite and PostgreSQL) refuses a second decision for a session.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the nullable `session_id` column and its unique index."""
    # A plain ADD COLUMN and CREATE INDEX: on SQLite a batch rebuild (what a unique
    # constraint would need) would drop the append-only triggers.
    op.add_column("decisions", sa.Column("session_id", sa.String(length=36), nullable=True))
    op.create_index("uq_decisions_session_id", "decisions", ["session_id"], unique=True)


def downgrade() -> None:
    """Drop the `session_id` column and its index."""
    op.drop_index("uq_decisions_session_id", table_name="decisions")
    op.drop_column("decisions", "session_id")  # SQLite 3.35+ drops it in place (triggers kept)
