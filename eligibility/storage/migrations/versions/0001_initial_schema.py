"""Initial schema: rule versions, the decision chain and its head, sessions, API keys, jobs.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64


def _time(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _text(name: str, length: int, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.String(length=length), nullable=nullable)


def _json(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.JSON(), nullable=False)


def upgrade() -> None:
    """Create every table and the chain head (sequence 0, the genesis hash)."""
    op.create_table(
        "rule_versions",
        _text("ruleset_id", 100),
        _text("version", 100),
        _text("status", 16),
        _json("content"),
        _text("content_hash", 64),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        _text("source", 500, nullable=True),
        _time("created_at"),
        _text("created_by", 200),
        _time("published_at", nullable=True),
        _text("published_by", 200, nullable=True),
        _time("retired_at", nullable=True),
        _text("retired_by", 200, nullable=True),
        sa.PrimaryKeyConstraint("ruleset_id", "version", name="pk_rule_versions"),
    )
    op.create_index("ix_rule_versions_content_hash", "rule_versions", ["content_hash"])

    op.create_table(
        "decisions",
        sa.Column("sequence", sa.BigInteger(), autoincrement=False, nullable=False),
        _text("id", 36),
        _text("ruleset_id", 100),
        _text("version", 100),
        _text("content_hash", 64),
        sa.Column("as_of", sa.Date(), nullable=False),
        _text("locale", 35),
        _json("answers"),
        _json("goals"),
        _json("reasons"),
        _json("trace"),
        _json("ignored_answers"),
        _text("client", 200),
        _text("idempotency_key", 200, nullable=True),
        _text("request_hash", 64),
        _time("recorded_at"),
        sa.Column("eligible", sa.Boolean(), nullable=True),
        _text("prev_hash", 64),
        _text("hash", 64),
        _json("field_digests"),
        sa.PrimaryKeyConstraint("sequence", name="pk_decisions"),
        sa.UniqueConstraint("id", name="uq_decisions_id"),
        sa.UniqueConstraint("hash", name="uq_decisions_hash"),
        sa.UniqueConstraint(
            "client", "idempotency_key", name="uq_decisions_client_idempotency_key"
        ),
    )
    op.create_index("ix_decisions_eligible", "decisions", ["eligible"])
    op.create_index("ix_decisions_recorded_at", "decisions", ["recorded_at"])
    op.create_index(
        "ix_decisions_ruleset_version", "decisions", ["ruleset_id", "version", "sequence"]
    )

    head = op.create_table(
        "chain_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        _text("hash", 64),
        sa.PrimaryKeyConstraint("id", name="pk_chain_head"),
    )
    op.bulk_insert(head, [{"id": 1, "sequence": 0, "hash": GENESIS}])

    op.create_table(
        "interview_sessions",
        _text("id", 36),
        _text("ruleset_id", 100),
        _text("version", 100),
        _text("content_hash", 64),
        sa.Column("as_of", sa.Date(), nullable=True),
        _text("locale", 35, nullable=True),
        _json("answers"),
        sa.Column("revision", sa.Integer(), nullable=False),
        _text("client", 200, nullable=True),
        _time("created_at"),
        _time("updated_at"),
        _text("decision_id", 36, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_interview_sessions"),
    )
    op.create_index("ix_interview_sessions_updated_at", "interview_sessions", ["updated_at"])

    op.create_table(
        "api_keys",
        _text("id", 36),
        _text("name", 200),
        _text("role", 20),
        _text("key_hash", 64),
        _text("prefix", 16),
        _time("created_at"),
        _time("revoked_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
    )

    op.create_table(
        "replay_jobs",
        _text("id", 36),
        _text("ruleset_id", 100),
        _json("filters"),
        _text("target_version", 100, nullable=True),
        sa.Column("target_as_of", sa.Date(), nullable=True),
        _text("status", 16),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("processed", sa.Integer(), nullable=False),
        _json("summary"),
        sa.Column("error", sa.Text(), nullable=True),
        _time("created_at"),
        _text("created_by", 200),
        _time("started_at", nullable=True),
        _time("finished_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_replay_jobs"),
    )


def downgrade() -> None:
    """Drop every table."""
    for table in (
        "replay_jobs",
        "api_keys",
        "interview_sessions",
        "chain_head",
        "decisions",
        "rule_versions",
    ):
        op.drop_table(table)
