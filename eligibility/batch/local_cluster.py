"""A LocalCluster on this machine: one single-threaded worker process per core.

The durable engine holds the GIL, so threads add nothing; the machine's memory is
shared among the workers. `cluster.py` connects to it or to any scheduler.

Its workers run without Dask's statistical profiler: it samples each worker's stack every
10 ms (~4 % of a what-if job's CPU) and keeps one profile per second for the last 1,000
seconds (`distributed.admin.low-level-log-length`), so a worker's memory grew with the time
a job ran (~0.2 MiB a second on a what-if job: 306–360 MiB at 1,000,000 decisions against
~160 MiB at 12,000), not with its partitions. The dashboard's profile page stays empty;
DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=True in the environment turns it back on.
"""

from __future__ import annotations

import logging
import os
import socket
import warnings
from dataclasses import dataclass

import dask
from distributed import Client, LocalCluster

PROFILE_ENV = "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED"


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
    shows_dashboard: bool = True  # False: a local cluster started without one

    @property
    def dashboard(self) -> str | None:
        """The address of the Dask dashboard, when it runs."""
        link = self.client.dashboard_link if self.shows_dashboard else None
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
    profiler = {} if PROFILE_ENV in os.environ else {"distributed.worker.profile.enabled": False}
    with warnings.catch_warnings(), dask.config.set(profiler):  # the workers take the config
        warnings.filterwarnings("ignore", message=".*already in use", category=UserWarning)
        local = LocalCluster(
            n_workers=workers or machine_workers(),
            threads_per_worker=1,
            processes=processes,
            dashboard_address=_free_dashboard(dashboard),
            silence_logs=logging.ERROR,
            protocol="tcp",  # an address other clients (a CLI, a test) can reach, even in-process
            # without a dashboard, the scheduler still serves its health routes over HTTP, on
            # Dask's 8787 unless told otherwise: a free port, so a busy 8787 leaks no socket
            scheduler_kwargs={"dashboard_address": ":0"} if dashboard is None else None,
        )
    return Cluster(Client(local, set_as_default=False), local, dashboard is not None)


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
