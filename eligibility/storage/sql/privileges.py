"""What the application's database role may do: INSERT and SELECT on decisions, never more.

Migrations create these grants when a role is named (`eligibility db upgrade --app-role`,
or DATABASE_APP_ROLE); `eligibility db grant ROLE` applies them again later.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Connection, text

# Table → privileges of the application role (PostgreSQL). Decisions are append-only:
# no UPDATE, DELETE or TRUNCATE; the chain head is locked and moved, never deleted.
APP_PRIVILEGES: Mapping[str, tuple[str, ...]] = {
    "rule_versions": ("SELECT", "INSERT", "UPDATE"),
    "decisions": ("SELECT", "INSERT"),
    "chain_head": ("SELECT", "UPDATE"),
    "interview_sessions": ("SELECT", "INSERT", "UPDATE", "DELETE"),
    "api_keys": ("SELECT", "INSERT", "UPDATE"),
    "replay_jobs": ("SELECT", "INSERT", "UPDATE"),
    "replay_results": ("SELECT", "INSERT"),
    "replay_job_partitions": ("SELECT", "INSERT"),
    "alembic_version": ("SELECT",),
}


def grant_statements(role: str, privileges: Mapping[str, tuple[str, ...]]) -> list[str]:
    """SQL that creates `role` if missing (NOLOGIN) and gives it exactly these privileges."""
    name = '"' + role.replace('"', '""') + '"'
    literal = "'" + role.replace("'", "''") + "'"
    statements = [
        "DO $$ BEGIN "
        f"IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {literal}) THEN "
        f"CREATE ROLE {name} NOLOGIN; END IF; "
        "EXCEPTION WHEN duplicate_object THEN NULL; END $$",
        "DO $$ BEGIN "
        f"EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', current_schema(), {literal}); END $$",
    ]
    for table, allowed in privileges.items():
        statements.append(f"REVOKE ALL ON {table} FROM {name}")
        statements.append(f"GRANT {', '.join(allowed)} ON {table} TO {name}")
    statements.append("REVOKE UPDATE, DELETE, TRUNCATE ON decisions FROM PUBLIC")
    return statements


def grant(connection: Connection, role: str) -> None:
    """Give `role` the application's privileges on the current schema (PostgreSQL only)."""
    if connection.dialect.name != "postgresql":
        return
    for statement in grant_statements(role, APP_PRIVILEGES):
        connection.execute(text(statement))
