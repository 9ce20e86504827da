"""Tamper evidence against a database writer: every edit of a stored decision is found and named."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from cli import main
from eligibility import services
from eligibility.checkpoints import CheckpointSettings, new_private_key
from eligibility.checkpoints.settings import Checkpoints
from eligibility.decisions import CHAIN_FIELDS, CONTENT_FIELDS, DERIVED_COLUMNS, Decision
from eligibility.errors import StoredVersionAltered
from eligibility.ports import Storage
from eligibility.records import DecisionFilter
from eligibility.storage.sql import SqlStorage
from eligibility.storage.sql.models import DecisionRow
from eligibility.storage.testing import bypassing_append_only

from .helpers import decide

SENIOR = {"age": 70, "resident": True}
YOUNG_POOR = {"age": 30, "income": "900.00", "resident": True}
YOUNG_RICH = {"age": 30, "income": "5000.00", "resident": True}


def tamper(store: Storage, sql: str, **params: object) -> None:
    """Run SQL as a database writer with the owner's rights would (append-only triggers off)."""
    assert isinstance(store, SqlStorage)
    with bypassing_append_only(store.db.engine) as connection:
        connection.execute(text(sql), params)


def test_every_stored_column_is_hashed_chained_or_derived() -> None:
    columns = {c.name for c in DecisionRow.__table__.columns}
    covered = set(CONTENT_FIELDS) | set(CHAIN_FIELDS) | set(DERIVED_COLUMNS)
    assert columns - covered == set(), "a column neither hashed nor checked against the hash"
    assert covered - columns == set()


def test_flipping_the_eligible_column_is_detected(fishing_store: Storage) -> None:
    made = [decide(fishing_store, a) for a in (SENIOR, YOUNG_RICH, YOUNG_POOR)]
    assert made[1].eligible is False
    tamper(fishing_store, "UPDATE decisions SET eligible = :e WHERE sequence = 2", e=True)
    lying = fishing_store.decisions.find(DecisionFilter(eligible=True))
    assert made[1].id in [d.id for d in lying]  # the filter reads the column…
    result = services.verify_audit_chain(fishing_store)  # …and verification says it lies
    assert result.broken is not None
    assert (result.broken.sequence, result.broken.fields) == (2, ("eligible",))


def test_a_deleted_record_is_reported_at_its_own_number(fishing_store: Storage) -> None:
    for answers in (SENIOR, YOUNG_RICH, YOUNG_POOR):
        decide(fishing_store, answers)
    tamper(fishing_store, "DELETE FROM decisions WHERE sequence = 2")
    result = services.verify_audit_chain(fishing_store)
    assert result.broken is not None
    assert (result.broken.sequence, result.broken.id) == (2, None)
    assert str(result).startswith("broken at record #2: record #2 is missing")


def test_a_head_moved_back_over_kept_records_is_detected(fishing_store: Storage) -> None:
    made = [decide(fishing_store, a) for a in (SENIOR, YOUNG_RICH, YOUNG_POOR)]
    tamper(
        fishing_store, "UPDATE chain_head SET sequence = 2, hash = :h WHERE id = 1", h=made[1].hash
    )
    result = services.verify_audit_chain(fishing_store)
    assert result.broken is not None and result.broken.sequence == 3
    assert "beyond the chain head #2" in result.broken.reason


def test_edited_field_digests_are_named(fishing_store: Storage) -> None:
    decide(fishing_store, SENIOR)
    tamper(fishing_store, "UPDATE decisions SET field_digests = :d WHERE sequence = 1", d="{}")
    result = services.verify_audit_chain(fishing_store)
    assert result.broken is not None and result.broken.fields == ("field_digests",)


@pytest.fixture
def checkpoints(tmp_path: Path) -> Checkpoints:
    new_private_key(tmp_path / "signing.pem")
    return CheckpointSettings(tmp_path / "checkpoints", tmp_path / "signing.pem").open()


def _reseal(record: Decision, prev_hash: str) -> Decision:
    fresh = dataclasses.replace(record, prev_hash=prev_hash, hash="")
    return dataclasses.replace(fresh, hash=fresh.computed_hash(), field_digests=fresh.digests())


def test_a_rewrite_with_every_later_hash_recomputed_fails_the_checkpoint(
    fishing_store: Storage, checkpoints: Checkpoints
) -> None:
    for answers in (SENIOR, YOUNG_RICH, YOUNG_POOR, SENIOR):
        decide(fishing_store, answers)
    checkpoint, _ = services.write_checkpoint(fishing_store, checkpoints)
    records = list(fishing_store.decisions.chain())
    records[1] = dataclasses.replace(records[1], client="mallory")
    for i in range(1, len(records)):
        records[i] = _reseal(records[i], records[i - 1].hash)
        tamper(
            fishing_store,
            "UPDATE decisions SET client = :c, prev_hash = :p, hash = :h, field_digests = :d "
            "WHERE sequence = :s",
            c=records[i].client,
            p=records[i].prev_hash,
            h=records[i].hash,
            d=json.dumps(records[i].field_digests),
            s=records[i].sequence,
        )
    tamper(fishing_store, "UPDATE chain_head SET hash = :h WHERE id = 1", h=records[-1].hash)
    assert services.verify_audit_chain(fishing_store).ok  # consistent in itself
    result = services.verify_audit_chain(fishing_store, checkpoints)
    assert result.broken is not None and result.broken.sequence == 4
    assert result.broken.checkpoint == checkpoint.name


