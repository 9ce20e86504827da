"""The storage port of replay jobs: their rows, heartbeat, partitions and results.

Part of `eligibility.ports` (which names it); kept apart only to keep that module short.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from eligibility.records import ReplayJob


class ReplayJobRepository(Protocol):
    """Batch replay jobs and their progress."""

    def add(self, job: ReplayJob) -> None:
        """Insert a job."""
        ...

    def get(self, job_id: str) -> ReplayJob | None:
        """One job, or None."""
        ...

    def save(self, job: ReplayJob) -> None:
        """Store the job's new status, progress and summary."""
        ...

    def list(self) -> list[ReplayJob]:
        """Every job, newest first."""
        ...

    def save_progress(self, job: ReplayJob) -> bool:
        """Store a running job's progress unless it was cancelled meanwhile (then False)."""
        ...

    def cancel(self, job_id: str) -> bool:
        """Mark a pending or running job cancelled; False when it was not pending or running."""
        ...

    def beat(self, job_id: str, at: dt.datetime) -> None:
        """A job's sign of life (its heartbeat_at; nothing else), while pending or running."""
        ...

    def interrupt(
        self, job_id: str, heard: dt.datetime | None, at: dt.datetime, error: str
    ) -> bool:
        """Fail an unfinished job whose last heartbeat is still `heard`; False if it moved on."""
        ...

    def resume(self, job_id: str, at: dt.datetime) -> bool:
        """Make a `resumable` job pending again, heard of `at`; False when it was not."""
        ...

    def save_plan(self, job_id: str, plan: Sequence[Mapping[str, int]]) -> None:
        """Keep the partitions a job runs (`from`, `to`, `rows` each, in order) to resume it."""
        ...

    def plan(self, job_id: str) -> Sequence[dict[str, int]] | None:
        """The partitions kept for a job, or None (not started, or started before they were)."""
        ...

    def put_tally(self, job_id: str, part: int, tally: Mapping[str, Any]) -> None:
        """Keep a completed partition's counts (completed again: the first counts are kept)."""
        ...

    def tallies(self, job_id: str) -> dict[int, dict[str, Any]]:
        """The counts kept for a job's completed partitions, by partition index."""
        ...

    def put_results(
        self, job_id: str, low: int, high: int, rows: Sequence[Mapping[str, Any]]
    ) -> None:
        """Save the results of one partition (sequences low..high) in one transaction.

        A partition run again (its worker died after saving) saves the same rows: those
        already saved are kept, none is saved twice.
        """
        ...

    def results(self, job_id: str, after: int = 0, limit: int = 500) -> Sequence[dict[str, Any]]:
        """A job's per-decision results with sequence > after, in sequence order."""
        ...
