"""One LocalCluster for a whole server: a process of its own that every worker connects to.

Each server process starting its own LocalCluster on its first job would run as many
clusters as the server has processes, each with a worker per core. Instead a server
(`eligibility serve`) starts this process once, before it forks its workers, and hands
them the scheduler's address in DASK_SCHEDULER_ADDRESS; workers come and go, the
cluster stays. The process is spawned (a fresh interpreter, no state forked from the
server), reports the address through a pipe, and lives until it is terminated or the
process that started it is gone (it looks once a second), then closes the cluster.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from eligibility.batch.cluster import start_local

START_SECONDS = 120.0  # a LocalCluster of one process per core starts in a few seconds


def _serve(reply: Connection, owner: int, workers: int | None, processes: bool) -> None:
    """In the cluster process: start the cluster, send its address, keep it while wanted."""
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    cluster = start_local(workers, processes=processes)
    try:
        reply.send((cluster.address, cluster.dashboard, cluster.workers))
        reply.close()
        while not stopped.wait(1.0) and os.getppid() == owner:  # orphaned: the server died
            pass
    finally:
        cluster.close()


@dataclass
class ClusterProcess:
    """The process running a server's cluster, and where its scheduler listens."""

    process: Any  # multiprocessing.Process of the spawn context
    address: str
    dashboard: str | None
    workers: int

    @classmethod
    def start(cls, workers: int | None = None, *, processes: bool = True) -> ClusterProcess:
        """Start the cluster process and wait for its address (RuntimeError if it fails)."""
        context = multiprocessing.get_context("spawn")
        mine, theirs = context.Pipe(duplex=False)
        process = context.Process(
            target=_serve,
            args=(theirs, os.getpid(), workers, processes),
            name="dask-cluster",
            daemon=False,  # its LocalCluster starts worker processes of its own
        )
        process.start()
        theirs.close()
        if not mine.poll(START_SECONDS):
            process.terminate()
            raise RuntimeError(f"the Dask cluster did not start within {START_SECONDS:.0f} s")
        try:
            address, dashboard, count = mine.recv()
        except EOFError:
            raise RuntimeError(f"the Dask cluster process ended ({process.exitcode})") from None
        return cls(process, address, dashboard, count)

    def stop(self, seconds: float = 20.0) -> None:
        """Close the cluster and end its process (killed when it takes longer than `seconds`)."""
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(seconds)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
