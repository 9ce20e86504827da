"""Replay on storage: exact under the recorded version, what-if under another, batch jobs."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from click.testing import CliRunner
from sqlalchemy import event

from cli import main
from eligibility import services
from eligibility.batch.replay_pages import iterate_for_replay
from eligibility.decisions import Decision
from eligibility.errors import NotFound, VersionNotFound
from eligibility.ports import Storage
from eligibility.records import DecisionFilter
from eligibility.storage.sql import SqlStorage

from .helpers import decide
from .test_versions_storage import NEXT_YEAR

pytestmark = pytest.mark.usefixtures("dask_scheduler")  # replay jobs (and commands) run on it

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


def test_batch_job_summarises_by_goal_on_the_cluster(
    fishing_store: Storage, recorded: list[Decision]
) -> None:
    job = services.start_replay_job(
        fishing_store, "fishing-licence", "auditor-1", target_version="2025-01-01"
    )
    assert (job.status, job.total, job.processed) == ("pending", 0, 0)  # counted when it runs
    seen: list[tuple[int, int]] = []
    done = services.run_replay_job(
        fishing_store, job.id, progress=lambda n, total: seen.append((n, total))
    )
    assert (done.status, done.total, done.processed, seen[-1]) == ("done", 4, 4, (4, 4))
    summary = done.summary
    assert (summary.total, summary.unchanged, summary.changed, summary.failed) == (4, 3, 1, 0)
    assert summary.by_goal == {"eligible": {"true → false": 1}, "reduction": {"20 → 0": 1}}
    assert summary.changed_ids == (recorded[2].id,)
    assert services.get_replay_job(fishing_store, job.id) == done


def test_starting_a_job_leaves_counting_its_decisions_to_the_job(
    fishing_store: Storage, recorded: list[Decision]
) -> None:
    """A request starts a job: counting a million decisions outlasted its database budget."""
    assert isinstance(fishing_store, SqlStorage)
    database = fishing_store.db
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", seen)
    try:
        job = services.start_replay_job(fishing_store, "fishing-licence", "auditor-1")
    finally:
        event.remove(database.engine, "before_cursor_execute", seen)
    assert statements and not [s for s in statements if "FROM decisions" in s], statements
    assert services.run_replay_job(fishing_store, job.id).total == 4


def test_batch_job_under_recorded_versions_changes_nothing(
    fishing_store: Storage, recorded: list[Decision]
) -> None:
    since = DecisionFilter(recorded_from=recorded[1].recorded_at)
    job = services.start_replay_job(fishing_store, "fishing-licence", "auditor-1", filters=since)
    done = services.run_replay_job(fishing_store, job.id)
    assert (done.summary.total, done.summary.unchanged, done.summary.changed) == (3, 3, 0)
    statuses = [row["status"] for row in fishing_store.jobs.results(job.id)]
    assert statuses == ["identical"] * 3  # the stored trace text reproduced, on either store


def test_a_job_reads_the_decisions_with_their_reasons_and_trace_as_stored(
    fishing_store: Storage, recorded: list[Decision]
) -> None:
    read = fishing_store.decisions.for_replay(DecisionFilter(), recorded[0].sequence, 2)
    assert [r.id for r in read] == [d.id for d in recorded[1:3]]
    for record, decision in zip(read, recorded[1:3], strict=True):
        assert (record.answers, record.goals) == (decision.answers, decision.goals)
        assert (record.reasons, record.trace) == (decision.reasons, list(decision.trace))


@contextmanager
def _reads(repository: Any) -> Iterator[list[tuple[int, str]]]:
    """The pages the repository is asked for meanwhile: (after, the thread that asked)."""
    reads: list[tuple[int, str]] = []
    read = repository.for_replay

    def counted(filters: DecisionFilter, after: int, limit: int, until: int | None) -> Any:
        reads.append((after, threading.current_thread().name))
        return read(filters, after, limit, until)

    with patch.object(repository, "for_replay", counted):
        yield reads


@pytest.mark.parametrize("batch", [1, 2, 3, 4, 5])
def test_pages_read_ahead_are_the_records_in_order_and_none_after_a_short_one(
    fishing_store: Storage, recorded: list[Decision], batch: int
) -> None:
    repository = fishing_store.decisions
    every = [d.id for d in recorded]
    for ahead in (False, True):
        with _reads(repository) as reads:
            found = iterate_for_replay(repository, DecisionFilter(), batch, read_ahead=ahead)
            assert [record.id for record in found] == every
        # 4 records: pages of `batch` until a short one (or an empty one after a full one)
        assert len(reads) == 4 // batch + 1
        on_reader = [name for _, name in reads[1:] if name.startswith("read-ahead")]
        assert len(on_reader) == (len(reads) - 1 if ahead else 0)  # the first is read at once


@pytest.mark.parametrize("batch", [1, 2, 4])
def test_a_page_that_reaches_the_last_key_of_the_range_is_the_last_read(
    fishing_store: Storage, recorded: list[Decision], batch: int
) -> None:
    """A partition knows its last key: no read after the page that reaches it, full or not."""
    repository = fishing_store.decisions
    first, last = recorded[0].sequence, recorded[-1].sequence
    with _reads(repository) as reads:
        found = iterate_for_replay(repository, DecisionFilter(), batch, first - 1, last)
        assert [record.id for record in found] == [d.id for d in recorded]
    assert len(reads) == -(-4 // batch)  # 4 records: 4, 2 and 1 pages, none empty


def test_a_read_ahead_stopped_early_leaves_no_reader_behind(
    fishing_store: Storage, recorded: list[Decision]
) -> None:
    found = iterate_for_replay(fishing_store.decisions, DecisionFilter(), 1, read_ahead=True)
    assert next(found).id == recorded[0].id  # the next page is being read meanwhile
    found.close()  # as a partition that fails on its first decision closes it
    assert not [t for t in threading.enumerate() if t.name.startswith("read-ahead")]


def test_cli_replay_prints_the_summary(
    migrated_url: str, fishing_store: Storage, recorded: list[Decision]
) -> None:
    args = ["replay", "--ruleset", "fishing-licence", "--to-version", "2025-01-01"]
    args += ["--since", "2000-01-01", "--database-url", migrated_url]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "total 4, unchanged 3, changed 1, failed 0" in result.output
    assert "  Reduced licence (eligible): true → false  ×1" in result.output
    assert "  low_income (Fisheries Act § 12 (1) No. 2)  in 1 decision(s)" in result.output
    assert "  Reduction (reduction): 60 → 40 (-20) over 4 decision(s)" in result.output
    assert recorded[2].id in result.output
    assert "replaying: 100%" in result.stderr and "4/4" in result.stderr  # progress


def test_cli_replay_resumes_a_job_that_failed(
    migrated_url: str, fishing_store: Storage, recorded: list[Decision]
) -> None:
    job = services.start_replay_job(fishing_store, "fishing-licence", "cli", "2025-01-01")
    stopped = "interrupted: the process running this job stopped"  # before it planned a thing
    now = fishing_store.now()
    fishing_store.jobs.save(replace(job, status="failed", finished_at=now, error=stopped))
    args = ["replay", "--resume", job.id, "--database-url", migrated_url]
    resumed = CliRunner().invoke(main, args)
    assert resumed.exit_code == 0, resumed.output
    assert f"replay {job.id} of fishing-licence under 2025-01-01:" in resumed.output
    assert "total 4, unchanged 3, changed 1, failed 0" in resumed.output
    assert f"replay job {job.id} (to resume it: --resume {job.id})" in resumed.stderr
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 2  # refused
    assert f"error: replay job {job.id} is done: only a failed job" in again.stderr


def test_cli_replay_writes_the_results_and_shows_one_decision(
    migrated_url: str, fishing_store: Storage, recorded: list[Decision], tmp_path: Path
) -> None:
    runner = CliRunner()
    url = ["--database-url", migrated_url]
    out = tmp_path / "results.csv"
    args = ["replay", "--ruleset", "fishing-licence", "--to-version", "2025-01-01"]
    done = runner.invoke(main, [*args, "--results", str(out), *url])
    assert done.exit_code == 0, done.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["status"] for r in rows].count("changed") == 1
    one = runner.invoke(
        main, ["replay", "--decision", recorded[2].id, "--to-version", "2025-01-01", *url]
    )
    assert one.exit_code == 0, one.output
    assert one.output.splitlines()[1:] == [
        "  Reduced licence: true → false",
        "    low_income (Fisheries Act § 12 (1) No. 2): true → false; "
        "income_limit 1200.00 → 1000.00",
        "  Reduction: 20 → 0",
        "    low_income (Fisheries Act § 12 (1) No. 2): true → false; "
        "income_limit 1200.00 → 1000.00",
    ]
    assert "changed" in one.output.splitlines()[0]
    wrong = runner.invoke(main, [*args, "--results", str(tmp_path / "x.txt"), *url])
    assert wrong.exit_code == 2
    assert runner.invoke(main, ["replay", *url]).exit_code == 2


def test_what_if_gives_one_entry_per_changed_goal_with_labels(
    fishing_store: Storage, recorded: list[Decision]
) -> None:
    changed = services.replay_decision(fishing_store, recorded[2].id, version="2025-01-01")
    assert [c.describe() for c in changed.changes] == [
        "Reduced licence: true → false",
        "Reduction: 20 → 0",
    ]
    eligible = changed.changes[0]
    assert [r.describe() for r in eligible.rules] == [
        "low_income (Fisheries Act § 12 (1) No. 2): true → false; income_limit 1200.00 → 1000.00"
    ]
    plain = changed.to_dict()
    assert [d["goal"] for d in plain["differences"]] == ["eligible", "reduction"]
    assert plain["differences"][1]["text"] == "Reduction: 20 → 0"
    paths = {d["path"] for d in plain["details"]}  # the leaf-by-leaf differences stay
    assert {"goals.eligible.value", "trace.low_income.inputs.income_limit"} <= paths
    assert changed.status == "changed"


def test_batch_job_summary_names_goals_rules_and_sums_amounts(
    fishing_store: Storage, recorded: list[Decision]
) -> None:
    job = services.start_replay_job(
        fishing_store, "fishing-licence", "auditor-1", target_version="2025-01-01"
    )
    summary = services.run_replay_job(fishing_store, job.id).summary
    assert summary.labels == {"eligible": "Reduced licence", "reduction": "Reduction"}
    assert summary.by_rule == {
        "low_income": {
            "label": "low_income",
            "legal_reference": "Fisheries Act § 12 (1) No. 2",
            "decisions": 1,
        }
    }
    assert summary.amounts["reduction"] == {
        "recorded": "60",
        "replayed": "40",
        "difference": "-20",
        "decisions": 4,
    }
    rows = list(
        csv.DictReader(
            io.StringIO("".join(services.export_replay_results(fishing_store, job.id, "csv")))
        )
    )
    assert [r["decision_id"] for r in rows] == [d.id for d in recorded]
    assert [r["status"] for r in rows] == ["unchanged", "unchanged", "changed", "unchanged"]
    assert rows[2]["changes"] == "Reduced licence: true → false; Reduction: 20 → 0"
    assert (rows[2]["recorded:eligible"], rows[2]["replayed:eligible"]) == ("true", "false")
    assert (rows[2]["recorded:reduction"], rows[2]["replayed:reduction"]) == ("20", "0")
    lines = list(services.export_replay_results(fishing_store, job.id, "jsonl"))
    assert json.loads(lines[2])["goals"]["eligible"] == {"recorded": True, "replayed": False}
    assert "answers" not in json.loads(lines[2])
