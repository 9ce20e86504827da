"""One LocalCluster for a whole server: a process of its own that every worker connects to.

Each server process starting its own LocalCluster on its first job would run as many
clusters as the server has processes, each with a worker per core. Instead a server
(`eligibility serve`) spawns this process once, before it forks its workers, and hands
them its folder in ELIGIBILITY_CLUSTER_DIR. The process waits, idle, until a worker
wants the cluster (`server_address` leaves a `wanted` file there), then starts the
LocalCluster once and writes its address to `address.json`, which every worker reads;
workers come and go, the cluster stays. It is spawned (a fresh interpreter, nothing
forked from the server) and lives until it is terminated or the process that started
it is gone (it looks twice a second), then closes the cluster.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FOLDER_ENV = "ELIGIBILITY_CLUSTER_DIR"
START_SECONDS = 120.0  # a LocalCluster of one process per core starts in seconds, loaded: ~20
LOOK_SECONDS = 0.5


def _serve(folder: str, owner: int, workers: int | None, processes: bool) -> None:
    """In the cluster process: start the cluster when wanted, keep it while its server lives."""
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    place, cluster = Path(folder), None
    try:
        while not stopped.wait(LOOK_SECONDS) and os.getppid() == owner:  # else orphaned
            if cluster is None and (place / "wanted").exists():
                from eligibility.batch.local_cluster import start_local  # Dask once wanted

                cluster = start_local(workers, processes=processes)
                found = {"address": cluster.address, "dashboard": cluster.dashboard}
                _write(place / "address.json", {**found, "workers": cluster.workers})
    finally:
        if cluster is not None:
            cluster.close()


def _write(path: Path, data: dict[str, Any]) -> None:
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(data), encoding="utf-8")
    os.replace(partial, path)  # readers see it whole or not at all


def server_address(folder: str | Path, seconds: float = START_SECONDS) -> dict[str, Any]:
    """The server's cluster (address, dashboard, workers), started now if no one asked yet."""
    place = Path(folder)
    (place / "wanted").touch()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            return dict(json.loads((place / "address.json").read_text(encoding="utf-8")))
        except FileNotFoundError:
            time.sleep(0.1)
    raise RuntimeError(f"the server's Dask cluster did not start within {seconds:.0f} s")


@dataclass
class ClusterProcess:
    """The process that runs a server's cluster once wanted, and the folder it answers in."""

    process: Any  # multiprocessing.Process of the spawn context
    folder: Path

    @classmethod
    def start(cls, workers: int | None = None, *, processes: bool = True) -> ClusterProcess:
        """Spawn the (idle) cluster process; its cluster starts on the first `server_address`."""
        folder = Path(tempfile.mkdtemp(prefix="eligibility-dask-"))
        process = multiprocessing.get_context("spawn").Process(
            target=_serve,
            args=(str(folder), os.getpid(), workers, processes),
            name="dask-cluster",
            daemon=False,  # its LocalCluster starts worker processes of its own
        )
        process.start()
        return cls(process, folder)

    def stop(self, seconds: float = 20.0) -> None:
        """Close the cluster, end its process (killed after `seconds`), remove the folder."""
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(seconds)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        shutil.rmtree(self.folder, ignore_errors=True)
