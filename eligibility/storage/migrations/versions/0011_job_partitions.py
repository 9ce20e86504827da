"""Replay jobs keep their partitions: the plan (`plan`) and each completed one's counts.

A job interrupted (its process stopped) or failed in some partitions is resumed: only
the partitions without counts in `replay_job_partitions` run again, and the counts kept
are merged with theirs (`eligibility.batch.replay`). Jobs made before have no plan: one
resumed starts again from its first decision.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

from eligibility.storage.sql.privileges import grant_statements

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add `replay_jobs.plan`; create `replay_job_partitions` (the application reads and adds)."""
    op.add_column("replay_jobs", sa.Column("plan", sa.JSON(), nullable=True))
    op.create_table(
        "replay_job_partitions",
        sa.Column("job_id", sa.String(length=36), nullable=False),
        sa.Column("part", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("tally", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("job_id", "part", name="pk_replay_job_partitions"),
    )
    role = context.config.attributes.get("app_role")
    if op.get_bind().dialect.name == "postgresql" and role:
        allowed = {"replay_job_partitions": ("SELECT", "INSERT")}
        for statement in grant_statements(role, allowed)[2:]:
            op.execute(statement)


def downgrade() -> None:
    """Drop `replay_job_partitions` and `replay_jobs.plan`."""
    op.drop_table("replay_job_partitions")
    op.drop_column("replay_jobs", "plan")
