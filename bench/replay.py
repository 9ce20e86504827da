"""(6) Replay: stored decisions replayed per second, SQLite and PostgreSQL, on a Dask
LocalCluster of 1 and of 2 workers.

For each store a fresh migrated database (`eligibility.storage.testing`), the rule
files synced into it, and decisions recorded through the service (`record_decision`:
evaluate with trace, append to the hash chain) from the complete and partial answer
sets of SNAP and Kurzarbeitergeld. Then batch replay jobs (`run_replay_job`: read the
decisions by key range on the workers, re-evaluate each under its recorded version,
compare goals, reasons, trace and ignored answers, save results and progress) for
both rule sets on a LocalCluster of 1 and of 2 worker processes (started once per
size and kept across jobs, as the API server keeps its cluster; the start is not
timed); and single replays through `replay_decision` (fetch the decision and its
version, replay). Per core: rate / workers.
"""

from __future__ import annotations

import itertools
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.corpus import available, corpus, versions_of
from bench.harness import ROOT, Settings

RULESETS = ("snap", "kurzarbeitergeld")
DECISIONS = 2000


def _record(store: Any, count: int) -> tuple[int, float]:
    from eligibility import services
    from eligibility.errors import EligibilityError

    items = []
    for ruleset_id in RULESETS:
        if ruleset_id not in available():
            continue
        for version in versions_of(ruleset_id):
            found = corpus(ruleset_id, version)
            for item in found.complete + found.partial:
                items.append((ruleset_id, version, item))
    recorded = 0
    t0 = time.perf_counter()
    for ruleset_id, version, item in itertools.islice(itertools.cycle(items), count):
        request = services.EvaluationRequest(
            ruleset_id, item.answers, version=version, as_of=item.as_of
        )
        try:
            services.record_decision(store, request, "bench", allow_incomplete=True)
        except EligibilityError:
            continue
        recorded += 1
    return recorded, time.perf_counter() - t0


def _jobs(store: Any, cluster: Any) -> tuple[int, float, float]:
    """Replay every decision (one job per rule set); (decisions, wall s, CPU s of this process)."""
    from eligibility import services

    total = 0
    c0, t0 = time.process_time(), time.perf_counter()
    for ruleset_id in RULESETS:
        job = services.start_replay_job(store, ruleset_id, "bench")
        done = services.run_replay_job(store, job.id, cluster=cluster)
        if done.summary.changed or done.summary.failed:
            raise RuntimeError(
                f"replay changed {done.summary.changed}, failed {done.summary.failed}"
            )
        total += done.summary.total
    return total, time.perf_counter() - t0, time.process_time() - c0


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
                    total, wall, cpu = _jobs(store, cluster)
                rate = total / wall
                rows.append(
                    {
                        "store": backend,
                        "mode": f"batch job, Dask LocalCluster of {workers}",
                        "decisions": total,
                        "per_second": round(rate, 1),
                        "per_second_per_core": round(rate / workers, 1),
                        "parent_cpu_share": round(cpu / wall, 2),
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
