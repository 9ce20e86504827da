"""A source that remembers what another found, briefly, and serves it while storage is away.

Published versions never change, so a version found by id is remembered whether the
request named it or gave a date; only which dates a version covers (a publication or
retirement elsewhere) can change, and that shows after `seconds`. Drafts change, and a
day as known at a past moment is asked each time. While storage is unavailable, what
was remembered is used past its delay, so evaluations go on from the versions held.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from eligibility.catalogue.sources import VersionSource
from eligibility.compiler import CompiledRuleSet
from eligibility.errors import StorageUnavailable

T = TypeVar("T")
MAX_REMEMBERED = 10_000  # answers remembered per process
AWAY_SECONDS = 2.0  # at least this long between questions to storage while it is away


class CachingSource:
    """Another source's answers remembered for `seconds` (0: asked every time)."""

    def __init__(self, inner: VersionSource, seconds: float = 0.0) -> None:
        self.inner = inner
        self.seconds = seconds
        self._remembered: dict[Hashable, tuple[float, Any]] = {}
        # Until then storage is taken to be away: what was remembered serves, unasked.
        self._away_until = 0.0

    def ids(self) -> list[str]:
        """Rule set ids, sorted (asked every time)."""
        return self.inner.ids()

    def versions(self, ruleset_id: str) -> list[CompiledRuleSet]:
        """Every version of a rule set, oldest first (asked every time)."""
        return self.inner.versions(ruleset_id)

    def get(self, ruleset_id: str, version: str) -> CompiledRuleSet | None:
        """One version (any status), or None; a published or retired one is remembered."""
        key = ("version", ruleset_id, version)
        return self._fresh(key) or self.remembered(
            key,
            lambda: self.inner.get(ruleset_id, version),
            keep=lambda found: found is not None and found.ruleset.status != "draft",
        )

    def covering(
        self, ruleset_id: str, day: dt.date, known_at: dt.datetime | None = None
    ) -> CompiledRuleSet | None:
        """The published version governing `day`; remembered when asked as known now."""
        if known_at is not None:  # as known at a past moment: never remembered
            return self.inner.covering(ruleset_id, day, known_at)
        key = ("day", ruleset_id, day)
        return self._fresh(key) or self.remembered(
            key, lambda: self.inner.covering(ruleset_id, day), keep=lambda found: found is not None
        )

    def remembered(
        self, key: Hashable, fetch: Callable[[], T], keep: Callable[[T], bool] = lambda _: True
    ) -> T:
        """What `fetch` gives, remembered under `key` when `keep` says so.

        If storage is unavailable, what was remembered serves past its delay.
        """
        found = self._remembered.get(key)
        if found is not None and (found[0] > time.monotonic() or self._away()):
            return found[1]  # type: ignore[no-any-return]
        try:
            value = fetch()
        except StorageUnavailable:
            if found is None:
                raise
            self._went_away()
            return found[1]  # type: ignore[no-any-return]
        if self.seconds > 0 and keep(value):
            if len(self._remembered) >= MAX_REMEMBERED:
                self._remembered.clear()
            self._remembered[key] = (time.monotonic() + self.seconds, value)
        return value

    def forget(self) -> None:
        """Drop what was remembered (after a publication or retirement in this process)."""
        self._remembered.clear()

    def _fresh(self, key: Hashable) -> CompiledRuleSet | None:
        """A version remembered under `key` and still within its delay (the usual request)."""
        found = self._remembered.get(key)
        return found[1] if found is not None and found[0] > time.monotonic() else None

    def _away(self) -> bool:
        return time.monotonic() < self._away_until

    def _went_away(self) -> None:
        """Ask storage again only after a while: each question may cost its whole timeout."""
        self._away_until = time.monotonic() + max(self.seconds, AWAY_SECONDS)
