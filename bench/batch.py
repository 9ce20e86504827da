"""(10) Batch assessment of a population on a Dask LocalCluster of 1 and of 2 workers.

A seeded SNAP population (`eligibility batch generate`, CSV) is assessed under
2019-10-01 alone and under 2019-10-01 against 2020-03-01 (baseline and reform)
by `eligibility.batch.assessment.assess` on a LocalCluster of 1 and of 2 worker
processes (started once per size, not timed; a first run warms the workers).
Rows per second from the wall clock, per worker, scaling efficiency (rate with
2 / (2 × rate with 1)), rows per second of worker CPU (each partition's thread
time: what a core gives when the machine is not shared), and the peak RSS of each
worker (psutil, sampled). Per worker process CPU second: rows / the CPU the worker
processes used during the run (Dask's own work and the partitions' file reading too).
"""

from __future__ import annotations

import datetime as dt
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.harness import ROOT, Settings
from bench.replay import worker_cpu

ROWS = 20_000


def _peak_rss(client: Any, stop: threading.Event, peaks: dict[str, float]) -> None:
    import psutil

    def rss() -> float:
        return float(psutil.Process().memory_info().rss)

    while not stop.wait(0.5):
        for worker, value in client.run(rss).items():
            peaks[worker] = max(peaks.get(worker, 0.0), value)


def _timed(store: Any, path: Path, cluster: Any, reform: str | None, out: Path) -> dict[str, Any]:
    from eligibility.batch.assessment import assess
    from eligibility.batch.populations import Population

    peaks: dict[str, float] = {}
    stop = threading.Event()
    sampler = threading.Thread(target=_peak_rss, args=(cluster.client, stop, peaks), daemon=True)
    sampler.start()
    t0, w0 = time.perf_counter(), worker_cpu(cluster)
    people = Population.file(path)
    job = assess(store, people, "snap", "2019-10-01", out, reform=reform, cluster=cluster)
    wall = time.perf_counter() - t0
    stop.set()
    sampler.join()
    if job.status != "done" or job.to_dict()["failed"]:
        raise RuntimeError(f"assessment {job.status}, failed {job.to_dict()['failed']}")
    cpu = job.to_dict()["cpu_seconds"]
    workers_cpu = worker_cpu(cluster) - w0
    return {
        "rows": job.processed,
        "seconds": round(wall, 2),
        "per_second": round(job.processed / wall, 1),
        "per_worker_cpu_second": round(job.processed / cpu, 1) if cpu else None,
        "per_worker_process_cpu_second": round(job.processed / workers_cpu, 1),
        "peak_rss_mib_per_worker": round(max(peaks.values(), default=0) / 2**20, 1),
    }


def run(settings: Settings) -> dict[str, Any]:
    from eligibility import services
    from eligibility.batch.cluster import connected
    from eligibility.batch.generate import population, write
    from eligibility.batch.worker import compiled
    from eligibility.storage import open_storage
    from eligibility.storage.migrate import upgrade

    rows_wanted = 2_000 if settings.quick else ROWS
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        store = open_storage(url)
        services.sync_rule_files(store, [ROOT / "rules" / "snap"])
        asked = compiled(services.get_version(store, "snap", "2019-10-01")).questions
        path = Path(tmp) / "households.csv"
        write(path, population("snap", rows_wanted, 1, asked, dt.date(2019, 10, 1)))
        for workers in (1, 2):
            with connected(workers=workers) as cluster:
                _timed(store, path, cluster, None, Path(tmp) / "warm")
                for reform in (None, "2020-03-01"):
                    measured = _timed(store, path, cluster, reform, Path(tmp) / f"r{workers}")
                    measured.update(
                        workers=workers,
                        mode="one version" if reform is None else "baseline and reform",
                        per_second_per_worker=round(measured["per_second"] / workers, 1),
                    )
                    results.append(measured)
                    print(
                        f"   {workers}: {measured['mode']} {measured['per_second']}/s", flush=True
                    )
        store.close()
    for row in results:
        one = next(r for r in results if r["workers"] == 1 and r["mode"] == row["mode"])
        ideal = row["workers"] * one["per_second"]
        row["scaling_efficiency"] = round(row["per_second"] / ideal, 2)
    return {"rows": results, "population": rows_wanted}
