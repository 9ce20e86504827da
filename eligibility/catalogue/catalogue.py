"""The catalogue: which version governs a claim, as the caller may see it.

`resolve` is the one place that knows "today" and who may see drafts. Published
versions never change, so what it found is remembered for `cache_seconds` whether
the request named the version or gave a date; only which dates a version covers (a
publication or retirement elsewhere) can change, and that shows after the delay.
While storage is unavailable, what was remembered is used past its delay, so
evaluations go on from the versions this process holds.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from eligibility.catalogue.dating import claim_date, in_period
from eligibility.catalogue.sources import FileSource, VersionSource
from eligibility.compiler import CompiledRuleSet
from eligibility.errors import (
    ClaimDateConflict,
    NoVersionApplies,
    RuleSetNotFound,
    StorageUnavailable,
    VersionNotFound,
)
from eligibility.expressions.typecheck import suggest
from eligibility.model import DatedBy, RuleSet

MAX_REMEMBERED = 10_000  # (rule set, version or date) pairs remembered per process
AWAY_SECONDS = 2.0  # at least this long between questions to storage while it is away


@dataclass(frozen=True)
class Selection:
    """The version that governs a claim and the date the claim is assessed on.

    `dated_by` is set when the claim's own date (an answer) picked the version.
    """

    compiled: CompiledRuleSet
    as_of: dt.date
    dated_by: DatedBy | None = None


@dataclass(frozen=True)
class RulesetVersions:
    """A rule set with the versions the caller may see, oldest first."""

    id: str
    versions: tuple[CompiledRuleSet, ...]

    @property
    def latest(self) -> CompiledRuleSet:
        """The newest version (its texts describe the rule set)."""
        return self.versions[-1]


def visible(compiled: CompiledRuleSet, drafts: bool) -> bool:
    """Drafts are seen only by callers who may see drafts (authors, publishers, auditors)."""
    return drafts or compiled.ruleset.status != "draft"


class Catalogue:
    """Versions of rule sets from one source, resolved for requests and remembered briefly."""

    def __init__(
        self,
        source: VersionSource,
        cache_seconds: float = 0.0,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        self.source = source
        self.cache_seconds = cache_seconds
        self.today = today
        self._remembered: dict[tuple[str, str | dt.date], tuple[float, CompiledRuleSet]] = {}
        self._dating: dict[tuple[str, bool], tuple[float, DatedBy | None]] = {}
        # Until then storage is taken to be away: what was remembered serves, unasked.
        self._away_until = 0.0

    @classmethod
    def of(cls, rulesets: Iterable[RuleSet]) -> Catalogue:
        """A catalogue of versions loaded in this process (rule files, tests, tools)."""
        return cls(FileSource(rulesets))

    def ids(self, drafts: bool = False) -> list[str]:
        """Ids of the rule sets with at least one version the caller may see."""
        return [r.id for r in self.rulesets(drafts)]

    def rulesets(self, drafts: bool = False) -> list[RulesetVersions]:
        """Every rule set with at least one version the caller may see."""
        found = []
        for ruleset_id in self.source.ids():
            versions = tuple(c for c in self.source.versions(ruleset_id) if visible(c, drafts))
            if versions:
                found.append(RulesetVersions(ruleset_id, versions))
        return found

    def ruleset(self, ruleset_id: str, drafts: bool = False) -> RulesetVersions:
        """One rule set and its visible versions; RuleSetNotFound (with a suggestion) if none."""
        versions = tuple(c for c in self.source.versions(ruleset_id) if visible(c, drafts))
        if not versions:
            raise self._unknown(ruleset_id)
        return RulesetVersions(ruleset_id, versions)

    def version(self, ruleset_id: str, version: str, drafts: bool = False) -> CompiledRuleSet:
        """One version the caller may see; VersionNotFound or RuleSetNotFound otherwise."""
        found = self._recall((ruleset_id, version))
        if found is None:
            found = self._fetch((ruleset_id, version), self.source.get)
            if found is None or not visible(found, drafts):
                self.ruleset(ruleset_id, drafts)  # RuleSetNotFound first, when it is that
                raise VersionNotFound(ruleset_id, version)
            if found.ruleset.status != "draft":  # drafts change; published content never does
                self._remember((ruleset_id, version), found)
        return found

    def resolve(
        self,
        ruleset_id: str,
        version: str | None = None,
        as_of: dt.date | None = None,
        drafts: bool = False,
        answers: Mapping[str, Any] | None = None,
        known_at: dt.datetime | None = None,
    ) -> Selection:
        """The version named, else the published one covering the claim's date.

        The claim's date is the answer the rule set dates claims by (`dated_by`) once it
        is given, else `as_of` (default today); an `as_of` outside the claim's own period
        is ClaimDateConflict. A named version without a date is assessed as of its first day.
        `known_at` (default now) is the moment the answer is given for: corrections published
        by then replace the versions they supersede (`windows.covering`).
        """
        if version is not None:
            compiled = self.version(ruleset_id, version, drafts)
            return Selection(compiled, as_of or compiled.ruleset.effective_from)
        dating = self.dating(ruleset_id, drafts) if answers else None
        claim = claim_date(dating, answers) if dating is not None and answers else None
        if dating is None or claim is None:
            day = as_of or self.today()
            return Selection(self.covering(ruleset_id, day, known_at=known_at), day)
        if as_of is not None and not in_period(dating, claim, as_of):
            raise ClaimDateConflict(dating.question, claim, as_of, dating.period)
        compiled = self.covering(ruleset_id, claim, ("answers", dating.question), known_at)
        return Selection(compiled, as_of or claim, dating)

    def dating(self, ruleset_id: str, drafts: bool = False) -> DatedBy | None:
        """The answer that dates the rule set's claims, as its newest version declares it."""
        remembered = self._dating.get((ruleset_id, drafts))
        if remembered is not None and remembered[0] > time.monotonic():
            return remembered[1]
        try:
            if remembered is not None and self._away():
                found = remembered[1]
            else:
                found = self.ruleset(ruleset_id, drafts).latest.ruleset.dated_by
        except StorageUnavailable:
            if remembered is None:
                raise
            self._went_away()
            found = remembered[1]  # as known before storage went away
        if self.cache_seconds > 0:
            self._dating[(ruleset_id, drafts)] = (time.monotonic() + self.cache_seconds, found)
        return found

    def covering(
        self,
        ruleset_id: str,
        day: dt.date,
        where: tuple[str, ...] = ("as_of",),
        known_at: dt.datetime | None = None,
    ) -> CompiledRuleSet:
        """The published version governing `day`; NoVersionApplies (or RuleSetNotFound).

        `where` names the part of the request that gave the day (for the error); a past
        `known_at` is never remembered.
        """
        found = self._recall((ruleset_id, day)) if known_at is None else None
        if found is None:
            found = (
                self._fetch((ruleset_id, day), self.source.covering)
                if known_at is None  # as known now: every source answers that
                else self.source.covering(ruleset_id, day, known_at)
            )
            if found is None:
                self.ruleset(ruleset_id)
                raise NoVersionApplies(
                    f"no published version of '{ruleset_id}' applies on {day.isoformat()}",
                    *where,
                )
            if known_at is None:
                self._remember((ruleset_id, day), found)
        return found

    def forget(self) -> None:
        """Drop what was remembered (after a publication or retirement in this process)."""
        self._remembered.clear()
        self._dating.clear()

    def _fetch(
        self,
        key: tuple[str, Any],
        fetch: Callable[[str, Any], CompiledRuleSet | None],
    ) -> CompiledRuleSet | None:
        """`fetch(*key)` from the source; if storage is unavailable, what was remembered.

        Published versions never change: only a publication or retirement made
        elsewhere meanwhile would be missed, until storage answers again.
        """
        remembered = self._remembered.get(key)
        if remembered is not None and self._away():
            return remembered[1]
        try:
            return fetch(*key)
        except StorageUnavailable:
            if remembered is None:
                raise
            self._went_away()
            return remembered[1]

    def _away(self) -> bool:
        return time.monotonic() < self._away_until

    def _went_away(self) -> None:
        """Ask storage again only after a while: each question may cost its whole timeout."""
        self._away_until = time.monotonic() + max(self.cache_seconds, AWAY_SECONDS)

    def _recall(self, key: tuple[str, str | dt.date]) -> CompiledRuleSet | None:
        remembered = self._remembered.get(key)
        if remembered is None or remembered[0] <= time.monotonic():
            return None
        return remembered[1]

    def _remember(self, key: tuple[str, str | dt.date], compiled: CompiledRuleSet) -> None:
        if self.cache_seconds <= 0:
            return
        if len(self._remembered) >= MAX_REMEMBERED:
            self._remembered.clear()
        self._remembered[key] = (time.monotonic() + self.cache_seconds, compiled)

    def _unknown(self, ruleset_id: str) -> RuleSetNotFound:
        return RuleSetNotFound(ruleset_id, suggest(ruleset_id, self.source.ids()))
