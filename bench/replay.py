"""(6) Replay: stored decisions replayed per second, SQLite and PostgreSQL, on a Dask
LocalCluster of 1 and of 2 workers.

For each store a fresh migrated database (`eligibility.storage.testing`), the rule
files synced into it, and decisions recorded through the service (`record_decision`:
evaluate with trace, append to the hash chain) from the complete and partial answer
sets of SNAP and Kurzarbeitergeld. Then batch replay jobs (`run_replay_job`: read the
decisions by key range on the workers, re-evaluate each under its recorded version,
compare goal values, then the trace where every goal is the same or the rules behind
a change where one differs, save results and progress) for both rule sets, and what-if
jobs of every decision under one later version (WHAT_IF), on a LocalCluster of 1 and
of 2 worker processes (started once per size and kept across jobs, as the API server
keeps its cluster; the start is not timed); and single replays through
`replay_decision` (fetch the decision and its version, replay, compare everything).
Per core: rate / workers (wall clock); per worker CPU second: decisions / the CPU
time the worker processes used during the jobs (`client.run(time.process_time)`),
which the load of a shared machine disturbs far less. Each figure is the median of
REPEATS runs of the jobs (one run of ~0.5 s moved by a third from run to run on a
virtual machine whose host takes some of its time).
"""

from __future__ import annotations

import itertools
import tempfile
import time
from pathlib import Path
from statistics import median
from typing import Any

from bench.corpus import available, corpus, versions_of
from bench.harness import ROOT, Settings

RULESETS = ("snap", "kurzarbeitergeld")
DECISIONS = 2000
WHAT_IF = {"snap": "2020-03-01", "kurzarbeitergeld": "2026-01-01"}  # every decision under it
REPEATS = 3  # runs of each kind of job per cluster size: each figure is their median


def corpus_requests() -> list[Any]:
    """An evaluation request for each complete and partial answer set of SNAP and KUG.

    In turns: the rule sets, and within each its versions, so that the first requests
    (a bench records the first DECISIONS) hold both rule sets and every version.
    """
    from eligibility import services

    per_ruleset = []
    for ruleset_id in RULESETS:
        if ruleset_id not in available():
            continue
        per_version = []
        for version in versions_of(ruleset_id):
            found = corpus(ruleset_id, version)
            per_version.append(
                [
                    services.EvaluationRequest(
                        ruleset_id, item.answers, version=version, as_of=item.as_of
                    )
                    for item in found.complete + found.partial
                ]
            )
        per_ruleset.append(_in_turns(per_version))
    return _in_turns(per_ruleset)


def _in_turns(lists: list[list[Any]]) -> list[Any]:
    """One item of each list in turn, while any has items left."""
    return [item for turn in itertools.zip_longest(*lists) for item in turn if item is not None]


def _record(store: Any, count: int) -> tuple[int, float]:
    from eligibility import services
    from eligibility.errors import EligibilityError

    recorded = 0
    t0 = time.perf_counter()
    for request in itertools.islice(itertools.cycle(corpus_requests()), count):
        try:
            services.record_decision(store, request, "bench", allow_incomplete=True)
        except EligibilityError:
            continue
        recorded += 1
    return recorded, time.perf_counter() - t0


def worker_cpu(cluster: Any) -> float:
    """CPU seconds the cluster's worker processes have used so far (all their threads)."""
    return float(sum(cluster.client.run(time.process_time).values()))


def _jobs(store: Any, cluster: Any, what_if: bool = False) -> dict[str, float]:
    """Replay every decision (one job per rule set): decisions, wall s, CPU s here and of workers.

    `what_if`: under one later version each (WHAT_IF) instead of each decision's own.
    """
    from eligibility import services

    total = 0
    c0, t0, w0 = time.process_time(), time.perf_counter(), worker_cpu(cluster)
    for ruleset_id in RULESETS:
        target = WHAT_IF[ruleset_id] if what_if else None
        job = services.start_replay_job(store, ruleset_id, "bench", target)
        done = services.run_replay_job(store, job.id, cluster=cluster)
        if not what_if and (done.summary.changed or done.summary.failed):
            raise RuntimeError(
                f"replay changed {done.summary.changed}, failed {done.summary.failed}"
            )
        total += done.summary.total
    return {
        "decisions": total,
        "wall": time.perf_counter() - t0,
        "cpu": time.process_time() - c0,
        "workers_cpu": worker_cpu(cluster) - w0,
    }


def one_store(backend: str, count: int) -> dict[str, Any]:
    from eligibility import services
    from eligibility.batch.cluster import connected
    from eligibility.ports import DecisionFilter
    from eligibility.storage import open_storage
    from eligibility.storage.migrate import upgrade
    from eligibility.storage.testing import temporary_database

    rows = []
    with tempfile.TemporaryDirectory() as tmp, temporary_database(backend, Path(tmp)) as url:
        upgrade(url)
        store = open_storage(url)
        try:
            services.sync_rule_files(store, [ROOT / "rules"])
            recorded, seconds = _record(store, count)
            rows.append(
                {
                    "store": backend,
                    "mode": "record (evaluate with trace + append)",
                    "decisions": recorded,
                    "per_second": round(recorded / seconds, 1),
                    "per_second_per_core": None,
                }
            )
            ids = [d.id for d in services.list_decisions(store, DecisionFilter(), limit=200).items]
            t0 = time.perf_counter()
            for decision_id in ids:
                services.replay_decision(store, decision_id)
            single = len(ids) / (time.perf_counter() - t0)
            rows.append(
                {
                    "store": backend,
                    "mode": "replay_decision, one at a time",
                    "decisions": len(ids),
                    "per_second": round(single, 1),
                    "per_second_per_core": round(single, 1),
                }
            )
            for workers in (1, 2):
                with connected(workers=workers) as cluster:
                    _jobs(store, cluster)  # warm: the workers compile the versions once
                    _jobs(store, cluster, what_if=True)
                    for what_if in (False, True):
                        runs = [_jobs(store, cluster, what_if) for _ in range(REPEATS)]
                        decisions = runs[0]["decisions"]
                        rate = median(decisions / m["wall"] for m in runs)
                        kind = "what-if job" if what_if else "batch job"
                        rows.append(
                            {
                                "store": backend,
                                "mode": f"{kind}, Dask LocalCluster of {workers}",
                                "decisions": decisions,
                                "repeats": REPEATS,
                                "per_second": round(rate, 1),
                                "per_second_per_core": round(rate / workers, 1),
                                "per_worker_cpu_second": round(
                                    median(decisions / m["workers_cpu"] for m in runs), 1
                                ),
                                "parent_cpu_share": round(
                                    median(m["cpu"] / m["wall"] for m in runs), 2
                                ),
                            }
                        )
        finally:
            store.close()
    return {"rows": rows}


def run(settings: Settings) -> dict[str, Any]:
    try:
        from eligibility.services import run_replay_job  # noqa: F401
    except ImportError:
        return {"skipped": "the replay services are not there yet"}
    count = 300 if settings.quick else DECISIONS
    rows: list[dict[str, Any]] = []
    problems = {}
    for backend in ("sqlite", "postgresql"):
        try:
            rows += one_store(backend, count)["rows"]
        except Exception as error:  # noqa: BLE001 - a store that is not there is reported
            problems[backend] = f"{type(error).__name__}: {error}"[:300]
        print(
            f"   {backend}: {[r['per_second'] for r in rows if r['store'] == backend]}", flush=True
        )
    return {"rows": rows, "problems": problems, "decisions_recorded_per_store": count}
