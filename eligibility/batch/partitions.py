"""Partitions by key range, run on a Dask cluster (or in this process), each counted once.

A partition is a closed range of keys (decision sequence numbers, row numbers of a
file) and how many rows it holds. The function run on it reads its own rows, writes
its own results and returns a small outcome (counts). A worker that dies mid-partition
is replaced by the scheduler, which runs the partition again elsewhere; its outcome is
taken once, when it completes. Partitions that cannot complete are named, not guessed.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from distributed import Future, as_completed

from eligibility.batch.cluster import Cluster

T = TypeVar("T")
# Rows per partition: progress often enough, a partition's fixed costs (its task, its
# results' transaction, its first page waited for) small beside its rows' work.
MIN_ROWS, MAX_ROWS = 500, 2000
POLL_SECONDS = 0.05


@dataclass(frozen=True)
class Partition:
    """Keys low..high (both included) holding `rows` rows; `index` orders partitions."""

    index: int
    low: int
    high: int
    rows: int

    def to_dict(self) -> dict[str, int]:
        """Plain data."""
        return {"index": self.index, "from": self.low, "to": self.high, "rows": self.rows}

    @classmethod
    def from_dict(cls, data: Mapping[str, int]) -> Partition:
        """A partition from `to_dict` data (a job's kept plan)."""
        return cls(data["index"], data["from"], data["to"], data["rows"])


@dataclass(frozen=True)
class FailedPartition:
    """A partition that did not complete, and why."""

    partition: Partition
    error: BaseException

    def to_dict(self) -> dict[str, Any]:
        """Plain data: the range, its rows and the error in one line."""
        return {**self.partition.to_dict(), "error": describe(self.error)}


def describe(error: BaseException) -> str:
    """An error as `Type: message` on one line."""
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def partition_size(total: int, workers: int, *, estimated: bool = False) -> int:
    """Rows per partition: several partitions per worker, within MIN_ROWS..MAX_ROWS.

    A job too small for MIN_ROWS on every worker still gets a partition per worker (no
    worker left idle for want of rows), unless its `total` is only `estimated` (a file's
    size read as rows: its rows per worker are not known). No worker known (a cluster
    whose workers are starting or restarting: the scheduler's count is 0 for a moment)
    plans as for one, not the whole job in one partition.
    """
    workers = max(1, workers)
    if not total:
        return MIN_ROWS
    least = MIN_ROWS if estimated else min(MIN_ROWS, math.ceil(total / workers))
    return max(least, min(MAX_ROWS, math.ceil(total / (workers * 8))))


def plan(starts: Sequence[int], last: int, total: int, every: int) -> list[Partition]:
    """Partitions from their first keys (every `every`-th key) and the last key of all."""
    parts = []
    for index, low in enumerate(starts):
        high = starts[index + 1] - 1 if index + 1 < len(starts) else last
        rows = every if index + 1 < len(starts) else total - every * index
        parts.append(Partition(index, low, high, rows))
    return parts


def ranges(total: int, every: int, after: int = 0) -> list[Partition]:
    """Partitions of row numbers after+1..total, `every` rows each."""
    starts = list(range(after + 1, total + 1, every))
    return plan(starts, total, total - after, every)


@dataclass
class Outcome(Generic[T]):
    """What a run gave: each completed partition's result once, the failures, cancelled."""

    done: dict[int, T]
    failed: list[FailedPartition]
    cancelled: bool = False


Done = Callable[[Partition, T], None]


def run(
    cluster: Cluster | None,
    function: Callable[..., T],
    parts: Sequence[Partition],
    args: Sequence[Any],
    on_done: Done[T],
    stop: Callable[[], bool] = lambda: False,
    name: str = "partition",
) -> Outcome[T]:
    """Run `function(partition, *args)` on every partition; `on_done` as each completes.

    On a cluster the arguments are sent once to every worker; without one the
    partitions run here one after another (storage only this process holds).
    `stop` is asked between completions: true cancels what has not completed.
    `name` (unique per job) names the tasks on the cluster's dashboard.
    """
    if cluster is None:
        return _inline(function, parts, args, on_done, stop)
    client = cluster.client
    shared = [_shared(client, arg) for arg in args]
    pending: dict[Future, Partition] = {
        client.submit(function, part, *shared, key=f"{name}-{part.index}"): part for part in parts
    }
    outcome: Outcome[T] = Outcome({}, [])
    arriving = as_completed(list(pending), loop=client.loop)
    try:
        while pending:
            if stop():
                outcome.cancelled = True
                return outcome
            if not arriving.has_ready():
                time.sleep(POLL_SECONDS)
                continue
            for future in arriving.next_batch(block=False):
                if stop():  # asked while collecting: what is not collected is not counted
                    outcome.cancelled = True
                    return outcome
                if future.status == "lost":  # its result was on a worker that died: computed again
                    arriving.add(future)
                    continue
                _collect(future, pending.pop(future), outcome, on_done)
        return outcome
    finally:
        if pending:
            client.cancel(list(pending))


def _shared(client: Any, arg: Any) -> Any:
    """Big arguments (versions) sent to every worker once; small ones go with each task."""
    if arg is None or isinstance(arg, str | int | float | bool | dt.date):
        return arg
    if isinstance(arg, tuple | list) and not arg:  # nothing to scatter (Dask refuses to)
        return arg
    return client.scatter(arg, broadcast=True, hash=False)


def _collect(future: Future, part: Partition, outcome: Outcome[T], on_done: Done[T]) -> None:
    if future.status == "finished":
        result: T = future.result()
        outcome.done[part.index] = result
        on_done(part, result)
        return
    # error (the partition raised, or killed too many workers) or cancelled on the cluster
    error = future.exception() if future.status == "error" else RuntimeError(future.status)
    outcome.failed.append(FailedPartition(part, error))


def _inline(
    function: Callable[..., T],
    parts: Sequence[Partition],
    args: Sequence[Any],
    on_done: Done[T],
    stop: Callable[[], bool],
) -> Outcome[T]:
    outcome: Outcome[T] = Outcome({}, [])
    for part in parts:
        if stop():
            outcome.cancelled = True
            break
        try:
            result = function(part, *args)
        except Exception as error:
            outcome.failed.append(FailedPartition(part, error))
            continue
        outcome.done[part.index] = result
        on_done(part, result)
    return outcome
