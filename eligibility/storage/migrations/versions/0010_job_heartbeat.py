"""Replay jobs carry a heartbeat: `heartbeat_at` (NULL: none yet, as every job made before).

A job's process writes it every few seconds while the job is pending or running; a job
whose heartbeat stopped (its server was stopped or crashed) is then reported failed,
interrupted, instead of running for ever (`eligibility.batch.heartbeat`).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the nullable `heartbeat_at` column."""
    op.add_column(
        "replay_jobs", sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    """Drop the `heartbeat_at` column."""
    op.drop_column("replay_jobs", "heartbeat_at")
