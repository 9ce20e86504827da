"""Corrections of published versions: a new version that supersedes one for the same window.

A published version never changes; when it turns out wrong, a correction is published
beside it (`supersedes: <version>`, `correction_reason: …`, the same effective window).
From the correction's publication on, claims dated in that window are judged by it
(`windows.covering`); decisions recorded under the superseded version keep it and replay
under it exactly, and `services.correction_impact` shows which of them the correction changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from eligibility.catalogue.windows import Window, lineage
from eligibility.errors import Conflict, Problem, RuleSetError
from eligibility.expressions.typecheck import suggest
from eligibility.model import RuleSet


def correction_problems(ruleset: RuleSet, versions: Iterable[Window]) -> list[Problem]:
    """What is wrong with a correction against the rule set's versions: target and window."""
    if ruleset.supersedes is None:
        return []
    versions = [v for v in versions if v.version != ruleset.version]
    target = next((v for v in versions if v.version == ruleset.supersedes), None)
    if target is None:
        hint = suggest(ruleset.supersedes, [v.version for v in versions])
        text = f"no version '{ruleset.supersedes}' of '{ruleset.id}' to supersede"
        return [_problem(ruleset, "supersedes", text, hint)]
    if (target.effective_from, target.effective_to) != (
        ruleset.effective_from,
        ruleset.effective_to,
    ):
        window = f"{target.effective_from} to {target.effective_to or 'open end'}"
        text = f"a correction has the window of the version it supersedes ({window})"
        return [_problem(ruleset, "effective_from", text)]
    return []


def refuse_second_correction(target: Window, correction: str, versions: Iterable[Window]) -> None:
    """Conflict unless `target` is published and no other published version corrects it."""
    if target.status != "published":
        raise Conflict(
            f"{target.version} is {target.status}: only a published version is corrected "
            "(a draft is simply sent again)"
        )
    for other in versions:
        if other.version != correction and other.supersedes == target.version:
            if other.status == "published":
                raise Conflict(
                    f"{target.version} is already corrected by {other.version}; "
                    f"correct {other.version} instead"
                )


def refuse_bad_correction(ruleset: RuleSet, versions: Iterable[Window]) -> None:
    """RuleSetError naming what is wrong with a correction (see `correction_problems`)."""
    problems = correction_problems(ruleset, versions)
    if problems:
        raise RuleSetError(problems)


def refuse_taken_target(supersedes: str | None, version: str, others: list[Any]) -> None:
    """Conflict when `version` would correct a version not published or corrected already."""
    target = next((o for o in others if o.version == supersedes), None)
    if target is not None:
        refuse_second_correction(target, version, others)


def corrections_last(rulesets: list[RuleSet]) -> list[RuleSet]:
    """Versions in an order that stores every corrected version before its correction."""
    by_version: dict[tuple[str, str], RuleSet] = {(r.id, r.version): r for r in rulesets}

    def depth(ruleset: RuleSet) -> int:
        same = {v: r for (i, v), r in by_version.items() if i == ruleset.id}
        return len(lineage(ruleset, same))

    return sorted(rulesets, key=depth)


def _problem(ruleset: RuleSet, path: str, message: str, hint: str | None = None) -> Problem:
    where = ruleset.positions.get(path)
    line, column = (where.line, where.column) if where else (None, None)
    return Problem(message, path, ruleset.source, line, column, hint)
