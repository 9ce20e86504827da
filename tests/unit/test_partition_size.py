"""Partitions per job: several per worker, bounded; a moment with no worker known plans as one."""

from __future__ import annotations

import pytest

from eligibility.batch import partitions
from eligibility.batch.partitions import partition_size


def test_several_partitions_per_worker_within_the_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(partitions, "MIN_ROWS", 3)
    assert partition_size(9, 2) == 3  # 9 rows: 3 partitions, not one per worker
    assert partition_size(1_000, 2) == 63  # 8 a worker
    assert partition_size(0, 2) == 3
    assert partition_size(10**9, 2) == partitions.MAX_ROWS


def test_no_worker_known_plans_as_one_not_one_partition(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cluster's workers restarting read as 0 for a moment: the job still gets several."""
    monkeypatch.setattr(partitions, "MIN_ROWS", 3)
    assert partition_size(9, 0) == partition_size(9, 1) == 3
    assert partition_size(1_000, 0) == partition_size(1_000, 1) == 125


def test_a_small_job_gets_a_partition_per_worker_not_fewer() -> None:
    """Below MIN_ROWS a worker, partitions shrink to one a worker, and no further."""
    assert partitions.MIN_ROWS == 500  # a page of decisions (`replay.PAGE`) a partition
    assert partition_size(1_000, 1) == 500  # two pages, not eight partitions of 125
    assert partition_size(1_000, 2) == 500  # one a worker
    assert partition_size(600, 4) == 150
    assert partition_size(3, 4) == 1
    assert partition_size(16_000, 2) == 1_000  # large enough: eight a worker again


def test_an_estimated_total_is_not_cut_below_the_least_partition() -> None:
    """A file's size read as rows says nothing sure of the rows each worker would get."""
    assert partition_size(300, 2, estimated=True) == partitions.MIN_ROWS
    assert partition_size(300, 2) == 150
