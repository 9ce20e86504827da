"""A worker sets what it holds apart from the collector, and still collects frozen cycles."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from eligibility.batch import collector


class _Node:
    """An object in a reference cycle (only the cycle collector frees it)."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def own_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(collector, "_own_process", lambda: True)
    monkeypatch.setattr(collector, "_since_full", 0)
    try:
        yield
    finally:
        gc.unfreeze()


def test_outside_a_worker_process_nothing_is_frozen() -> None:
    before = gc.get_freeze_count()
    collector.set_apart()
    assert gc.get_freeze_count() == before


def test_a_frozen_cycle_is_collected_within_every_partitions(own_process: None) -> None:
    node = _Node()
    alive = weakref.ref(node)
    collector.set_apart()  # frozen while alive
    assert gc.get_freeze_count() > 0
    del node
    for _ in range(collector.EVERY - 2):
        collector.set_apart()
        gc.collect()
    assert alive() is not None  # frozen: a collection does not see it
    collector.set_apart()  # the EVERY-th partition: unfrozen and collected
    assert alive() is None
    assert gc.get_freeze_count() > 0  # what is alive is frozen again
