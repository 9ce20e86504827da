"""The catalogue: which version governs a claim, as the caller may see it.

`resolve` is the one place that knows "today" and who may see drafts. What the source
answers is remembered for `cache_seconds` (and served while storage is away) by the
`CachingSource` the catalogue wraps it in (`caching.py`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from eligibility.catalogue.caching import CachingSource
from eligibility.catalogue.dating import claim_date, in_period
from eligibility.catalogue.sources import FileSource, VersionSource
from eligibility.compiler import CompiledRuleSet
from eligibility.errors import (
    ClaimDateConflict,
    NoVersionApplies,
    RuleSetNotFound,
    VersionNotFound,
)
from eligibility.expressions.typecheck import suggest
from eligibility.model import DatedBy, RuleSet


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
        self.source = CachingSource(source, cache_seconds)
        self.today = today

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
        found = self.source.get(ruleset_id, version)
        if found is None or not visible(found, drafts):
            self.ruleset(ruleset_id, drafts)  # RuleSetNotFound first, when it is that
            raise VersionNotFound(ruleset_id, version)
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
        return self.source.remembered(
            ("dating", ruleset_id, drafts),
            lambda: self.ruleset(ruleset_id, drafts).latest.ruleset.dated_by,
        )

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
        found = self.source.covering(ruleset_id, day, known_at)
        if found is None:
            self.ruleset(ruleset_id)
            raise NoVersionApplies(
                f"no published version of '{ruleset_id}' applies on {day.isoformat()}", *where
            )
        return found

    def forget(self) -> None:
        """Drop what was remembered (after a publication or retirement in this process)."""
        self.source.forget()

    def _unknown(self, ruleset_id: str) -> RuleSetNotFound:
        return RuleSetNotFound(ruleset_id, suggest(ruleset_id, self.source.ids()))
