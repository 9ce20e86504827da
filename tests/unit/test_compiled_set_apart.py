"""Compiled versions set apart from the cycle collector where a process turns it on."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from typing import Any

import pytest

from eligibility.catalogue import CompileCache, set_apart_compiled

from .support import document, load


def _version(number: str, start: str) -> Any:
    return load(document(version=number, effective_from=start))


def _tracked(thing: object) -> bool:
    """Whether the cycle collector would scan `thing` (frozen objects it does not)."""
    return any(found is thing for found in gc.get_objects())


@pytest.fixture
def set_apart() -> Iterator[None]:
    set_apart_compiled()
    try:
        yield
    finally:
        set_apart_compiled(False)
        gc.unfreeze()


def test_a_kept_version_is_not_scanned_again(set_apart: None) -> None:
    compiled = CompileCache().ruleset(_version("1", "2020-01-01"))
    assert gc.get_freeze_count() > 0
    assert not _tracked(compiled.named)


class _Cycle:
    """An object that refers to itself: only the cycle collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_what_was_set_apart_and_became_garbage_is_freed_when_the_next_is_kept(
    set_apart: None,
) -> None:
    cache = CompileCache()
    held = _Cycle()
    cache.ruleset(_version("1", "2020-01-01"))  # `held` set apart with the rest, alive
    gone = weakref.ref(held)
    del held  # garbage now, but frozen: no collection looks at it
    gc.collect()
    assert gone() is not None
    cache.ruleset(_version("2", "2021-01-01"))
    assert gone() is None  # unfrozen and collected before the rest was set apart again


def test_off_by_default_the_collector_is_left_as_it_is() -> None:
    before = gc.get_freeze_count()
    compiled = CompileCache().ruleset(_version("1", "2020-01-01"))
    assert gc.get_freeze_count() == before
    assert _tracked(compiled.named)
