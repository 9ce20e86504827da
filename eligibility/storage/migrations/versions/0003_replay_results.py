"""Per-decision results of replay jobs (exported as CSV or JSON lines; no answers kept).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

from eligibility.storage.sql.privileges import grant_statements

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create `replay_results`; the application role may read and add rows."""
    op.create_table(
        "replay_results",
        sa.Column("job_id", sa.String(length=36), nullable=False),
        sa.Column("sequence", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("decision_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("job_id", "sequence", name="pk_replay_results"),
    )
    role = context.config.attributes.get("app_role")
    if op.get_bind().dialect.name == "postgresql" and role:
        for statement in grant_statements(role, {"replay_results": ("SELECT", "INSERT")})[2:]:
            op.execute(statement)


def downgrade() -> None:
    """Drop `replay_results`."""
    op.drop_table("replay_results")
