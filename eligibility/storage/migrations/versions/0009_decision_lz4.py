"""Decisions' large columns compressed with lz4 on PostgreSQL (new rows; SQLite unchanged).

A SNAP decision's row (~8.5 KB: answers, reasons and the trace as JSON) is compressed
when it is stored; PostgreSQL's default (pglz) cost its backend ~100 µs of an append's
~460 µs, lz4 a fraction of that for about the same size (measured in docs/performance.md).
Only how new values are stored changes: rows written before stay pglz and read as
before, and nothing a record's hash covers is touched. A server built without lz4 (or
older than PostgreSQL 14) keeps its default.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("answers", "goals", "reasons", "trace", "field_digests")


def _compress_with(method: str) -> None:
    """Set the columns' compression, or keep the server's default where it cannot."""
    if op.get_bind().dialect.name != "postgresql":
        return
    columns = ", ".join(f"ALTER COLUMN {name} SET COMPRESSION {method}" for name in COLUMNS)
    op.execute(
        f"""DO $$ BEGIN
            EXECUTE 'ALTER TABLE decisions {columns}';
        EXCEPTION WHEN feature_not_supported OR syntax_error OR invalid_parameter_value THEN
            RAISE NOTICE 'decisions keep the default compression: %', SQLERRM;
        END $$"""
    )


def upgrade() -> None:
    """Compress the decisions' JSON columns with lz4 where the server has it."""
    _compress_with("lz4")


def downgrade() -> None:
    """Back to the server's default compression (pglz unless configured otherwise)."""
    _compress_with("default")
