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
import socket
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from distributed import Client, LocalCluster

from eligibility.batch.cluster_process import FOLDER_ENV, server_address

SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"
log = logging.getLogger("eligibility.batch")
Announce = Callable[[str], None]


def machine_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class Cluster:
    """A client of a cluster, and the local cluster it started (closed with it), if any."""

    client: Client
    local: LocalCluster | None = None

    @property
    def dashboard(self) -> str | None:
        """The address of the Dask dashboard, when it runs."""
        link = self.client.dashboard_link
        return str(link) if link else None

    @property
    def address(self) -> str:
        """The scheduler's address (for other clients: a CLI, a test)."""
        return str(self.client.scheduler.address)

    @property
    def workers(self) -> int:
        """How many workers the scheduler knows now."""
        return len(self.client.scheduler_info().get("workers", {}))

    def close(self) -> None:
        """Close the client, then the local cluster it started."""
        self.client.close()
        if self.local is not None:
            self.local.close()


def start_local(
    workers: int | None = None, *, processes: bool = True, dashboard: str | None = ":8787"
) -> Cluster:
    """A new LocalCluster: `workers` single-threaded processes (default: one per core).

    The dashboard takes `dashboard` (Dask's usual :8787), or another free port when
    that one is taken; `Cluster.dashboard` says which.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*already in use", category=UserWarning)
        local = LocalCluster(
            n_workers=workers or machine_workers(),
            threads_per_worker=1,
            processes=processes,
            dashboard_address=_free_dashboard(dashboard),
            silence_logs=logging.ERROR,
            protocol="tcp",  # an address other clients (a CLI, a test) can reach, even in-process
        )
    return Cluster(Client(local, set_as_default=False), local)


def _free_dashboard(address: str | None) -> str | None:
    """`address`, or any free port when its port is taken.

    Dask falls back to a free port itself, but leaves the socket of its failed attempt
    open (a ResourceWarning later, at some unrelated moment).
    """
    if address is None or not address.rpartition(":")[2].isdigit():
        return address
    host, _, port = address.rpartition(":")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host or "0.0.0.0", int(port)))
        except OSError:
            return f"{host}:0"
    return address


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
            atexit.register(_close_shared)
        return _shared


def use_shared(cluster: Cluster | None) -> None:
    """Make `cluster` the one `shared_cluster` answers (tests: one cluster per session)."""
    global _shared
    with _shared_lock:
        _shared = cluster


def _close_shared() -> None:
    global _shared
    with _shared_lock:
        if _shared is not None:
            _shared.close()
            _shared = None
