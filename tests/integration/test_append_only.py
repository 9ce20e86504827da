"""Decisions are append-only in the database itself: triggers, and an application role with
INSERT and SELECT only (PostgreSQL), so an UPDATE or DELETE is refused even with SQL access."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, exc, make_url, text

from cli import main
from eligibility import services
from eligibility.storage.migrate import upgrade
from eligibility.storage.sql import SqlStorage
from eligibility.storage.testing import postgres_base_url, temporary_database

from .helpers import DAY as FISHING_DAY
from .helpers import FISHING, decide

pytestmark = pytest.mark.usefixtures("dask_cluster")  # replay jobs run on it

SENIOR = {"age": 70, "resident": True}
YOUNG_RICH = {"age": 30, "income": "5000.00", "resident": True}


def _refused(url: str, sql: str) -> str:
    """The database's refusal of one statement (the test fails if it is accepted)."""
    engine = create_engine(make_url(url).set(drivername=_driver(url)))
    try:
        with pytest.raises(exc.DBAPIError) as refusal, engine.begin() as connection:
            connection.execute(text(sql))
        return str(refusal.value.orig)
    finally:
        engine.dispose()


def _driver(url: str) -> str:
    name = make_url(url).drivername
    return "postgresql+psycopg" if name.startswith("postgres") else name


def test_the_owner_cannot_update_or_delete_decisions(migrated_url: str) -> None:
    store = SqlStorage(migrated_url)
    try:
        services.sync_rule_files(store, [FISHING])
        made = [decide(store, a) for a in (SENIOR, YOUNG_RICH)]
    finally:
        store.close()
    assert "append-only" in _refused(migrated_url, "UPDATE decisions SET eligible = true")
    assert "append-only" in _refused(migrated_url, "DELETE FROM decisions WHERE sequence = 2")
    back = f"UPDATE chain_head SET sequence = 1, hash = '{made[0].hash}'"
    assert "only moves forward" in _refused(migrated_url, back)
    assert "only moves forward" in _refused(migrated_url, "DELETE FROM chain_head")
    if make_url(migrated_url).get_backend_name() == "postgresql":
        assert "append-only" in _refused(migrated_url, "TRUNCATE decisions")
    store = SqlStorage(migrated_url)
    try:
        decide(store, SENIOR)  # appends go on
        assert services.verify_audit_chain(store).checked == 3
    finally:
        store.close()


@pytest.fixture
def app_role() -> Iterator[str]:
    """A PostgreSQL role name for this test, dropped afterwards (roles are cluster-wide)."""
    role = f"audit_app_{uuid.uuid4().hex[:10]}"
    yield role
    admin = create_engine(make_url(postgres_base_url()), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.scalar(
                text("SELECT count(*) FROM pg_roles WHERE rolname = :r"), {"r": role}
            )
            if exists:
                connection.execute(text(f'DROP OWNED BY "{role}"'))
                connection.execute(text(f'DROP ROLE "{role}"'))
    finally:
        admin.dispose()


@pytest.fixture
def schema_url(tmp_path: Path, app_role: str) -> Iterator[str]:
    """A fresh PostgreSQL schema (dropped before the role is)."""
    with temporary_database("postgresql", tmp_path) as url:
        yield url


def as_role(url: str, role: str) -> str:
    """The same database and schema, with the session switched to `role` at connect."""
    parsed = make_url(url)
    options = f"{parsed.query.get('options', '')} -crole={role}".strip()
    return parsed.update_query_dict({"options": options}).render_as_string(hide_password=False)


def test_the_application_role_needs_only_insert_and_select_on_decisions(
    schema_url: str, app_role: str
) -> None:
    upgrade(schema_url, app_role=app_role)
    url = as_role(schema_url, app_role)
    store = SqlStorage(url)
    try:  # the whole service works as that role
        services.sync_rule_files(store, [FISHING])
        decide(store, SENIOR, key="k-1")
        decide(store, SENIOR, key="k-1")  # an idempotent retry reads under the lock
        decide(store, YOUNG_RICH)
        services.create_key(store, "client", "form")
        session = services.create_session(store, "fishing-licence", as_of=FISHING_DAY)
        services.answer(store, session.id, SENIOR, session.etag)
        job = services.start_replay_job(store, "fishing-licence", "auditor")
        assert services.run_replay_job(store, job.id).summary.unchanged == 2
        assert services.verify_audit_chain(store).ok
    finally:
        store.close()
    for sql in (
        "UPDATE decisions SET eligible = true",
        "DELETE FROM decisions",
        "TRUNCATE decisions",
        "DELETE FROM chain_head",
    ):
        assert "permission denied" in _refused(url, sql), sql


def test_cli_upgrade_with_an_app_role_and_grant(schema_url: str, app_role: str) -> None:
    runner = CliRunner()
    upgraded = runner.invoke(
        main, ["db", "upgrade", "--database-url", schema_url], env={"DATABASE_APP_ROLE": app_role}
    )
    assert upgraded.exit_code == 0, upgraded.output
    assert "permission denied" in _refused(as_role(schema_url, app_role), "DELETE FROM decisions")
    granted = runner.invoke(main, ["db", "grant", app_role, "--database-url", schema_url])
    assert granted.exit_code == 0 and f"granted {app_role}" in granted.output
    store = SqlStorage(as_role(schema_url, app_role))
    try:
        services.sync_rule_files(store, [FISHING])
        assert decide(store, SENIOR).sequence == 1
    finally:
        store.close()
