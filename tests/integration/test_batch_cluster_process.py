"""One Dask cluster per server: spawned once by the master, started once a worker wants it.

`eligibility serve` runs the cluster in a process of its own (`ClusterProcess`) from its
gunicorn hooks; the workers forked afterwards find it through ELIGIBILITY_CLUSTER_DIR and
connect to it instead of starting a LocalCluster each. It ends with the server, or by
itself when the server is gone.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from distributed import Client

from api.config import Config
from api.server import cluster_hooks, together
from eligibility.batch.cluster import SCHEDULER_ENV
from eligibility.batch.cluster_process import FOLDER_ENV, ClusterProcess

WORKER = """
from eligibility.batch.cluster import shared_cluster
cluster = shared_cluster()
answer = cluster.client.submit(sum, [1, 2]).result()
print(cluster.address, cluster.local is None, cluster.workers, answer)
"""
ORPHAN = """
import os
from eligibility.batch.cluster_process import ClusterProcess, server_address
found = ClusterProcess.start(1, processes=False)
server_address(found.folder)
print(found.process.pid, flush=True)
os._exit(0)  # the server dies without stopping its cluster
"""


def gone(pid: int, seconds: float = 60.0) -> bool:
    """True once process `pid` has ended (waiting at most `seconds`)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
            return True
        time.sleep(0.2)
    return False


def test_the_server_has_one_cluster_its_workers_share(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SCHEDULER_ENV, raising=False)
    hooks = together(cluster_hooks(Config(), workers=1, processes=False))
    hooks["when_ready"](None)
    folder = Path(os.environ[FOLDER_ENV])
    try:
        assert not (folder / "address.json").exists()  # idle until a job wants it
        workers = [  # two workers forked after it, as gunicorn's, with a job at once
            subprocess.Popen([sys.executable, "-c", WORKER], stdout=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        answers = [worker.communicate(timeout=180)[0].split() for worker in workers]
        address = answers[0][0]
        assert answers == [[address, "True", "1", "3"]] * 2  # one cluster, none of their own
    finally:
        hooks["on_exit"](None)
    assert FOLDER_ENV not in os.environ and not folder.exists()
    with pytest.raises(OSError):
        Client(address, timeout=2).close()  # stopped with the server


def test_no_cluster_process_for_inline_jobs_or_a_named_scheduler(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(SCHEDULER_ENV, raising=False)
    assert cluster_hooks(Config(jobs_cluster="inline")) == {}
    monkeypatch.setenv(SCHEDULER_ENV, "tcp://elsewhere:8786")
    assert cluster_hooks(Config()) == {}


def test_the_cluster_ends_by_itself_when_its_server_is_gone() -> None:
    started = subprocess.run(
        [sys.executable, "-c", ORPHAN], capture_output=True, text=True, check=True, timeout=180
    )
    assert gone(int(started.stdout.split()[0]))


def test_an_idle_cluster_process_stops_without_a_cluster() -> None:
    found = ClusterProcess.start(1, processes=False)
    found.stop()
    assert not found.process.is_alive() and not found.folder.exists()
