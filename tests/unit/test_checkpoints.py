"""Signed checkpoints: what a database writer can no longer do unnoticed, and key rotation."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import stat
import threading
from pathlib import Path

import pytest

from eligibility import services
from eligibility.checkpoints import Checkpoint, CheckpointSettings, Signer, TrustedKeys
from eligibility.checkpoints.settings import Checkpoints
from eligibility.checkpoints.signing import CheckpointFormatError, new_private_key, public_pem
from eligibility.decisions import ChainHead, Decision
from eligibility.errors import ChainBroken, CheckpointsNotConfigured
from eligibility.storage import memory_storage
from eligibility.storage.checkpoint_files import CheckpointDirectory
from eligibility.storage.memory import MemoryStorage

FISHING_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "fishing-licence"
DAY = dt.date(2024, 5, 1)
ANSWERS = [
    {"age": 70, "resident": True},
    {"age": 30, "income": "5000.00", "resident": True},
    {"age": 30, "income": "900.00", "resident": True},
]


@pytest.fixture
def store() -> MemoryStorage:
    storage = memory_storage()
    services.sync_rule_files(storage, [FISHING_DIR])
    assert isinstance(storage, MemoryStorage)
    return storage


def decide(store: MemoryStorage, n: int) -> list[Decision]:
    made = []
    for i in range(n):
        request = services.EvaluationRequest("fishing-licence", ANSWERS[i % 3], as_of=DAY)
        made.append(services.record_decision(store, request, "client-1").decision)
    return made


@pytest.fixture
def setup(tmp_path: Path) -> Checkpoints:
    settings = CheckpointSettings(directory=tmp_path / "checkpoints", key_file=tmp_path / "k.pem")
    new_private_key(tmp_path / "k.pem")
    return settings.open()


def reseal(record: Decision, prev_hash: str) -> Decision:
    """The record sealed again after `prev_hash`, as a writer who knows the algorithm would."""
    fresh = dataclasses.replace(record, prev_hash=prev_hash, hash="")
    return dataclasses.replace(fresh, hash=fresh.computed_hash(), field_digests=fresh.digests())


def rewrite_from(store: MemoryStorage, index: int, **changes: object) -> None:
    """Edit one record and re-hash it and every later one (the head moves along)."""
    records = store.decisions.records
    records[index] = dataclasses.replace(records[index], **changes)  # type: ignore[arg-type]
    for i in range(index, len(records)):
        prev = records[i - 1].hash if i else "0" * 64
        records[i] = reseal(records[i], prev)


def test_a_signed_checkpoint_verifies_and_an_altered_one_does_not(setup: Checkpoints) -> None:
    assert setup.signer is not None
    checkpoint = setup.signer.sign(ChainHead(3, "a" * 64), dt.datetime(2026, 1, 2, 3, 4, 5))
    assert setup.keys.problem(checkpoint) is None
    assert checkpoint.key_id.startswith("ed25519:") and len(checkpoint.key_id) == 24
    again = Checkpoint.from_dict(json.loads(json.dumps(checkpoint.to_dict())))
    assert again == checkpoint and setup.keys.problem(again) is None
    moved = dataclasses.replace(checkpoint, sequence=2)
    assert "does not verify" in (setup.keys.problem(moved) or "")
    assert "not among the trusted keys" in (TrustedKeys().problem(checkpoint) or "")


def test_the_key_file_is_private_and_never_overwritten(tmp_path: Path) -> None:
    signer = new_private_key(tmp_path / "keys" / "signing.pem")
    mode = stat.S_IMODE((tmp_path / "keys" / "signing.pem").stat().st_mode)
    assert mode == 0o600
    assert Signer.from_file(tmp_path / "keys" / "signing.pem").key_id == signer.key_id
    with pytest.raises(FileExistsError):
        new_private_key(tmp_path / "keys" / "signing.pem")
    (tmp_path / "bad.pem").write_text("not a key")
    with pytest.raises(CheckpointFormatError, match="bad.pem"):
        Signer.from_file(tmp_path / "bad.pem")


def test_writing_needs_a_directory_and_a_key(store: MemoryStorage) -> None:
    with pytest.raises(CheckpointsNotConfigured):
        services.write_checkpoint(store, Checkpoints())


def test_written_once_per_head_unless_forced(store: MemoryStorage, setup: Checkpoints) -> None:
    decide(store, 2)
    first, new = services.write_checkpoint(store, setup)
    assert new and (first.sequence, first.head_hash) == (2, store.decisions.head().hash)
    same, new = services.write_checkpoint(store, setup)
    assert same == first and not new
    forced, new = services.write_checkpoint(store, setup, force=True)
    assert new and forced.sequence == 2
    decide(store, 1)
    later, new = services.write_checkpoint(store, setup)
    assert new and later.sequence == 3
    assert services.latest_checkpoint(setup) == later
    assert services.audit_head(store, setup).since_checkpoint == 0


def test_an_intact_chain_matches_its_checkpoints(store: MemoryStorage, setup: Checkpoints) -> None:
    decide(store, 2)
    services.write_checkpoint(store, setup)
    decide(store, 2)
    services.write_checkpoint(store, setup)
    decide(store, 1)
    result = services.verify_audit_chain(store, setup)
    assert result.ok and result.checked == 5
    assert (result.checkpoints, result.after_latest) == (2, 1)
    assert str(result).startswith("ok (5 records; 2 checkpoint(s) match, the latest checkpoint #4")


def test_records_removed_from_the_end_are_found(store: MemoryStorage, setup: Checkpoints) -> None:
    decide(store, 4)
    checkpoint, _ = services.write_checkpoint(store, setup)
    del store.decisions.records[2:]  # the head is the last record: it moves back with them
    assert services.verify_audit_chain(store).ok  # the chain alone cannot tell
    result = services.verify_audit_chain(store, setup)
    assert result.broken is not None and result.broken.checkpoint == checkpoint.name
    assert "the chain ends at #2" in result.broken.reason
    assert "records #3–#4 were removed" in result.broken.reason
    with pytest.raises(ChainBroken, match="removed"):
        services.write_checkpoint(store, setup)


def test_a_rewrite_with_every_hash_recomputed_is_found(
    store: MemoryStorage, setup: Checkpoints
) -> None:
    decide(store, 2)
    early, _ = services.write_checkpoint(store, setup)
    decide(store, 2)
    late, _ = services.write_checkpoint(store, setup)
    rewrite_from(store, 2, client="mallory")  # record #3, and #4 re-hashed after it
    assert services.verify_audit_chain(store).ok  # the chain alone cannot tell
    result = services.verify_audit_chain(store, setup)
    assert result.broken is not None
    assert (result.broken.sequence, result.broken.checkpoint) == (4, late.name)
    assert "after #2 (the last checkpoint that still matches)" in result.broken.reason
    assert early.name != late.name
    with pytest.raises(ChainBroken):
        services.write_checkpoint(store, setup)


def test_forged_records_in_place_of_removed_ones_are_found(
    store: MemoryStorage, setup: Checkpoints
) -> None:
    made = decide(store, 3)
    checkpoint, _ = services.write_checkpoint(store, setup)
    forged = dataclasses.replace(made[2], answers={"age": 17, "resident": True}, id="forged")
    store.decisions.records[2] = reseal(forged, made[1].hash)
    result = services.verify_audit_chain(store, setup)
    assert result.broken is not None and result.broken.sequence == 3
    assert result.broken.id == "forged" and result.broken.checkpoint == checkpoint.name
    assert "does not match checkpoint #3" in result.broken.reason


def test_a_forged_checkpoint_file_is_named(store: MemoryStorage, setup: Checkpoints) -> None:
    decide(store, 1)
    checkpoint, _ = services.write_checkpoint(store, setup)
    assert isinstance(setup.store, CheckpointDirectory)
    file = setup.store.path / checkpoint.file_name
    data = json.loads(file.read_text())
    file.write_text(json.dumps({**data, "head_hash": "b" * 64}))
    result = services.verify_audit_chain(store, setup)
    assert result.broken is not None and result.broken.checkpoint == checkpoint.name
    assert "forged or altered" in result.broken.reason
    file.write_text("{not json")
    unreadable = services.verify_audit_chain(store, setup)
    assert unreadable.broken is not None and unreadable.broken.checkpoint == file.name


def test_key_rotation_keeps_old_checkpoints_verifiable(
    store: MemoryStorage, tmp_path: Path
) -> None:
    directory = tmp_path / "checkpoints"
    old = new_private_key(tmp_path / "old.pem")
    decide(store, 1)
    first, _ = services.write_checkpoint(
        store, CheckpointSettings(directory, tmp_path / "old.pem").open()
    )
    (tmp_path / "trusted").mkdir()
    (tmp_path / "trusted" / "old.pub").write_text(public_pem(old.public_key))
    new = new_private_key(tmp_path / "new.pem")
    rotated = CheckpointSettings(directory, tmp_path / "new.pem", (tmp_path / "trusted",)).open()
    decide(store, 1)
    second, _ = services.write_checkpoint(store, rotated)
    assert (first.key_id, second.key_id) == (old.key_id, new.key_id)
    assert services.verify_audit_chain(store, rotated).checkpoints == 2
    forgotten = CheckpointSettings(directory, tmp_path / "new.pem").open()
    result = services.verify_audit_chain(store, forgotten)
    assert result.broken is not None and result.broken.checkpoint == first.name
    assert "not among the trusted keys" in result.broken.reason


def test_keep_checkpointing_writes_until_stopped(store: MemoryStorage, setup: Checkpoints) -> None:
    decide(store, 1)
    stop = threading.Event()
    stop.set()  # one round, then stop
    services.keep_checkpointing(store, setup, 60, stop)
    latest = services.latest_checkpoint(setup)
    assert latest is not None and latest.sequence == 1


def test_settings_from_the_environment(tmp_path: Path) -> None:
    env = {
        "CHECKPOINT_DIR": str(tmp_path / "c"),
        "CHECKPOINT_KEY_FILE": str(tmp_path / "k.pem"),
        "CHECKPOINT_PUBLIC_KEYS": f"{tmp_path / 'a.pub'},{tmp_path / 'b'}",
        "CHECKPOINT_INTERVAL_SECONDS": "300",
    }
    settings = CheckpointSettings.from_env(env)
    assert settings == CheckpointSettings(
        tmp_path / "c", tmp_path / "k.pem", (tmp_path / "a.pub", tmp_path / "b"), 300.0
    )
    assert not CheckpointSettings.from_env({}).open().enabled
