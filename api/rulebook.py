"""Where the API finds rule-set versions: stored versions (with their lifecycle) or rule files.

The views see one small interface, `RuleBook`; `StoredRuleBook` reads the storage
services, so drafts, publications and retirements made through the API show up at once
in every worker (the rule files are synced into storage at start-up).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from eligibility import services
from eligibility.compiler import CompiledRuleSet
from eligibility.errors import RuleSetNotFound
from eligibility.expressions.typecheck import suggest
from eligibility.model import RuleSet, Status
from eligibility.ports import Storage


@dataclass(frozen=True)
class Entry:
    """A compiled version and its lifecycle status."""

    compiled: CompiledRuleSet
    status: Status

    @property
    def ruleset(self) -> RuleSet:
        """The authored version."""
        return self.compiled.ruleset

    @property
    def content_hash(self) -> str:
        """sha256 of the version's canonical content."""
        return self.compiled.content_hash

    @property
    def draft(self) -> bool:
        """True for versions not yet published."""
        return self.status == "draft"


@dataclass(frozen=True)
class RulesetEntry:
    """A rule set with the versions the caller may see, oldest first."""

    id: str
    versions: tuple[Entry, ...]

    @property
    def latest(self) -> Entry:
        """The newest version (its texts describe the rule set)."""
        return self.versions[-1]


class RuleBook(Protocol):
    """Versions by rule set, by id and by date."""

    def ids(self) -> list[str]:
        """Rule set ids, sorted."""
        ...

    def entries(self, ruleset_id: str) -> list[Entry]:
        """Every version of a rule set, oldest first; RuleSetNotFound if none."""
        ...

    def entry(self, ruleset_id: str, version: str) -> Entry:
        """One version; VersionNotFound / RuleSetNotFound."""
        ...

    def select(self, ruleset_id: str, as_of: dt.date) -> Entry:
        """The published version covering `as_of`; VersionNotFound / RuleSetNotFound."""
        ...

    def forget(self) -> None:
        """Drop anything remembered about which versions are published."""
        ...


class StoredRuleBook:
    """Versions as stored (the rule files are synced into storage at start-up)."""

    def __init__(self, store: Storage, cache_seconds: float = 0.0) -> None:
        self.store = store
        self.cache_seconds = cache_seconds
        # (rule set, date) → (when it expires, entry): selection by date is the hot path,
        # and a published version's content never changes, only which dates it covers.
        self._selected: dict[tuple[str, dt.date], tuple[float, Entry]] = {}

    def ids(self) -> list[str]:
        """Rule set ids, sorted."""
        return sorted({v.ruleset_id for v in services.list_versions(self.store)})

    def entries(self, ruleset_id: str) -> list[Entry]:
        """Every version of a rule set, oldest first."""
        with self._suggesting(ruleset_id):
            stored = services.list_versions(self.store, ruleset_id)
        return [Entry(services.compiled_version(v), v.status) for v in stored]

    def entry(self, ruleset_id: str, version: str) -> Entry:
        """One version."""
        with self._suggesting(ruleset_id):
            stored = services.get_version(self.store, ruleset_id, version)
        return Entry(services.compiled_version(stored), stored.status)

    def select(self, ruleset_id: str, as_of: dt.date) -> Entry:
        """The published version covering `as_of` (remembered for `cache_seconds`)."""
        key, now = (ruleset_id, as_of), time.monotonic()
        remembered = self._selected.get(key)
        if remembered is not None and remembered[0] > now:
            return remembered[1]
        with self._suggesting(ruleset_id):
            compiled = services.select_version(self.store, ruleset_id, as_of=as_of)
        entry = Entry(compiled, "published")
        if self.cache_seconds > 0:
            if len(self._selected) > 10_000:
                self._selected.clear()
            self._selected[key] = (now + self.cache_seconds, entry)
        return entry

    def forget(self) -> None:
        """Drop remembered selections (after a publication or retirement in this worker)."""
        self._selected.clear()

    @contextmanager
    def _suggesting(self, ruleset_id: str) -> Iterator[None]:
        """Add "did you mean" to a RuleSetNotFound."""
        try:
            yield
        except RuleSetNotFound:
            hint = suggest(ruleset_id, self.ids())
            if hint is None:
                raise
            raise RuleSetNotFound(f"no rule set '{ruleset_id}'; did you mean '{hint}'?") from None


def visible(entries: list[Entry], see_drafts: bool) -> list[Entry]:
    """The versions a caller may see: drafts only for authors, publishers and auditors."""
    return [e for e in entries if see_drafts or not e.draft]


__all__ = ["Entry", "RuleBook", "RulesetEntry", "StoredRuleBook"]
