"""The Dask cluster batch work runs on: a LocalCluster sized by the machine, or any scheduler.

`DASK_SCHEDULER_ADDRESS` (or an address given) connects to a running cluster;
otherwise a `LocalCluster` starts with one single-threaded worker process per core
(the durable engine holds the GIL, so threads add nothing) and the machine's memory
shared among them. The same partition code runs either way.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from distributed import Client

from eligibility.batch.cluster_process import FOLDER_ENV, server_address
from eligibility.batch.local_cluster import Cluster, machine_workers, start_local

__all__ = [
    "SCHEDULER_ENV",
    "Cluster",
    "connect",
    "connected",
    "machine_workers",
    "shared_cluster",
    "start_local",
    "use_shared",
]

SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"
log = logging.getLogger("eligibility.batch")
Announce = Callable[[str], None]


def connect(
    address: str | None = None, workers: int | None = None, announce: Announce | None = None
) -> Cluster:
    """The cluster at `address` (else $DASK_SCHEDULER_ADDRESS), or a new local one.

    `announce` is told where the dashboard of a new local cluster is.
    """
    address = address or os.environ.get(SCHEDULER_ENV)
    if not address and os.environ.get(FOLDER_ENV):  # a worker of `eligibility serve`
        found = server_address(os.environ[FOLDER_ENV])
        address = found["address"]
        log.info("Dask cluster of this server at %s; dashboard: %s", address, found["dashboard"])
    if address:
        return Cluster(Client(address, set_as_default=False))
    cluster = start_local(workers)
    message = f"Dask LocalCluster with {cluster.workers} workers; dashboard: {cluster.dashboard}"
    log.info(message)
    if announce is not None:
        announce(message)
    return cluster


@contextmanager
def connected(
    address: str | None = None, workers: int | None = None, announce: Announce | None = None
) -> Iterator[Cluster]:
    """`connect`, closed at the end (a local cluster is stopped)."""
    cluster = connect(address, workers, announce)
    try:
        yield cluster
    finally:
        cluster.close()


_shared: Cluster | None = None
_shared_lock = threading.Lock()


def shared_cluster() -> Cluster:
    """This process's cluster (connected on first use, closed at exit): the API server's jobs.

    Under `eligibility serve` that is the server's one cluster (`cluster_process`);
    a process on its own starts a LocalCluster of its own.
    """
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = connect()
            atexit.register(close_shared)
        return _shared


def use_shared(cluster: Cluster | None) -> None:
    """Make `cluster` the one `shared_cluster` answers (tests: one cluster per session)."""
    global _shared
    with _shared_lock:
        _shared = cluster


def current_shared() -> Cluster | None:
    """The cluster `shared_cluster` answers now, without starting one."""
    with _shared_lock:
        return _shared


def close_shared() -> None:
    """Close this process's cluster, if it has one."""
    global _shared
    with _shared_lock:
        had, _shared = _shared, None
    if had is not None:
        had.close()
