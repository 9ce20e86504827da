"""Batch assessments as jobs that outlive a request, kept as files (`job_files`).

A job's folder holds its population file, `job.json`, and the rows and the report of
`assessment.assess`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from eligibility.batch.assess import result_rows
from eligibility.batch.assessment import assess
from eligibility.batch.cluster import Cluster
from eligibility.batch.heartbeat import RESUME, beating
from eligibility.batch.job_files import JobFiles
from eligibility.batch.partitions import describe
from eligibility.batch.populations import KINDS, Population
from eligibility.batch.publish import affected_lines
from eligibility.batch.report import impact_report
from eligibility.batch.retention import Retention
from eligibility.catalogue.lookups import get_version
from eligibility.errors import NotFound
from eligibility.evaluation import EngineName
from eligibility.ports import Storage
from eligibility.records import DecisionFilter
from eligibility.storage import storage_url

SAVE_SECONDS = 0.5


class BatchJobs:
    """The batch jobs kept under `root`, finished ones as long as `keep` says (None: for ever)."""

    def __init__(self, root: str | Path, keep: Retention | None = None) -> None:
        self.files = JobFiles(root, "batch job", keep, then=RESUME)

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
        kind = "decisions" if population is None else suffix[1:]
        fields = {"ruleset": ruleset_id, "version": version, "reform": reform, "population": kind}
        files = {} if population is None else {f"population{suffix}": population}
        return self.files.create(fields, created_by, files)

    def get(self, job_id: str, viewer: str | None = None) -> dict[str, Any]:
        """A job with its progress and rate; `viewer` set: only that viewer's (else NotFound)."""
        return self.files.get(job_id, viewer)

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
        if not self.files.start(job):
            return self.get(job_id)
        folder = self.files.folder(job_id)
        saved = [0.0]

        def progress(processed: int, total: int) -> None:
            if time.monotonic() - saved[0] >= SAVE_SECONDS:
                self.files.write({**job, "processed": processed, "total": total})
                saved[0] = time.monotonic()

        try:
            with beating(lambda: self.files.beat(job_id)):
                done = assess(
                    store,
                    self._population(store, job, folder),
                    job["ruleset"],
                    job["version"],
                    folder,
                    reform=job["reform"],
                    cluster=cluster(),
                    progress=progress,
                    stop=lambda: self.files.cancel_asked(job_id),
                    engine=engine,
                    resume=True,  # a job resumed runs the partitions not yet counted
                )
        except Exception as error:
            self.files.finish(job, "failed", describe(error))
            raise
        job.update(total=done.total, processed=done.processed)
        return self.files.finish(job, done.status, _partitions_error(done.to_dict()))

    def resume(self, job_id: str, viewer: str | None = None) -> dict[str, Any]:
        """Make a failed or cancelled job pending again: run, it runs what was not counted."""
        return self.files.resume(job_id, viewer)

    def cancel(self, job_id: str, viewer: str | None = None) -> dict[str, Any]:
        """Ask a job to stop (the partitions done stay counted); a finished one is left as is."""
        return self.files.cancel(job_id, viewer)

    def report(self, job_id: str, viewer: str | None = None) -> dict[str, Any]:
        """The impact report of a finished job (what was counted, when cancelled or failed)."""
        self.get(job_id, viewer)
        summary = self.files.folder(job_id) / "summary.json"
        if not summary.is_file():
            raise NotFound("report of batch job", job_id)
        return impact_report(json.loads(summary.read_text(encoding="utf-8")))

    def affected(self, job_id: str, viewer: str | None = None) -> Iterator[str]:
        """The claims whose outcome changed, as CSV lines (the first is read now)."""
        report = self.report(job_id, viewer)
        return affected_lines(report, result_rows(self.files.folder(job_id)))

    def _population(self, store: Storage, job: dict[str, Any], folder: Path) -> Population:
        if job["population"] == "decisions":
            source = storage_url(store) or store
            return Population.decisions(source, DecisionFilter(ruleset_id=job["ruleset"]))
        return Population.file(folder / f"population.{job['population']}")


def _partitions_error(summary: dict[str, Any]) -> str | None:
    failed = summary.get("failed_partitions") or []
    if not failed:
        return None
    return "; ".join(
        f"partition {p['index']} (rows {p['from']}–{p['to']}): {p['error']}" for p in failed
    )
