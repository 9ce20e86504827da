"""Replay jobs in SQL: the job's row, its heartbeat, its partitions and their results."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from eligibility.records import UNFINISHED, DecisionFilter, ReplayJob, ReplaySummary
from eligibility.storage.sql.engine import Database
from eligibility.storage.sql.models import ReplayJobRow, ReplayPartitionRow, ReplayResultRow
from eligibility.storage.sql.result_rows import save_results


def _job_row_values(job: ReplayJob) -> dict[str, Any]:
    values = {f.name: getattr(job, f.name) for f in fields(job)}
    values.update(filters=job.filters.to_dict(), summary=job.summary.to_dict())
    return values


def _saved_values(job: ReplayJob) -> dict[str, Any]:
    """What saving a job writes: all but its heartbeat, which only `beat` writes."""
    values = _job_row_values(job)
    del values["heartbeat_at"]
    return values


class SqlJobs:
    """Replay jobs."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, job: ReplayJob) -> None:
        with self.db.write() as session:
            session.add(ReplayJobRow(**_job_row_values(job)))

    def get(self, job_id: str) -> ReplayJob | None:
        with self.db.read() as session:
            row = session.get(ReplayJobRow, job_id)
            return _job(row) if row is not None else None

    def save(self, job: ReplayJob) -> None:
        query = update(ReplayJobRow).where(ReplayJobRow.id == job.id)
        with self.db.write() as session:
            session.execute(query.values(**_saved_values(job)))

    def save_progress(self, job: ReplayJob) -> bool:
        query = update(ReplayJobRow).where(
            ReplayJobRow.id == job.id, ReplayJobRow.status != "cancelled"
        )
        with self.db.write() as session:
            done = session.execute(query.values(**_saved_values(job)))
            return bool(done.rowcount == 1)  # type: ignore[attr-defined]

    def beat(self, job_id: str, at: dt.datetime) -> None:
        query = update(ReplayJobRow).where(
            ReplayJobRow.id == job_id, ReplayJobRow.status.in_(UNFINISHED)
        )
        with self.db.write() as session:
            session.execute(query.values(heartbeat_at=at))

    def interrupt(
        self, job_id: str, heard: dt.datetime | None, at: dt.datetime, error: str
    ) -> bool:
        beat = ReplayJobRow.heartbeat_at
        query = update(ReplayJobRow).where(
            ReplayJobRow.id == job_id,
            ReplayJobRow.status.in_(UNFINISHED),
            beat.is_(None) if heard is None else beat == heard,
        )
        with self.db.write() as session:
            done = session.execute(query.values(status="failed", finished_at=at, error=error))
            return bool(done.rowcount == 1)  # type: ignore[attr-defined]

    def cancel(self, job_id: str) -> bool:
        query = update(ReplayJobRow).where(
            ReplayJobRow.id == job_id, ReplayJobRow.status.in_(("pending", "running"))
        )
        with self.db.write() as session:
            done = session.execute(query.values(status="cancelled"))
            return bool(done.rowcount == 1)  # type: ignore[attr-defined]

    def resume(self, job_id: str, at: dt.datetime) -> bool:
        ended = (ReplayJobRow.status == "failed") | (
            (ReplayJobRow.status == "cancelled") & ReplayJobRow.finished_at.is_not(None)
        )
        query = update(ReplayJobRow).where(ReplayJobRow.id == job_id, ended)
        again = {"status": "pending", "finished_at": None, "error": None, "heartbeat_at": at}
        with self.db.write() as session:
            done = session.execute(query.values(**again))
            return bool(done.rowcount == 1)  # type: ignore[attr-defined]

    def save_plan(self, job_id: str, plan: Sequence[Mapping[str, int]]) -> None:
        query = update(ReplayJobRow).where(ReplayJobRow.id == job_id)
        with self.db.write() as session:
            session.execute(query.values(plan=[dict(part) for part in plan]))

    def plan(self, job_id: str) -> Sequence[dict[str, int]] | None:
        query = select(ReplayJobRow.plan).where(ReplayJobRow.id == job_id)
        with self.db.read() as session:
            plan = session.scalar(query)
            return [dict(part) for part in plan] if plan is not None else None

    def put_tally(self, job_id: str, part: int, tally: Mapping[str, Any]) -> None:
        insert = postgresql_insert if self.db.dialect == "postgresql" else sqlite_insert
        row = {"job_id": job_id, "part": part, "tally": dict(tally)}
        statement = insert(ReplayPartitionRow).values(**row).on_conflict_do_nothing()
        with self.db.write() as session:
            session.execute(statement)

    def tallies(self, job_id: str) -> dict[int, dict[str, Any]]:
        query = select(ReplayPartitionRow.part, ReplayPartitionRow.tally).where(
            ReplayPartitionRow.job_id == job_id
        )
        with self.db.read() as session:
            return {part: dict(tally) for part, tally in session.execute(query)}

    def list(self) -> list[ReplayJob]:
        query = select(ReplayJobRow).order_by(ReplayJobRow.created_at.desc(), ReplayJobRow.id)
        with self.db.read() as session:
            return [_job(row) for row in session.scalars(query)]

    def put_results(
        self, job_id: str, low: int, high: int, rows: Sequence[Mapping[str, Any]]
    ) -> None:
        if not rows:
            return
        # A partition run again gives the same rows: the ones already saved are kept, so the
        # application role needs only INSERT here (as on the decisions).
        save_results(self.db, job_id, rows)

    def results(self, job_id: str, after: int = 0, limit: int = 500) -> Sequence[dict[str, Any]]:
        query = (
            select(ReplayResultRow.result)
            .where(ReplayResultRow.job_id == job_id, ReplayResultRow.sequence > after)
            .order_by(ReplayResultRow.sequence)
            .limit(limit)
        )
        with self.db.read() as session:
            return [dict(result) for result in session.scalars(query)]


def _job(row: ReplayJobRow) -> ReplayJob:
    values = {f.name: getattr(row, f.name) for f in fields(ReplayJob)}
    values.update(
        filters=DecisionFilter.from_dict(row.filters), summary=ReplaySummary.from_dict(row.summary)
    )
    return ReplayJob(**values)
