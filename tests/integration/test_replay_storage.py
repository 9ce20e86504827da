"""Replay on storage: exact under the recorded version, what-if under another, batch jobs."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from cli import main
from eligibility import services
from eligibility.decisions import Decision
from eligibility.errors import NotFound, VersionNotFound
from eligibility.ports import Storage
from eligibility.records import DecisionFilter

from .helpers import decide
from .test_versions_storage import NEXT_YEAR

ANSWERS = (
    {"age": 70, "resident": True},
    {"age": 30, "income": "900.00", "resident": True},
    {"age": 30, "income": "1100.00", "resident": True},  # the one the 2025 limit changes
    {"age": 30, "income": "5000.00", "resident": True},
)


@pytest.fixture
def recorded(fishing_store: Storage) -> list[Decision]:
    """Four decisions under 2024-01-01, then 2025-01-01 (lower income limit) published."""
    made = [decide(fishing_store, a) for a in ANSWERS]
    services.create_draft(fishing_store, NEXT_YEAR, "author-1")
    services.publish(fishing_store, "fishing-licence", "2025-01-01", "publisher-1")
    return made


def test_replay_under_the_recorded_version_is_identical(
    fishing_store: Storage, recorded: list[Decision]
) -> None:
    services.retire(fishing_store, "fishing-licence", "2024-01-01", "publisher-1")
    for decision in recorded:
        result = services.replay_decision(fishing_store, decision.id)
        assert result.identical, result.differences
        assert (result.replayed_version, result.replayed_hash) == (
            "2024-01-01",
            decision.content_hash,
        )


def test_what_if_under_another_version_lists_the_differences(
    fishing_store: Storage, recorded: list[Decision]
) -> None:
    changed = services.replay_decision(fishing_store, recorded[2].id, version="2025-01-01")
    assert not changed.identical and changed.replayed_version == "2025-01-01"
    found = {d.path: (d.recorded, d.replayed) for d in changed.differences}
    assert found["goals.eligible.value"] == (True, False)
    assert found["goals.reduction.value"] == ("20", "0")
    assert found["trace.low_income.inputs.income_limit"] == ("1200.00", "1000.00")
    assert found["reasons.eligible.low_income.value"] == (True, False)
    assert changed.goal_changes == {"eligible": (True, False), "reduction": ("20", "0")}
    same = services.replay_decision(fishing_store, recorded[0].id, as_of=dt.date(2025, 3, 1))
    assert same.replayed_version == "2025-01-01" and same.goal_changes == {}


def test_replay_errors(fishing_store: Storage, recorded: list[Decision]) -> None:
    with pytest.raises(NotFound):
        services.replay_decision(fishing_store, "missing")
    with pytest.raises(VersionNotFound):
        services.replay_decision(fishing_store, recorded[0].id, version="2030-01-01")


def test_batch_job_summarises_by_goal_in_a_process_pool(
    fishing_store: Storage, recorded: list[Decision]
) -> None:
    job = services.start_replay_job(
        fishing_store, "fishing-licence", "auditor-1", target_version="2025-01-01"
    )
    assert (job.status, job.total, job.processed) == ("pending", 4, 0)
    seen: list[tuple[int, int]] = []
    done = services.run_replay_job(
        fishing_store, job.id, workers=2, progress=lambda n, total: seen.append((n, total))
    )
    assert (done.status, done.processed, seen[-1]) == ("done", 4, (4, 4))
    summary = done.summary
    assert (summary.total, summary.unchanged, summary.changed, summary.failed) == (4, 3, 1, 0)
    assert summary.by_goal == {"eligible": {"true → false": 1}, "reduction": {"20 → 0": 1}}
    assert summary.changed_ids == (recorded[2].id,)
    assert services.get_replay_job(fishing_store, job.id) == done


def test_batch_job_under_recorded_versions_changes_nothing(
    fishing_store: Storage, recorded: list[Decision]
) -> None:
    since = DecisionFilter(recorded_from=recorded[1].recorded_at)
    job = services.start_replay_job(fishing_store, "fishing-licence", "auditor-1", filters=since)
    done = services.run_replay_job(fishing_store, job.id)
    assert (done.summary.total, done.summary.unchanged, done.summary.changed) == (3, 3, 0)


def test_cli_replay_prints_the_summary(
    migrated_url: str, fishing_store: Storage, recorded: list[Decision]
) -> None:
    args = ["replay", "--ruleset", "fishing-licence", "--to-version", "2025-01-01"]
    args += ["--since", "2000-01-01", "--workers", "2", "--database-url", migrated_url]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "total 4, unchanged 3, changed 1, failed 0" in result.output
    assert "eligible: true → false  ×1" in result.output
    assert recorded[2].id in result.output
