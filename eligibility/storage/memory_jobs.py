"""Replay jobs in memory: a dict by id, their results in lists (tests, the examples app)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from eligibility.records import UNFINISHED, ReplayJob, resumable


class MemoryJobs:
    """Replay jobs in a dict by id, their results in lists."""

    def __init__(self) -> None:
        self.items: dict[str, ReplayJob] = {}
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.plans: dict[str, list[dict[str, int]]] = {}
        self.kept: dict[str, dict[int, dict[str, Any]]] = {}  # completed partitions' tallies
        self.lock = threading.Lock()

    def put_results(
        self, job_id: str, low: int, high: int, rows: Sequence[Mapping[str, Any]]
    ) -> None:
        kept = self.rows.setdefault(job_id, [])
        saved = {r["sequence"] for r in kept if low <= r["sequence"] <= high}
        kept.extend(dict(r) for r in rows if r["sequence"] not in saved)

    def results(self, job_id: str, after: int = 0, limit: int = 500) -> Sequence[dict[str, Any]]:
        found = sorted(
            (r for r in self.rows.get(job_id, []) if r["sequence"] > after),
            key=lambda r: r["sequence"],
        )
        return found[:limit]

    def add(self, job: ReplayJob) -> None:
        self.items[job.id] = job

    def get(self, job_id: str) -> ReplayJob | None:
        return self.items.get(job_id)

    def save(self, job: ReplayJob) -> None:
        with self.lock:
            self.items[job.id] = replace(job, heartbeat_at=self.items[job.id].heartbeat_at)

    def save_progress(self, job: ReplayJob) -> bool:
        with self.lock:
            if self.items[job.id].status == "cancelled":
                return False
            self.items[job.id] = replace(job, heartbeat_at=self.items[job.id].heartbeat_at)
            return True

    def beat(self, job_id: str, at: dt.datetime) -> None:
        with self.lock:
            job = self.items[job_id]
            if job.status in UNFINISHED:
                self.items[job_id] = replace(job, heartbeat_at=at)

    def interrupt(
        self, job_id: str, heard: dt.datetime | None, at: dt.datetime, error: str
    ) -> bool:
        with self.lock:
            job = self.items[job_id]
            if job.status not in UNFINISHED or job.heartbeat_at != heard:
                return False
            self.items[job_id] = replace(job, status="failed", finished_at=at, error=error)
            return True

    def cancel(self, job_id: str) -> bool:
        with self.lock:
            job = self.items.get(job_id)
            if job is None or job.status not in ("pending", "running"):
                return False
            self.items[job_id] = replace(job, status="cancelled")
            return True

    def resume(self, job_id: str, at: dt.datetime) -> bool:
        with self.lock:
            job = self.items[job_id]
            if not resumable(job):
                return False
            again = replace(job, status="pending", finished_at=None, error=None, heartbeat_at=at)
            self.items[job_id] = again
            return True

    def save_plan(self, job_id: str, plan: Sequence[Mapping[str, int]]) -> None:
        self.plans[job_id] = [dict(part) for part in plan]

    def plan(self, job_id: str) -> Sequence[dict[str, int]] | None:
        plan = self.plans.get(job_id)
        return [dict(part) for part in plan] if plan is not None else None

    def put_tally(self, job_id: str, part: int, tally: Mapping[str, Any]) -> None:
        with self.lock:
            self.kept.setdefault(job_id, {}).setdefault(part, dict(tally))

    def tallies(self, job_id: str) -> dict[int, dict[str, Any]]:
        with self.lock:
            return {part: dict(tally) for part, tally in self.kept.get(job_id, {}).items()}

    def list(self) -> list[ReplayJob]:
        return sorted(self.items.values(), key=lambda j: (j.created_at, j.id), reverse=True)
