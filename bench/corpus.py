"""The rule sets and answer sets every benchmark shares.

Complete answer sets are the authors' scenarios whose evaluation decides every goal
(for SNAP also seeded random households); partial ones are the steps of the interviews
that lead to them: start with no answer, answer the first next question from the
complete set, repeat while the evaluation is still open. Both are derived with the
pure evaluator and are the same for every engine measured.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from bench.harness import ROOT
from bench.snap_reference import random_answers

RULE_DIRS = {
    "kurzarbeitergeld": ROOT / "rules" / "kurzarbeitergeld",
    "snap": ROOT / "rules" / "snap",
    "fishing-licence": ROOT / "tests" / "fixtures" / "fishing-licence",
}
SNAP_RANDOM = 100  # random SNAP households besides the scenarios
SEED = 2020


@dataclass(frozen=True)
class AnswerSet:
    """Raw answers (as a client sends them) and the day the claim is about."""

    name: str
    answers: dict[str, Any]
    as_of: dt.date | None = None


@dataclass
class Corpus:
    """One compiled version and its complete and partial answer sets."""

    compiled: Any  # CompiledRuleSet
    complete: list[AnswerSet] = field(default_factory=list)
    partial: list[AnswerSet] = field(default_factory=list)

    @property
    def label(self) -> str:
        """`ruleset@version`."""
        return f"{self.compiled.ruleset.id}@{self.compiled.ruleset.version}"


def available() -> dict[str, Path]:
    """The rule-set folders that exist in this checkout (others are still being written)."""
    return {k: p for k, p in RULE_DIRS.items() if p.is_dir() and any(p.glob("*.yaml"))}


@cache
def compiled_versions(ruleset_id: str) -> tuple[Any, ...]:
    """Every version of one rule set, compiled, oldest first."""
    from eligibility import compiled, load_paths

    rulesets = load_paths([RULE_DIRS[ruleset_id]])
    return tuple(compiled(r) for r in sorted(rulesets, key=lambda r: r.effective_from))


def _day(compiled: Any, answer_set: AnswerSet) -> dt.date:
    return answer_set.as_of or compiled.ruleset.effective_from


def is_complete(compiled: Any, answer_set: AnswerSet) -> bool:
    """True when every goal is decided (errors count as not usable)."""
    from eligibility import EligibilityError, evaluate

    try:
        result = evaluate(
            compiled, answer_set.answers, as_of=_day(compiled, answer_set), engine="pure"
        )
    except EligibilityError:
        return False
    return result.complete


def interview(compiled: Any, full: AnswerSet) -> list[AnswerSet]:
    """The open states of an interview that ends in `full` (first next question each time)."""
    from eligibility import evaluate

    steps: list[AnswerSet] = []
    answers: dict[str, Any] = {}
    day = _day(compiled, full)
    for _ in range(len(compiled.questions) + 1):
        result = evaluate(compiled, answers, as_of=day, engine="pure")
        if result.complete or not result.next_questions:
            break
        steps.append(AnswerSet(f"{full.name} [{len(answers)} answers]", dict(answers), day))
        qid = result.next_questions[0].question.id
        if qid not in full.answers:
            break
        answers[qid] = full.answers[qid]
    return steps


@cache
def corpus(ruleset_id: str, version: str) -> Corpus:
    """Answer sets of one version."""
    versions = {c.ruleset.version: c for c in compiled_versions(ruleset_id)}
    compiled = versions[version]
    found = Corpus(compiled)
    candidates = [AnswerSet(s.name, dict(s.answers), s.as_of) for s in compiled.ruleset.scenarios]
    if ruleset_id == "snap":
        rng = random.Random(SEED)
        candidates += [
            AnswerSet(f"random household {i}", random_answers(rng), compiled.ruleset.effective_from)
            for i in range(SNAP_RANDOM)
        ]
    found.complete = [c for c in candidates if is_complete(compiled, c)]
    seen: set[tuple[tuple[str, str], ...]] = set()
    for full in found.complete:
        for step in interview(compiled, full):
            key = tuple(sorted((k, str(v)) for k, v in step.answers.items()))
            if key not in seen:
                seen.add(key)
                found.partial.append(step)
    return found


def versions_of(ruleset_id: str) -> list[str]:
    """Version ids, oldest first."""
    return [c.ruleset.version for c in compiled_versions(ruleset_id)]
