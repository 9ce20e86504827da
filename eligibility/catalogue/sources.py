"""Where versions come from: rule files loaded in this process, or the versions in storage."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol

from eligibility.catalogue.compile_cache import CompileCache, compile_cache
from eligibility.catalogue.corrections import correction_problems
from eligibility.catalogue.windows import covering, refuse_overlap
from eligibility.compiler import CompiledRuleSet
from eligibility.errors import RuleSetError
from eligibility.model import RuleSet
from eligibility.ports import Storage


class VersionSource(Protocol):
    """Versions by rule set, by id and by date, compiled; status in `ruleset.status`."""

    def ids(self) -> list[str]:
        """Rule set ids, sorted."""
        ...

    def versions(self, ruleset_id: str) -> list[CompiledRuleSet]:
        """Every version of a rule set (any status), oldest first; [] for an unknown one."""
        ...

    def get(self, ruleset_id: str, version: str) -> CompiledRuleSet | None:
        """One version (any status), or None."""
        ...

    def covering(
        self, ruleset_id: str, day: dt.date, known_at: dt.datetime | None = None
    ) -> CompiledRuleSet | None:
        """The published version governing `day` as known at `known_at` (default now), or None."""
        ...


class FileSource:
    """Versions loaded from rule files into this process (the CLI, tests, tools)."""

    def __init__(self, rulesets: Iterable[RuleSet] = (), cache: CompileCache | None = None) -> None:
        self.cache = cache or compile_cache()
        self._versions: dict[str, dict[str, CompiledRuleSet]] = {}
        for ruleset in rulesets:
            self.add(ruleset)
        self._check_corrections()

    def _check_corrections(self) -> None:
        """Each correction names a version loaded beside it and keeps its window."""
        problems = []
        for versions in self._versions.values():
            rulesets = [c.ruleset for c in versions.values()]
            for ruleset in rulesets:
                problems.extend(correction_problems(ruleset, rulesets))
        if problems:
            raise RuleSetError(problems)

    def add(self, ruleset: RuleSet) -> CompiledRuleSet:
        """Add (or replace) a version, compiled; a published one may not overlap another."""
        compiled = self.cache.ruleset(ruleset)
        versions = self._versions.setdefault(ruleset.id, {})
        if ruleset.status == "published":
            refuse_overlap(ruleset, [c.ruleset for c in versions.values()], ruleset.source)
        versions[ruleset.version] = compiled
        return compiled

    def ids(self) -> list[str]:
        """Rule set ids, sorted."""
        return sorted(self._versions)

    def versions(self, ruleset_id: str) -> list[CompiledRuleSet]:
        """Every version of a rule set, oldest first."""
        found = self._versions.get(ruleset_id, {}).values()
        return sorted(found, key=lambda c: (c.ruleset.effective_from, c.ruleset.version))

    def get(self, ruleset_id: str, version: str) -> CompiledRuleSet | None:
        """One version, or None."""
        return self._versions.get(ruleset_id, {}).get(version)

    def covering(
        self, ruleset_id: str, day: dt.date, known_at: dt.datetime | None = None
    ) -> CompiledRuleSet | None:
        """The published version governing `day` (a correction in a file is always in force)."""
        versions = self._versions.get(ruleset_id, {})
        found = covering([c.ruleset for c in versions.values()], day, known_at)
        return versions[found.version] if found is not None else None


class StoredSource:
    """Versions as stored, so drafts, publications and retirements show up in every worker."""

    def __init__(self, store: Storage, cache: CompileCache | None = None) -> None:
        self.store = store
        self.cache = cache or compile_cache()

    def ids(self) -> list[str]:
        """Rule set ids, sorted."""
        return sorted({v.ruleset_id for v in self.store.versions.list()})

    def versions(self, ruleset_id: str) -> list[CompiledRuleSet]:
        """Every stored version of a rule set, oldest first."""
        return [self.cache.stored(v) for v in self.store.versions.list(ruleset_id)]

    def get(self, ruleset_id: str, version: str) -> CompiledRuleSet | None:
        """One stored version, or None."""
        stored = self.store.versions.get(ruleset_id, version)
        return self.cache.stored(stored) if stored is not None else None

    def covering(
        self, ruleset_id: str, day: dt.date, known_at: dt.datetime | None = None
    ) -> CompiledRuleSet | None:
        """The published version governing `day` as known at `known_at` (default now)."""
        stored = self.store.versions.covering(ruleset_id, day, known_at)
        return self.cache.stored(stored) if stored is not None else None