def test_newest_records_removed_and_head_moved_back_fail_the_checkpoint(
    fishing_store: Storage, checkpoints: Checkpoints
) -> None:
    made = [decide(fishing_store, a) for a in (SENIOR, YOUNG_RICH, YOUNG_POOR)]
    checkpoint, _ = services.write_checkpoint(fishing_store, checkpoints)
    tamper(fishing_store, "DELETE FROM decisions WHERE sequence = 3")
    tamper(
        fishing_store, "UPDATE chain_head SET sequence = 2, hash = :h WHERE id = 1", h=made[1].hash
    )
    assert services.verify_audit_chain(fishing_store).ok
    result = services.verify_audit_chain(fishing_store, checkpoints)
    assert result.broken is not None and result.broken.checkpoint == checkpoint.name
    assert "records #3 were removed" in result.broken.reason


def test_cli_keygen_checkpoint_head_and_verify(
    migrated_url: str, fishing_store: Storage, tmp_path: Path
) -> None:
    runner = CliRunner()
    key = tmp_path / "keys" / "signing.pem"
    made = runner.invoke(main, ["audit", "keygen", str(key)])
    assert made.exit_code == 0 and "key id: ed25519:" in made.output
    assert (tmp_path / "keys" / "signing.pub").read_text().startswith("-----BEGIN PUBLIC KEY")
    assert runner.invoke(main, ["audit", "keygen", str(key)]).exit_code == 2
    env = {
        "DATABASE_URL": migrated_url,
        "CHECKPOINT_DIR": str(tmp_path / "checkpoints"),
        "CHECKPOINT_KEY_FILE": str(key),
    }
    decide(fishing_store, SENIOR)
    written = runner.invoke(main, ["audit", "checkpoint"], env=env)
    assert written.exit_code == 0 and written.output.startswith("written: checkpoint #1 of ")
    unchanged = runner.invoke(main, ["audit", "checkpoint"], env=env)
    assert unchanged.output.startswith("unchanged since: checkpoint #1")
    decide(fishing_store, YOUNG_POOR)
    head = runner.invoke(main, ["audit", "head"], env=env)
    assert "latest: checkpoint #1" in head.output and "records since: 1" in head.output
    ok = runner.invoke(main, ["audit", "verify"], env=env)
    assert ok.exit_code == 0 and "1 checkpoint(s) match" in ok.output
    tamper(fishing_store, "DELETE FROM decisions WHERE sequence = 2")
    tamper(fishing_store, "DELETE FROM decisions WHERE sequence = 1")
    tamper(fishing_store, "UPDATE chain_head SET sequence = 0, hash = :h WHERE id = 1", h="0" * 64)
    bad = runner.invoke(main, ["audit", "verify"], env=env)
    assert bad.exit_code == 1
    assert "failed checkpoint: checkpoint #1 of " in bad.output
    public_only = {**env, "CHECKPOINT_KEY_FILE": "", "CHECKPOINT_PUBLIC_KEYS": str(key.parent)}
    assert "failed checkpoint" in runner.invoke(main, ["audit", "verify"], env=public_only).output


def _stored_content(store: Storage) -> dict[str, object]:
    stored = services.get_version(store, "fishing-licence", "2024-01-01")
    return dict(stored.content)


def test_an_edited_rule_version_is_refused_whenever_it_is_loaded(fishing_store: Storage) -> None:
    decide(fishing_store, YOUNG_POOR)  # compiled and cached in this process
    content = _stored_content(fishing_store)
    content["parameters"] = {
        **content["parameters"],  # type: ignore[dict-item]
        "income_limit": {"type": "decimal", "value": "9999.00"},
    }
    tamper(
        fishing_store,
        "UPDATE rule_versions SET content = :c WHERE version = '2024-01-01'",
        c=json.dumps(content),
    )
    with pytest.raises(StoredVersionAltered, match="was changed in the database"):
        decide(fishing_store, YOUNG_RICH)
    with pytest.raises(StoredVersionAltered):
        services.list_versions(fishing_store)
    result = services.verify_audit_chain(fishing_store)
    assert result.broken is not None and result.broken.fields == ("rule_versions",)
    assert "fishing-licence 2024-01-01 was changed in the database" in result.broken.reason


def test_a_rule_version_window_edited_in_its_column_is_refused(fishing_store: Storage) -> None:
    tamper(
        fishing_store,
        "UPDATE rule_versions SET effective_to = :d WHERE version = '2024-01-01'",
        d=dt.date(2024, 3, 1),
    )
    with pytest.raises(StoredVersionAltered, match="effective_to disagree"):
        services.get_version(fishing_store, "fishing-licence", "2024-01-01")
