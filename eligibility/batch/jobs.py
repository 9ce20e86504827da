"""Batch assessments as jobs that outlive a request: one folder per job under a root folder.

A job's folder holds its population file, `job.json` (status, progress, who asked),
the rows and the report of `assessment.assess`, and `cancel` once someone cancels
it. Every process of the server reads the same folder, so any of them answers for
a job whichever one runs it; the writer replaces `job.json` whole. Creating a job
first removes the finished jobs the retention policy no longer keeps (`retention`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from eligibility.batch.assess import result_rows
from eligibility.batch.assessment import assess
from eligibility.batch.cluster import Cluster
from eligibility.batch.partitions import describe
from eligibility.batch.populations import KINDS, Population
from eligibility.batch.publish import affected_lines
from eligibility.batch.report import impact_report
from eligibility.batch.retention import Retention, prune
from eligibility.catalogue.lookups import get_version
from eligibility.errors import NotFound
from eligibility.evaluation import EngineName
from eligibility.ports import Storage
from eligibility.records import DecisionFilter
from eligibility.storage import storage_url

SAVE_SECONDS = 0.5
FINISHED = ("done", "failed", "cancelled")


class BatchJobs:
    """The batch jobs kept under `root`, finished ones as long as `keep` says (None: for ever)."""

    def __init__(self, root: str | Path, keep: Retention | None = None) -> None:
        self.root = Path(root)
        self.keep = keep

    def create(
        self,
        store: Storage,
        ruleset_id: str,
        version: str,
        created_by: str,
        *,
        reform: str | None = None,
        population: bytes | None = None,
        suffix: str = ".csv",
    ) -> dict[str, Any]:
        """A pending job over `population` (a file's bytes) or, None, the recorded decisions."""
        get_version(store, ruleset_id, version)  # an unknown version fails now, not in the job
        if reform is not None:
            get_version(store, ruleset_id, reform)
        if population is not None and suffix not in KINDS:
            raise ValueError(f"a population is a .csv, .jsonl or .parquet file, not {suffix}")
        if self.keep is not None:  # each new job makes room: the old ones' files go
            prune(self.root, self.keep)
        job_id = str(uuid.uuid4())
        folder = self.root / job_id
        folder.mkdir(parents=True)
        kind = "decisions"
        if population is not None:
            (folder / f"population{suffix}").write_bytes(population)
            kind = suffix[1:]
        job = {
            "id": job_id,
            "ruleset": ruleset_id,
            "version": version,
            "reform": reform,
            "population": kind,
            "status": "pending",
            "total": 0,
            "processed": 0,
            "created_by": created_by,
            "created_at": _now(),
            "started_at": None,
            "finished_at": None,
            "error": None,
        }
        self._write(job)
        return job

    def get(self, job_id: str, viewer: str | None = None) -> dict[str, Any]:
        """A job with its progress and rate; `viewer` set: only that viewer's (else NotFound)."""
        path = self.root / _safe(job_id) / "job.json"
        if not path.is_file():
            raise NotFound("batch job", job_id)
        job: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if viewer is not None and job["created_by"] != viewer:
            raise NotFound("batch job", job_id)
        job["rate"] = _rate(job)
        return job

    def run(
        self,
        store: Storage,
        job_id: str,
        cluster: Callable[[], Cluster | None],
        engine: EngineName = "durable",
    ) -> dict[str, Any]:
        """Run a pending job (in the background of a server), keeping job.json up to date.

        `cluster` gives the cluster to run on (None: here), asked once the job is running,
        so a cluster that cannot start fails the job rather than leaving it pending;
        `engine` is the server's engine setting.
        """
        job = self.get(job_id)
        folder = self.root / job_id
        if job["status"] != "pending" or (folder / "cancel").exists():
            return self._finish(job, "cancelled", None) if job["status"] == "pending" else job
        job.update(status="running", started_at=_now())
        self._write(job)
        saved = [0.0]

        def progress(processed: int, total: int) -> None:
            if time.monotonic() - saved[0] >= SAVE_SECONDS:
                self._write({**job, "processed": processed, "total": total})
                saved[0] = time.monotonic()

        try:
            done = assess(
                store,
                self._population(store, job, folder),
                job["ruleset"],
                job["version"],
                folder,
                reform=job["reform"],
                cluster=cluster(),
                progress=progress,
                stop=lambda: (folder / "cancel").exists(),
                engine=engine,
            )
        except Exception as error:
            self._finish(job, "failed", describe(error))
            raise
        job.update(total=done.total, processed=done.processed)
        return self._finish(job, done.status, _partitions_error(done.to_dict()))

    def cancel(self, job_id: str, viewer: str | None = None) -> dict[str, Any]:
        """Ask a job to stop (the partitions done stay counted); a finished one is left as is."""
        job = self.get(job_id, viewer)
        if job["status"] not in FINISHED:
            (self.root / job_id / "cancel").touch()
            if job["status"] == "pending":
                job = self._finish(job, "cancelled", None)
        return self.get(job_id)

    def report(self, job_id: str, viewer: str | None = None) -> dict[str, Any]:
        """The impact report of a finished job (what was counted, when cancelled or failed)."""
        self.get(job_id, viewer)
        summary = self.root / job_id / "summary.json"
        if not summary.is_file():
            raise NotFound("report of batch job", job_id)
        return impact_report(json.loads(summary.read_text(encoding="utf-8")))

    def affected(self, job_id: str, viewer: str | None = None) -> Iterator[str]:
        """The claims whose outcome changed, as CSV lines (the first is read now)."""
        report = self.report(job_id, viewer)
        return affected_lines(report, result_rows(self.root / job_id))

    def _population(self, store: Storage, job: dict[str, Any], folder: Path) -> Population:
        if job["population"] == "decisions":
            source = storage_url(store) or store
            return Population.decisions(source, DecisionFilter(ruleset_id=job["ruleset"]))
        return Population.file(folder / f"population.{job['population']}")

    def _finish(self, job: dict[str, Any], status: str, error: str | None) -> dict[str, Any]:
        job.update(status=status, finished_at=_now(), error=error)
        job.pop("rate", None)
        self._write(job)
        return self.get(job["id"])

    def _write(self, job: dict[str, Any]) -> None:
        path = self.root / job["id"] / "job.json"
        partial = path.with_suffix(f".{uuid.uuid4().hex}.tmp")  # writers never share one
        partial.write_text(json.dumps({k: v for k, v in job.items() if k != "rate"}))
        os.replace(partial, path)


def _safe(job_id: str) -> str:
    """A job id as a folder name: a UUID, nothing that walks out of the root."""
    try:
        return str(uuid.UUID(job_id))
    except ValueError:
        raise NotFound("batch job", job_id) from None


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def _rate(job: dict[str, Any]) -> float:
    if not job.get("started_at"):
        return 0.0
    start = dt.datetime.fromisoformat(job["started_at"])
    end = dt.datetime.fromisoformat(job["finished_at"]) if job.get("finished_at") else None
    seconds = ((end or dt.datetime.now(dt.UTC)) - start).total_seconds()
    return round(job["processed"] / seconds, 1) if seconds > 0 else 0.0


def _partitions_error(summary: dict[str, Any]) -> str | None:
    failed = summary.get("failed_partitions") or []
    if not failed:
        return None
    return "; ".join(
        f"partition {p['index']} (rows {p['from']}–{p['to']}): {p['error']}" for p in failed
    )
