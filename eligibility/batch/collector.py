"""Python's cycle collector in a worker process: what the worker holds for good set apart.

A full collection scans every tracked object. A worker process holds ~190,000 of them for
good (its compiled versions, Dask's state), so each full collection cost ~70–140 ms, and a
what-if partition (its result rows surviving young collections) triggered one every
~1,000 decisions: 15–27 % of a worker's CPU in a what-if job, for almost nothing found.
`set_apart`, called as a partition starts, freezes what the process holds then
(`gc.freeze`: no collection scans it again; freezing costs nothing, counting the frozen
objects would cost a scan). A frozen cycle is never collected; the cyclic garbage a
partition leaves is small (~2,000 objects: its database statements and connections, not
per row), and every EVERY partitions everything is unfrozen, collected once and frozen
again, so memory stays bounded.

Only in a worker's own process (one a Dask nanny started): a process that runs a cluster's
workers as threads, or a job inline (the API server, tests), keeps its collector as it is.
"""

from __future__ import annotations

import gc
import threading

EVERY = 50  # partitions between two full collections (one costs ~0.1 s; a partition ~1 s)

_lock = threading.Lock()
_since_full = EVERY  # partitions since the last full collection (the first partition makes one)


def set_apart() -> None:
    """Freeze what this worker process holds now; every EVERY partitions, collect first."""
    global _since_full
    if not _own_process():
        return
    with _lock:
        _since_full += 1
        if _since_full >= EVERY:  # frozen cycles (few: a partition's statements) collected
            _since_full = 0
            gc.unfreeze()
            gc.collect()
        gc.freeze()


def _own_process() -> bool:
    """Whether this runs in a Dask worker with a process of its own (started by a nanny)."""
    try:
        from distributed import get_worker

        return get_worker().nanny is not None
    except ValueError:  # not on a worker
        return False
