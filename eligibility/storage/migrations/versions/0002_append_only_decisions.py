"""Append-only decisions: triggers refuse UPDATE, DELETE and TRUNCATE; the head only moves on.

The application's role (DATABASE_APP_ROLE or `db upgrade --app-role`) gets SELECT and
INSERT on decisions and nothing more (PostgreSQL). A later migration that rebuilds
`decisions` or `chain_head` on SQLite (batch mode copies the table) must create the
triggers again.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import context, op

from eligibility.storage.sql.privileges import grant_statements

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The privileges as of this revision (later revisions grant on their own tables).
PRIVILEGES = {
    "rule_versions": ("SELECT", "INSERT", "UPDATE"),
    "decisions": ("SELECT", "INSERT"),
    "chain_head": ("SELECT", "UPDATE"),
    "interview_sessions": ("SELECT", "INSERT", "UPDATE", "DELETE"),
    "api_keys": ("SELECT", "INSERT", "UPDATE"),
    "replay_jobs": ("SELECT", "INSERT", "UPDATE"),
    "alembic_version": ("SELECT",),
}
REFUSED = "decisions are append-only"
BACKWARDS = "the chain head only moves forward"

POSTGRES = [
    f"""CREATE FUNCTION refuse_decision_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{REFUSED}: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$""",
    """CREATE TRIGGER decisions_append_only BEFORE UPDATE OR DELETE ON decisions
    FOR EACH ROW EXECUTE FUNCTION refuse_decision_change()""",
    """CREATE TRIGGER decisions_no_truncate BEFORE TRUNCATE ON decisions
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_decision_change()""",
    f"""CREATE FUNCTION refuse_head_backwards() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' OR NEW.sequence <= OLD.sequence THEN
            RAISE EXCEPTION '{BACKWARDS}: % refused', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER chain_head_forward_only BEFORE UPDATE OR DELETE ON chain_head
    FOR EACH ROW EXECUTE FUNCTION refuse_head_backwards()""",
]
SQLITE = [
    f"""CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
    BEGIN SELECT RAISE(ABORT, '{REFUSED}: UPDATE refused'); END""",
    f"""CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
    BEGIN SELECT RAISE(ABORT, '{REFUSED}: DELETE refused'); END""",
    f"""CREATE TRIGGER chain_head_forward_only BEFORE UPDATE ON chain_head
    WHEN NEW.sequence <= OLD.sequence
    BEGIN SELECT RAISE(ABORT, '{BACKWARDS}: UPDATE refused'); END""",
    f"""CREATE TRIGGER chain_head_no_delete BEFORE DELETE ON chain_head
    BEGIN SELECT RAISE(ABORT, '{BACKWARDS}: DELETE refused'); END""",
]


def upgrade() -> None:
    """Install the triggers; grant the application role its privileges (PostgreSQL)."""
    dialect = op.get_bind().dialect.name
    for statement in POSTGRES if dialect == "postgresql" else SQLITE:
        op.execute(statement)
    role = context.config.attributes.get("app_role")
    if dialect == "postgresql" and role:
        for statement in grant_statements(role, PRIVILEGES):
            op.execute(statement)


def downgrade() -> None:
    """Remove the triggers (grants stay: revoke them by hand if wanted)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER chain_head_forward_only ON chain_head")
        op.execute("DROP TRIGGER decisions_no_truncate ON decisions")
        op.execute("DROP TRIGGER decisions_append_only ON decisions")
        op.execute("DROP FUNCTION refuse_head_backwards()")
        op.execute("DROP FUNCTION refuse_decision_change()")
        return
    for name in (
        "chain_head_no_delete",
        "chain_head_forward_only",
        "decisions_no_delete",
        "decisions_no_update",
    ):
        op.execute(f"DROP TRIGGER {name}")
