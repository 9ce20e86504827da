"""Scenarios written by legal experts, run against their version: expected vs actual per goal."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eligibility.compiler import CompiledRuleSet
from eligibility.errors import EligibilityError
from eligibility.evaluation import EngineName, Evaluation, evaluate
from eligibility.model import RuleSet, Scenario
from eligibility.values_io import ConversionError, to_plain, to_typed


@dataclass(frozen=True)
class Mismatch:
    """One goal (or the next questions) that did not come out as expected."""

    what: str
    expected: Any
    actual: Any


@dataclass(frozen=True)
class ScenarioResult:
    """The outcome of one scenario."""

    ruleset: str
    version: str
    name: str
    mismatches: tuple[Mismatch, ...] = ()
    error: str | None = None
    evaluation: Evaluation | None = field(default=None, repr=False)

    @property
    def passed(self) -> bool:
        """True when every expectation held and nothing failed."""
        return not self.mismatches and self.error is None


def run_scenario(
    compiled: CompiledRuleSet, ruleset: RuleSet, scenario: Scenario, engine: EngineName = "durable"
) -> ScenarioResult:
    """Evaluate one scenario and compare its goals (and next questions, if pinned)."""
    base: dict[str, Any] = {
        "ruleset": ruleset.id,
        "version": ruleset.version,
        "name": scenario.name,
    }
    try:
        result = evaluate(
            compiled, scenario.answers, as_of=scenario.as_of, engine=engine, with_trace=True
        )
    except EligibilityError as error:
        return ScenarioResult(**base, error=f"{type(error).__name__}: {error}")
    mismatches = [
        m for goal, want in scenario.expect.items() if (m := _compare_goal(result, goal, want))
    ]
    if scenario.expect_next is not None:
        actual = [q.question.id for q in result.next_questions]
        if actual != list(scenario.expect_next):
            mismatches.append(Mismatch("next questions", list(scenario.expect_next), actual))
    return ScenarioResult(**base, mismatches=tuple(mismatches), evaluation=result)


def _compare_goal(result: Evaluation, goal: str, want: Any) -> Mismatch | None:
    got = result.goals[goal]
    if want is None:
        return None if not got.decided else Mismatch(goal, "undecided", to_plain(got.value))
    if not got.decided:
        return Mismatch(goal, to_plain(want), "undecided")
    try:
        expected = to_typed(want, got.type)
    except ConversionError as error:
        return Mismatch(goal, to_plain(want), f"(expectation is not {got.type}: {error})")
    if expected == got.value:
        return None
    return Mismatch(goal, to_plain(expected), to_plain(got.value))


def run_scenarios(
    compiled: CompiledRuleSet, ruleset: RuleSet, engine: EngineName = "durable"
) -> list[ScenarioResult]:
    """Every scenario of a version."""
    return [run_scenario(compiled, ruleset, s, engine) for s in ruleset.scenarios]
