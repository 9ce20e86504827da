"""(12) Populations at the scale of issue 14: a 1,000,000-row file assessed, and a what-if of
1,000,000 decisions stored on PostgreSQL, each on a Dask LocalCluster of 1 and of 2 workers.

Batch: a seeded SNAP population (`eligibility batch generate`, CSV) assessed under
2019-10-01 alone and against the reform 2020-03-01, measured as `bench.batch` measures
its 20,000 rows (rows/s, per worker CPU second, peak RSS per worker, efficiency 1 → 2).

What-if: a fresh PostgreSQL database; the corpus of SNAP and Kurzarbeitergeld answer
sets (complete and partial) recorded once through the service, then the chain filled up
to the population size with the same evaluations under new ids, through the append path
of the group commit (batches as large as it makes under load; every record sealed and
chained, so the chain verifies afterwards). Then a what-if job per rule set (every
decision under one later version, `bench.replay.WHAT_IF`) on 1 and on 2 workers:
decisions/s, per worker CPU second, peak RSS per worker, efficiency. Streaming is what
keeps the RSS flat at this size. `BENCH_POPULATION` sets another size;
`BENCH_POPULATION_PARTS=assess` or `=what-if` runs one half (each takes ~20–45 minutes here).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import os
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from bench.batch import _peak_rss, _timed
from bench.harness import ROOT, Settings
from bench.replay import RULESETS, WHAT_IF, corpus_requests, worker_cpu

SIZE = 1_000_000
QUICK_SIZE = 20_000


def _assessments(size: int, tmp: Path) -> list[dict[str, Any]]:
    """The population file assessed under one version and with a reform, on 1 and 2 workers."""
    from eligibility import services
    from eligibility.batch.cluster import connected
    from eligibility.batch.generate import population, write
    from eligibility.batch.worker import compiled
    from eligibility.storage import open_storage
    from eligibility.storage.migrate import upgrade

    url = f"sqlite:///{tmp}/population.db"
    upgrade(url)
    store = open_storage(url)
    rows: list[dict[str, Any]] = []
    try:
        services.sync_rule_files(store, [ROOT / "rules" / "snap"])
        asked = compiled(services.get_version(store, "snap", "2019-10-01")).questions
        path = tmp / "households.csv"
        write(path, population("snap", size, 1, asked, dt.date(2019, 10, 1)))
        for workers in (1, 2):
            with connected(workers=workers) as cluster:
                for reform in (None, "2020-03-01"):
                    measured = _timed(store, path, cluster, reform, tmp / f"r{workers}")
                    measured.update(
                        workers=workers,
                        mode="one version" if reform is None else "baseline and reform",
                    )
                    rows.append(measured)
                    print(f"   assess {workers}: {measured}", flush=True)
    finally:
        store.close()
    return rows


def _corpus_evaluations(store: Any) -> list[Any]:
    """Each answer set of the corpus recorded once through the service (its decision kept)."""
    from eligibility import services
    from eligibility.errors import EligibilityError

    recorded = []
    for request in corpus_requests():
        try:
            made = services.record_decision(store, request, "bench", allow_incomplete=True)
        except EligibilityError:
            continue
        recorded.append(made.decision)
    return recorded


def _fill(store: Any, recorded: list[Any], size: int) -> float:
    """Append copies of the recorded decisions (new ids) until the chain holds `size`."""
    from eligibility.decisions import DecisionDraft
    from eligibility.decisions.sealing import PreparedDraft, canonical_text, sha256
    from eligibility.storage.sql.group_commit import DEFAULT_MOST

    fields = [f.name for f in dataclasses.fields(DecisionDraft)]
    drafts = [DecisionDraft(**{name: getattr(d, name) for name in fields}) for d in recorded]
    prepared = [PreparedDraft.of(d) for d in drafts]

    def copy(original: PreparedDraft) -> PreparedDraft:
        # Only the id differs from the original: its text and digest are written again.
        new_id = str(uuid.uuid4())
        text = canonical_text(new_id)
        return PreparedDraft(
            dataclasses.replace(original.draft, id=new_id),
            {**original.texts, "id": text},
            {**original.digests, "id": sha256(text)},
        )

    t0 = time.perf_counter()
    source = itertools.islice(itertools.cycle(prepared), size - len(recorded))
    while batch := [copy(p) for p in itertools.islice(source, DEFAULT_MOST)]:
        # The group commit's own batch path, batches as large as it makes them under load.
        for outcome in store.decisions._append_batch(batch):
            if isinstance(outcome, BaseException):
                raise outcome
    return time.perf_counter() - t0


def _what_if(store: Any, cluster: Any) -> dict[str, Any]:
    """One what-if job per rule set; decisions, wall seconds, worker CPU, peak RSS.

    The jobs run in this process (merging the partitions' counts, saving progress): its
    CPU share of the wall time is reported beside the workers'.
    """
    from eligibility import services

    peaks: dict[str, float] = {}
    stop = threading.Event()
    sampler = threading.Thread(target=_peak_rss, args=(cluster.client, stop, peaks), daemon=True)
    sampler.start()
    total, t0, w0, c0 = 0, time.perf_counter(), worker_cpu(cluster), time.process_time()
    for ruleset_id in RULESETS:
        job = services.start_replay_job(store, ruleset_id, "bench", WHAT_IF[ruleset_id])
        done = services.run_replay_job(store, job.id, cluster=cluster)
        if done.status != "done":
            raise RuntimeError(f"what-if of {ruleset_id}: {done.status} {done.error}")
        total += done.summary.total
    wall = time.perf_counter() - t0
    stop.set()
    sampler.join()
    return {
        "decisions": total,
        "seconds": round(wall, 1),
        "per_second": round(total / wall, 1),
        "per_worker_cpu_second": round(total / (worker_cpu(cluster) - w0), 1),
        "job_process_cpu_share": round((time.process_time() - c0) / wall, 2),
        "peak_rss_mib_per_worker": round(max(peaks.values(), default=0) / 2**20, 1),
    }


def _what_ifs(size: int, tmp: Path) -> dict[str, Any]:
    """`size` decisions stored on PostgreSQL, then what-if on 1 and 2 workers."""
    from eligibility import services
    from eligibility.batch.cluster import connected
    from eligibility.storage import for_batch, open_storage
    from eligibility.storage.migrate import upgrade
    from eligibility.storage.testing import temporary_database

    with temporary_database("postgresql", tmp) as url:
        upgrade(url)
        store = open_storage(url)
        try:
            services.sync_rule_files(store, [ROOT / "rules"])
            recorded = _corpus_evaluations(store)
            # The fill is not measured as the service's appends are: a batch's budget, so a
            # commit that a busy machine holds up over the API's 2 s does not end the run.
            filler = for_batch(store)
            try:
                filled = _fill(filler, recorded, size)
            finally:
                filler.close()
            print(f"   stored {size} decisions ({filled:.0f} s to fill)", flush=True)
            rows = []
            for workers in (1, 2):
                with connected(workers=workers) as cluster:
                    measured = {"workers": workers, **_what_if(store, cluster)}
                    rows.append(measured)
                    print(f"   what-if {workers}: {measured}", flush=True)
            t0 = time.perf_counter()
            verification = services.verify_audit_chain(store)
            verified: dict[str, Any] = {"ok": verification.ok, "checked": verification.checked}
            verified["seconds"] = round(time.perf_counter() - t0, 1)
            with connected(workers=2) as cluster:  # in key ranges, as a verification job does
                t0 = time.perf_counter()
                in_ranges = services.verify_audit_chain(store, cluster=cluster)
                verified["in_ranges_seconds"] = round(time.perf_counter() - t0, 1)
                verified["in_ranges_same"] = in_ranges == verification
        finally:
            store.close()
    return {"rows": rows, "fill_seconds": round(filled, 1), "chain_verified": verified}


def _efficiency(rows: list[dict[str, Any]], key: str) -> None:
    for row in rows:
        one = next(r for r in rows if r["workers"] == 1 and r.get(key) == row.get(key))
        ideal = row["workers"] * one["per_second"]
        row["scaling_efficiency"] = round(row["per_second"] / ideal, 2)


def run(settings: Settings) -> dict[str, Any]:
    size = int(os.environ.get("BENCH_POPULATION") or (QUICK_SIZE if settings.quick else SIZE))
    parts = set((os.environ.get("BENCH_POPULATION_PARTS") or "assess,what-if").split(","))
    assessed: list[dict[str, Any]] = []
    what_if: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        if "assess" in parts:
            assessed = _assessments(size, tmp)
            _efficiency(assessed, "mode")
        if "what-if" in parts:
            what_if = _what_ifs(size, tmp)
            _efficiency(what_if["rows"], "none")
    return {"size": size, "assessment": assessed, "what_if": what_if}
