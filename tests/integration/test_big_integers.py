"""Integers beyond 64 bits in stored JSON read back as the integers they are.

orjson, which reads the JSON columns, would read them as floats: a version whose content
holds one would fail its content hash when loaded, and a decision holding one would fail
verification and replay as changed. The readers hand such texts to json instead.
"""

from __future__ import annotations

from pathlib import Path

from eligibility import services
from eligibility.ports import Storage
from eligibility.records import DecisionFilter

from .helpers import FISHING, decide

BIG = 10**20 + 7  # beyond 64 bits


def test_a_version_and_a_decision_holding_a_big_integer_load_verify_and_replay(
    store: Storage, tmp_path: Path
) -> None:
    folder = tmp_path / "fishing-licence"
    folder.mkdir()
    text = (FISHING / "2024-01-01.yaml").read_text(encoding="utf-8")
    (folder / "2024-01-01.yaml").write_text(text.replace("max: 130", f"max: {BIG}"))
    services.sync_rule_files(store, [folder])

    stored = services.get_version(store, "fishing-licence", "2024-01-01")  # its hash checked
    assert stored.content["questions"]["age"]["max"] == BIG
    recorded = decide(store, {"age": BIG - 1, "resident": True})

    (read,) = store.decisions.find(DecisionFilter())
    assert read.answers["age"] == BIG - 1 and isinstance(read.answers["age"], int)
    assert services.verify_audit_chain(store).ok
    assert services.replay_decision(store, recorded.id).identical
    (record,) = store.decisions.for_replay(DecisionFilter())
    assert record.answers["age"] == BIG - 1 and isinstance(record.answers["age"], int)
