"""Running a batch assessment: the population split, the partitions run, their counts merged.

The job's process reads no row: it finds the partitions (line ends, row groups or
sequence ranges), sends the versions to the workers once, and merges the counts
partitions return. `summary.json` in the output folder keeps the result.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eligibility.batch.assess import AssessTally, AssessTask, assess_partition
from eligibility.batch.assess_plan import identity, keep_counts, keep_plan, kept_counts, kept_plan
from eligibility.batch.cluster import Cluster
from eligibility.batch.partitions import FailedPartition, Partition, run
from eligibility.batch.populations import Population, check_columns, layout
from eligibility.batch.worker import compiled
from eligibility.catalogue.lookups import get_version
from eligibility.evaluation import EngineName
from eligibility.ports import Storage

Progress = Callable[[int, int], None]  # (processed, total)


@dataclass
class Assessment:
    """Where an assessment stands: counts merged so far, failures, where its rows are."""

    id: str
    ruleset_id: str
    version: str
    reform: str | None
    population: str
    out: str
    total: int = 0
    status: str = "running"  # running, done, failed (partitions did not complete), cancelled
    started: float = field(default_factory=time.time)
    finished: float | None = None
    tallies: dict[int, AssessTally] = field(default_factory=dict)
    failed_partitions: list[FailedPartition] = field(default_factory=list)

    @property
    def processed(self) -> int:
        """Rows assessed or failed so far."""
        return sum(t.rows for t in self.tallies.values())

    @property
    def rate(self) -> float:
        """Rows per second since the start."""
        seconds = (self.finished or time.time()) - self.started
        return self.processed / seconds if seconds > 0 else 0.0

    def tally(self) -> AssessTally:
        """The partitions' counts merged in row order."""
        whole = AssessTally()
        for index in sorted(self.tallies):
            whole.merge(self.tallies[index])
        return whole

    def to_dict(self) -> dict[str, Any]:
        """Plain data: the job, its progress and its counts."""
        return {
            "id": self.id,
            "ruleset": self.ruleset_id,
            "version": self.version,
            "reform": self.reform,
            "population": self.population,
            "status": self.status,
            "total": self.total,
            "processed": self.processed,
            "rate": round(self.rate, 1),
            "started_at": _time(self.started),
            "finished_at": _time(self.finished),
            "failed_partitions": [f.to_dict() for f in self.failed_partitions],
            "partitions_done": sorted(self.tallies),
            **self.tally().to_dict(),
        }


def _time(stamp: float | None) -> str | None:
    return None if stamp is None else dt.datetime.fromtimestamp(stamp, dt.UTC).isoformat()


def assess(
    store: Storage,
    population: Population,
    ruleset_id: str,
    version: str,
    out: str | Path,
    *,
    reform: str | None = None,
    cluster: Cluster | None = None,
    as_of: dt.date | None = None,
    locale: str | None = None,
    progress: Progress | None = None,
    stop: Callable[[], bool] | None = None,
    engine: EngineName = "durable",
    resume: bool = False,
) -> Assessment:
    """Assess `population` under `version` (and `reform`) on `cluster` (None: here).

    The rows go to `out`/rows, the counts to `out`/summary.json. A partition that
    cannot complete is named (status failed); `stop` cancels the rest (cancelled).
    `resume`: where `out` holds this assessment from a run that stopped, only the
    partitions it did not count run (`assess_plan`); otherwise it starts afresh.
    """
    baseline = get_version(store, ruleset_id, version)
    target = get_version(store, ruleset_id, reform) if reform is not None else None
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    job = Assessment(
        str(uuid.uuid4()), ruleset_id, version, reform, population.path or "decisions", str(folder)
    )
    what = identity(
        population, ruleset=ruleset_id, version=version, reform=reform, as_of=as_of, locale=locale
    )
    kept = kept_plan(folder, what) if resume else None
    found = kept or layout(population, cluster.workers if cluster else 1)
    check_columns(found.columns, compiled(baseline).questions)
    if kept is not None:  # resumed: what a run before this one counted counts as it was
        job.tallies = kept_counts(folder)
    else:
        keep_plan(folder, what, found)
    job.total = found.total
    task = AssessTask(
        population, found.offsets, baseline, target, str(folder), as_of, locale, engine
    )

    def done(part: Partition, tally: AssessTally) -> None:
        keep_counts(folder, part.index, tally)  # to resume
        job.tallies[part.index] = tally
        if progress is not None:
            progress(job.processed, job.total)

    name = f"assess-{job.id}"
    todo = [part for part in found.partitions if part.index not in job.tallies]
    outcome = run(cluster, assess_partition, todo, (task,), done, stop or _never, name)
    job.failed_partitions = sorted(outcome.failed, key=lambda f: f.partition.index)
    job.status = "cancelled" if outcome.cancelled else "failed" if outcome.failed else "done"
    job.finished = time.time()
    (folder / "summary.json").write_text(json.dumps(job.to_dict(), indent=1), encoding="utf-8")
    return job


def _never() -> bool:
    return False
