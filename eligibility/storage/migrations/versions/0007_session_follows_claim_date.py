"""Sessions remember whether they follow the claim's own date (`dated_by`) or a named version.

Sessions made before were pinned to one version: they keep false.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add `follows_claim_date`, false for every session there is."""
    op.add_column(
        "interview_sessions",
        sa.Column("follows_claim_date", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    """Drop `follows_claim_date`."""
    op.drop_column("interview_sessions", "follows_claim_date")
