"""Scenarios written by legal experts, run against their version: expected vs actual per goal."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eligibility.compiler import CompiledRuleSet
from eligibility.errors import AnswerError, EligibilityError, Problem
from eligibility.evaluation import EngineName, Evaluation, evaluate
from eligibility.model import Location, RuleSet, Scenario
from eligibility.values_io import pointer_path, to_plain, to_typed


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
    compiled: CompiledRuleSet,
    ruleset: RuleSet,
    scenario: Scenario,
    engine: EngineName = "durable",
    index: int | None = None,
) -> ScenarioResult:
    """Evaluate one scenario and compare its goals (and next questions, if pinned)."""
    base: dict[str, Any] = {
        "ruleset": ruleset.id,
        "version": ruleset.version,
        "name": scenario.name,
    }
    where = f"scenarios[{ruleset.scenarios.index(scenario) if index is None else index}]"
    try:
        result = evaluate(
            compiled,
            scenario.answers,
            as_of=scenario.as_of,
            engine=engine,
            with_trace=True,
            today=scenario.today,
        )
    except AnswerError as error:  # only the checks between answers get here: lint checks types
        if scenario.expect_refused is not None:
            return ScenarioResult(**base, mismatches=_compare_refused(scenario, error))
        problems = [
            _located(
                ruleset, f"{where}.answers.{pointer_path(at)}", f"the answer is refused: {message}"
            )
            for at, messages in error.errors.items()
            for message in messages
        ]
        return ScenarioResult(**base, error="\n".join(map(str, problems)))
    except EligibilityError as error:
        problem = _located(ruleset, where, f"cannot be evaluated: {error}")
        return ScenarioResult(**base, error=str(problem))
    if scenario.expect_refused is not None:
        refused = Mismatch("refused", sorted(scenario.expect_refused), "accepted")
        return ScenarioResult(**base, mismatches=(refused,), evaluation=result)
    mismatches = [
        m for goal, want in scenario.expect.items() if (m := _compare_goal(result, goal, want))
    ]
    if scenario.expect_next is not None:
        actual = [q.key for q in result.next_questions]
        if actual != list(scenario.expect_next):
            mismatches.append(Mismatch("next questions", list(scenario.expect_next), actual))
    return ScenarioResult(**base, mismatches=tuple(mismatches), evaluation=result)


def _compare_refused(scenario: Scenario, error: AnswerError) -> tuple[Mismatch, ...]:
    """The questions refused must be exactly those the scenario names."""
    wanted = sorted(scenario.expect_refused or ())
    # A root answer by its id (`headcount`), an instance's by its pointer (`/children/c1/age`).
    got = sorted(at if at.count("/") > 1 else pointer_path(at) for at in error.errors)
    return () if got == wanted else (Mismatch("refused", wanted, got),)


def _compare_goal(result: Evaluation, goal: str, want: Any) -> Mismatch | None:
    got = result.goals.get(goal) or instance_goal(result, goal)
    if got is None:
        return Mismatch(goal, to_plain(want), "no such instance goal")
    if want is None:
        return None if not got.decided else Mismatch(goal, "undecided", to_plain(got.value))
    if not got.decided:
        return Mismatch(goal, to_plain(want), "undecided")
    expected = to_typed(want, got.type)  # its type was checked when the version loaded
    if expected == got.value:
        return None
    return Mismatch(goal, to_plain(expected), to_plain(got.value))


def instance_goal(result: Evaluation, at: str) -> Any:
    """The goal of an instance named by JSON Pointer (`/children/c1/amount`), if there is one."""
    parts = at.strip("/").split("/")
    items, found = result.instances, None
    while len(parts) >= 3:
        cid, iid, *parts = parts
        found = next((i for i in items.get(cid, ()) if i.id == iid), None)
        if found is None:
            return None
        items = found.collections
    return found.goals.get(parts[0]) if found is not None and len(parts) == 1 else None


def run_scenarios(
    compiled: CompiledRuleSet, ruleset: RuleSet, engine: EngineName = "durable"
) -> list[ScenarioResult]:
    """Every scenario of a version."""
    return [run_scenario(compiled, ruleset, s, engine, i) for i, s in enumerate(ruleset.scenarios)]


def _located(ruleset: RuleSet, path: str, message: str) -> Problem:
    """A problem at the scenario's line in its file (the closest recorded position of `path`)."""
    probe = path
    while probe and probe not in ruleset.positions:
        probe = probe.rsplit(".", 1)[0] if "." in probe else ""
    where = ruleset.positions.get(probe) or Location(ruleset.source)
    return Problem(message, path, where.file, where.line, where.column)
