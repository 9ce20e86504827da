"""Rule versions remember the version they extend (`extends`), as written in their document.

The stored content is self-contained (the extended version's entries are merged in), so
the link is kept beside it: the API shows it, and publishing checks the parent is published.
Versions stored before this keep NULL (their parent is not known).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the nullable `extends` column."""
    op.add_column("rule_versions", sa.Column("extends", sa.String(length=100), nullable=True))


def downgrade() -> None:
    """Drop the `extends` column."""
    op.drop_column("rule_versions", "extends")  # SQLite 3.35+ drops it in place (triggers kept)
