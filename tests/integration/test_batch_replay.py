"""Replay jobs on the Dask cluster: partitions by key range, read by their workers, counted once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from eligibility import services
from eligibility.batch import partitions
from eligibility.batch.cluster import Cluster
from eligibility.batch.partitions import Partition, plan
from eligibility.batch.publish import write_report
from eligibility.batch.replay import ReplayTask, replay_partition
from eligibility.batch.report import replay_rows, replay_summary
from eligibility.batch.worker import compiled_count
from eligibility.ports import Storage, iterate
from eligibility.records import DecisionFilter
from eligibility.storage.sql.jobs import SqlJobs

from .helpers import decide
from .test_versions_storage import NEXT_YEAR

pytestmark = pytest.mark.usefixtures("dask_cluster")

PEOPLE = [{"age": 20 + n, "income": f"{900 + 50 * n}.00", "resident": True} for n in range(9)]


@pytest.fixture
def nine(fishing_store: Storage) -> Storage:
    """Nine decisions, then the 2025 version (lower income limit) as a draft."""
    for answers in PEOPLE:
        decide(fishing_store, answers)
    services.create_draft(fishing_store, NEXT_YEAR, "author-1")
    return fishing_store


def test_the_database_gives_partition_starts_and_ranges(nine: Storage) -> None:
    everything = DecisionFilter(ruleset_id="fishing-licence")
    assert nine.decisions.keys(everything, 4) == [1, 5, 9]
    parts = plan([1, 5, 9], 9, 9, 4)
    assert parts == [Partition(0, 1, 4, 4), Partition(1, 5, 8, 4), Partition(2, 9, 9, 1)]
    middle = [d.sequence for d in iterate(nine.decisions, everything, 2, after=4, until=8)]
    assert middle == [5, 6, 7, 8]
    assert nine.decisions.keys(DecisionFilter(ruleset_id="none"), 4) == []


def test_a_job_in_several_partitions_counts_each_decision_once(
    nine: Storage, dask_cluster: Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(partitions, "MIN_ROWS", 2)  # 9 decisions in partitions of 2
    whole = services.start_replay_job(nine, "fishing-licence", "auditor", "2025-01-01")
    done = services.run_replay_job(nine, whole.id, cluster=dask_cluster)
    assert (done.status, done.processed, done.total) == ("done", 9, 9)
    assert done.summary.unchanged + done.summary.changed == 9 and done.summary.changed == 4
    rows = list(nine.jobs.results(whole.id))
    assert [r["sequence"] for r in rows] == list(range(1, 10))  # every one, once, in order
    assert list(done.summary.changed_ids) == [
        r["decision_id"] for r in rows if r["status"] == "changed"
    ]
    compiled_before = dask_cluster.client.run(compiled_count)
    again = services.start_replay_job(nine, "fishing-licence", "auditor", "2025-01-01")
    assert services.run_replay_job(nine, again.id, cluster=dask_cluster).summary == done.summary
    assert dask_cluster.client.run(compiled_count) == compiled_before  # kept by the workers


def test_a_partition_run_again_saves_no_row_twice(nine: Storage) -> None:
    job = services.start_replay_job(nine, "fishing-licence", "auditor", "2025-01-01")
    target = services.get_version(nine, "fishing-licence", "2025-01-01")
    task = ReplayTask(job.id, job.filters, target, None, "durable")
    first = replay_partition(Partition(0, 1, 5, 5), nine, task)
    second = replay_partition(Partition(0, 1, 5, 5), nine, task)  # its worker died after saving
    assert first.summary() == second.summary() and first.processed == 5
    saved = list(nine.jobs.results(job.id))
    assert [r["sequence"] for r in saved] == [1, 2, 3, 4, 5]
    replay_partition(Partition(0, 1, 9, 9), nine, task)  # some rows saved before, some new
    assert list(nine.jobs.results(job.id))[:5] == saved
    assert [r["sequence"] for r in nine.jobs.results(job.id)] == list(range(1, 10))


def test_a_failing_partition_is_named_and_the_others_counted(
    nine: Storage, dask_cluster: Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(partitions, "MIN_ROWS", 3)
    job = services.start_replay_job(nine, "fishing-licence", "auditor", "2025-01-01")
    saving = SqlJobs.put_results

    def refusing(self: SqlJobs, job_id: str, low: int, high: int, rows: Any) -> None:
        if low <= 5 <= high:  # the partition holding decision 5 cannot save its results
            raise RuntimeError("disk full")
        saving(self, job_id, low, high, rows)

    monkeypatch.setattr(SqlJobs, "put_results", refusing)  # the workers are threads here
    with pytest.raises(RuntimeError, match="disk full"):
        services.run_replay_job(nine, job.id, cluster=dask_cluster)
    failed = services.get_replay_job(nine, job.id)
    assert failed.status == "failed" and failed.processed == 6
    assert failed.summary.failed_partitions == (
        {"index": 1, "from": 4, "to": 6, "rows": 3, "error": "RuntimeError: disk full"},
    )
    assert failed.error == "partition 1 (decisions 4–6): RuntimeError: disk full"


def test_a_replay_job_has_the_impact_report(
    nine: Storage, dask_cluster: Cluster, tmp_path: Path
) -> None:
    job = services.start_replay_job(nine, "fishing-licence", "auditor", "2025-01-01")
    done = services.run_replay_job(nine, job.id, cluster=dask_cluster)
    report = write_report(tmp_path, replay_summary(done), replay_rows(nine.jobs.results(job.id)))
    assert (report["baseline"], report["reform"], report["changed"]) == (
        "recorded",
        "2025-01-01",
        4,
    )
    assert report["eligibility"] == [
        {"goal": "eligible", "label": "Reduced licence", "gained": 0, "lost": 4}
    ]
    assert report["rules"][0]["rule"] == "low_income" and report["rules"][0]["rows"] == 4
    (reduction,) = report["amounts"]
    assert reduction["bands"] == [
        {"band": "-20 … -15", "from": "-20", "to": "-15", "claims": 4, "change": "-80"},
        {"band": "no change", "from": "0", "to": "0", "claims": 5, "change": "0"},
    ]
    lines = (tmp_path / "affected.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5 and "true → false" in lines[1]
    assert "What fishing-licence 2025-01-01 changes against recorded" in (
        tmp_path / "report.html"
    ).read_text(encoding="utf-8")


def test_a_worker_holds_one_compiled_object_per_stored_version(nine: Storage) -> None:
    from eligibility.batch.worker import compiled

    first = services.get_version(nine, "fishing-licence", "2024-01-01")
    again = services.get_version(nine, "fishing-licence", "2024-01-01")  # read anew
    assert compiled(first) is compiled(again)  # its durable plan is made once, not per row
    draft = services.get_version(nine, "fishing-licence", "2025-01-01")
    assert compiled(draft) is not compiled(first)
