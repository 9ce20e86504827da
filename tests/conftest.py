"""Shared fixtures: the small fishing-licence rule set of docs/authoring.md."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eligibility import CompiledRuleSet, compiled, load_paths
from eligibility.batch.cluster import (
    SCHEDULER_ENV,
    Cluster,
    close_shared,
    current_shared,
    start_local,
    use_shared,
)
from eligibility.engine import durable

FIXTURES = Path(__file__).resolve().parent / "fixtures"
_fixture_clusters: list[Cluster] = []  # the dask_cluster fixture's, while it runs


@pytest.fixture(scope="session")
def fishing() -> CompiledRuleSet:
    """The fishing-licence example of docs/authoring.md, compiled."""
    (ruleset,) = load_paths([FIXTURES / "fishing-licence"])
    return compiled(ruleset)


@pytest.fixture(scope="module")
def dask_cluster() -> Iterator[Cluster]:
    """A 2-worker Dask LocalCluster (threads: fast to start) for a module, the shared one.

    Per module, not per session: its scheduler threads draw from the global `random`, which
    Hypothesis reports as a strategy using it in any property test that runs beside them.
    """
    cluster = start_local(2, processes=False, dashboard=":0")  # any free port
    use_shared(cluster)
    _fixture_clusters.append(cluster)
    yield cluster
    use_shared(None)
    _fixture_clusters.remove(cluster)
    cluster.close()


@pytest.fixture(autouse=True)
def no_stray_cluster() -> Iterator[None]:
    """A test that started this process's own LocalCluster (worker processes) fails.

    Its job would otherwise start one the first time (seconds of CPU) and leave it to the
    exit, whose logging then meets pytest's closed streams; `dask_cluster` is the one to use.
    """
    yield
    stray = current_shared()
    if stray is not None and stray not in _fixture_clusters:
        close_shared()
        pytest.fail(  # or a job an earlier test left running did
            "the test started a Dask LocalCluster: give it the dask_cluster fixture"
        )


@pytest.fixture
def dask_scheduler(dask_cluster: Cluster, monkeypatch: pytest.MonkeyPatch) -> str:
    """$DASK_SCHEDULER_ADDRESS set to the session cluster (commands connect to it)."""
    monkeypatch.setenv(SCHEDULER_ENV, dask_cluster.address)
    return dask_cluster.address


@pytest.fixture
def durable_decided(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every goal durable_rules decides from now on (in full evaluations and in steps)."""
    decided: list[str] = []
    real = durable.DurableRuntime.settle

    def counted(self: durable.DurableRuntime, registration: Any, step: Any, env: Any) -> None:
        decided.append(step.goal)
        real(self, registration, step, env)

    monkeypatch.setattr(durable.DurableRuntime, "settle", counted)
    return decided
