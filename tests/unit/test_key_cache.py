"""Keys found lately are remembered for a few seconds; revoked ones through this process never."""

from __future__ import annotations

import datetime as dt

from eligibility.records import ApiKey
from eligibility.storage.sql.key_cache import KeyCache

T0 = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)


def _key(n: int) -> ApiKey:
    return ApiKey(f"id-{n}", f"key {n}", "client", f"{n:064x}", f"elig_{n}", T0, None, None)


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_key_is_remembered_for_its_seconds_then_read_again() -> None:
    clock = Clock()
    cache = KeyCache(seconds=1.0, clock=clock)
    cache.put(_key(1))
    clock.now += 0.9
    assert cache.get(_key(1).key_hash) == _key(1)
    clock.now += 0.1
    assert cache.get(_key(1).key_hash) is None


def test_a_key_revoked_here_is_forgotten_at_once() -> None:
    cache = KeyCache(seconds=60, clock=Clock())
    cache.put(_key(1))
    cache.put(_key(2))
    cache.forget("id-1")
    assert cache.get(_key(1).key_hash) is None and cache.get(_key(2).key_hash) == _key(2)


def test_zero_seconds_remembers_nothing_and_the_cache_is_bounded() -> None:
    off = KeyCache(seconds=0, clock=Clock())
    off.put(_key(1))
    assert off.get(_key(1).key_hash) is None
    small = KeyCache(seconds=60, most=2, clock=Clock())
    for n in (1, 2, 3):
        small.put(_key(n))
    assert small.get(_key(1).key_hash) is None and small.get(_key(3).key_hash) == _key(3)
