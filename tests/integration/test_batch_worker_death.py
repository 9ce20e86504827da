"""A worker killed in the middle of a job: it completes on the others, nothing counted twice."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from eligibility import services
from eligibility.batch import partitions
from eligibility.batch.assess import result_rows
from eligibility.batch.assessment import assess
from eligibility.batch.cluster import Cluster, start_local
from eligibility.batch.generate import write
from eligibility.batch.populations import Population
from eligibility.storage import memory_storage

from .helpers import FISHING
from .test_batch_assess import people


@pytest.fixture(scope="module")
def processes() -> Iterator[Cluster]:
    """Two worker processes (with their nannies, which start a killed worker again)."""
    cluster = start_local(2, processes=True, dashboard=":0")
    yield cluster
    cluster.close()


def test_a_killed_worker_is_replaced_and_every_row_counted_once(
    processes: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = memory_storage()
    services.sync_rule_files(store, [FISHING])
    path = tmp_path / "people.jsonl"
    write(path, iter(people(4000, seed=3)))
    monkeypatch.setattr(partitions, "MAX_ROWS", 200)  # 20 partitions
    pids = processes.client.run(os.getpid)
    victim = sorted(pids.values())[0]
    killed: list[int] = []

    def progress(processed: int, total: int) -> None:
        if not killed and processed >= 400:  # some partitions done, others under way
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    job = assess(
        store,
        Population.file(path),
        "fishing-licence",
        "2024-01-01",
        tmp_path / "r",
        cluster=processes,
        progress=progress,
    )
    assert killed and job.status == "done", [repr(f.error) for f in job.failed_partitions]
    assert (job.total, job.processed) == (4000, 4000)
    numbers = [row["row"] for row in result_rows(tmp_path / "r")]
    assert numbers == list(range(1, 4001))  # each once, in order
    assert sorted(processes.client.run(os.getpid).values()) != sorted(pids.values())
