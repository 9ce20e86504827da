"""The catalogue of rule-set versions: lookup by id, selection by date, compiled once per hash."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Iterable

from eligibility.canonical import ruleset_hash
from eligibility.compiler import CompiledRuleSet, compile_ruleset
from eligibility.errors import Problem, RuleSetError, RuleSetNotFound, VersionNotFound
from eligibility.expressions.typecheck import suggest
from eligibility.model import RuleSet

_compiled: dict[tuple[str, str], CompiledRuleSet] = {}
_compiled_lock = threading.Lock()


def compiled(ruleset: RuleSet) -> CompiledRuleSet:
    """The compiled form of a version, compiled once per process per content hash.

    Versions with the same content share closures and engine state; each caller still
    gets its own RuleSet (source, status, positions) back.
    """
    key = (ruleset_hash(ruleset), repr(ruleset.scenarios))  # scenarios are checked on compile
    with _compiled_lock:
        found = _compiled.get(key)
    if found is None:
        found = compile_ruleset(ruleset)
        with _compiled_lock:
            found = _compiled.setdefault(key, found)
    return found if found.ruleset is ruleset else dataclasses.replace(found, ruleset=ruleset)


class Catalog:
    """Versions of rule sets known to this process."""

    def __init__(self, rulesets: Iterable[RuleSet] = ()) -> None:
        self._versions: dict[str, dict[str, RuleSet]] = {}
        self._compiled: dict[tuple[str, str], CompiledRuleSet] = {}
        for ruleset in rulesets:
            self.add(ruleset)

    def add(self, ruleset: RuleSet) -> CompiledRuleSet:
        """Add (or replace a draft of) a version, compiling it; overlapping windows are refused."""
        result = compiled(ruleset)
        versions = self._versions.setdefault(ruleset.id, {})
        if ruleset.status == "published":
            self._check_overlap(ruleset, versions)
        versions[ruleset.version] = ruleset
        self._compiled[(ruleset.id, ruleset.version)] = result
        return result

    def _check_overlap(self, ruleset: RuleSet, versions: dict[str, RuleSet]) -> None:
        for other in versions.values():
            if other.version == ruleset.version or other.status != "published":
                continue
            if _overlaps(ruleset, other):
                raise RuleSetError(
                    [
                        Problem(
                            f"the effective window overlaps published version '{other.version}'",
                            "effective_from",
                            ruleset.source,
                        )
                    ]
                )

    def ids(self) -> list[str]:
        """Rule set ids, sorted."""
        return sorted(self._versions)

    def versions(self, ruleset_id: str) -> list[RuleSet]:
        """The versions of a rule set, oldest first."""
        if ruleset_id not in self._versions:
            hint = suggest(ruleset_id, self._versions)
            raise RuleSetNotFound(
                f"no rule set '{ruleset_id}'" + (f"; did you mean '{hint}'?" if hint else "")
            )
        return sorted(
            self._versions[ruleset_id].values(), key=lambda r: (r.effective_from, r.version)
        )

    def get(self, ruleset_id: str, version: str) -> CompiledRuleSet:
        """One version by id."""
        self.versions(ruleset_id)
        found = self._compiled.get((ruleset_id, version))
        if found is None:
            raise VersionNotFound(f"rule set '{ruleset_id}' has no version '{version}'")
        return found

    def select(self, ruleset_id: str, as_of: dt.date) -> CompiledRuleSet:
        """The published version whose effective window contains `as_of`."""
        for ruleset in reversed(self.versions(ruleset_id)):
            if ruleset.status == "published" and ruleset.covers(as_of):
                return self._compiled[(ruleset_id, ruleset.version)]
        raise VersionNotFound(
            f"no published version of '{ruleset_id}' applies on {as_of.isoformat()}"
        )


def _overlaps(a: RuleSet, b: RuleSet) -> bool:
    far = dt.date.max
    return a.effective_from <= (b.effective_to or far) and b.effective_from <= (
        a.effective_to or far
    )
