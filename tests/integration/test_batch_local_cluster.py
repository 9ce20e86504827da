"""A local cluster's workers run without Dask's statistical profiler unless the environment asks."""

from __future__ import annotations

from typing import Any

import pytest

from eligibility.batch.local_cluster import PROFILE_ENV, Cluster, start_local


def _profiled(dask_worker: Any) -> bool:
    return "profile" in dask_worker.periodic_callbacks


def test_workers_keep_no_profile_history(dask_cluster: Cluster) -> None:
    assert set(dask_cluster.client.run(_profiled).values()) == {False}


def test_the_environment_turns_the_profiler_back_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PROFILE_ENV, "True")
    cluster = start_local(1, processes=False, dashboard=None)
    try:
        assert set(cluster.client.run(_profiled).values()) == {True}
        assert cluster.dashboard is None  # and its HTTP routes took a free port, not 8787
    finally:
        cluster.close()
