"""Scenarios checked when a version loads: names, answers and expectations against their types.

So `rules lint` refuses a scenario whose answer `rules test` would refuse anyway, with the line
of the answer and the reason, instead of failing later without either.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eligibility.answers import DONT_KNOW, check_answer
from eligibility.expressions.typecheck import suggest
from eligibility.model import Goal, RuleSet, Scenario
from eligibility.values_io import ConversionError, to_typed

Report = Callable[[str, str, "str | None"], None]


def check_scenarios(ruleset: RuleSet, report: Report) -> None:
    """Report every unknown name and every answer or expectation that does not fit its type."""
    for index, scenario in enumerate(ruleset.scenarios):
        where = f"scenarios[{index}]"
        _check_answers(ruleset, scenario, f"{where}.answers", report)
        _check_expectations(ruleset, scenario, f"{where}.expect", report)
        for part, keys in (
            ("expect_next", scenario.expect_next),
            ("expect_refused", scenario.expect_refused),
        ):
            lists = part == "expect_refused"  # a check may refuse a whole list: `employees`
            _check_questions(ruleset, keys or (), f"{where}.{part}", report, lists)


def _check_questions(
    ruleset: RuleSet, keys: tuple[str, ...], path: str, report: Report, lists: bool = False
) -> None:
    collections = {c.id for c in ruleset.collections} if lists else set()
    for key in keys:
        if key.startswith("/"):
            _check_instance_question(ruleset, key, path, report)
        elif key not in collections and ruleset.question(key) is None:
            report(path, f"unknown question '{key}'", suggest(key, ruleset.question_ids))


def _check_instance_question(ruleset: RuleSet, key: str, path: str, report: Report) -> None:
    """A question of an instance named by its pointer: /children/c1/age (one level deep)."""
    parts = key.split("/")
    named = parts[1] if len(parts) == 4 else None
    collection = next((c for c in ruleset.collections if c.id == named), None)
    if collection is None:
        report(path, f"'{key}' names no question of an instance (/collection/id/question)", None)
    elif collection.question(parts[3]) is None:
        names = [q.id for q in collection.questions]
        report(path, f"unknown question '{key}'", suggest(parts[3], names))


def _check_answers(ruleset: RuleSet, scenario: Scenario, path: str, report: Report) -> None:
    collections = {c.id for c in ruleset.collections}
    for key, answer in scenario.answers.items():
        question = ruleset.question(str(key))
        if key in collections:
            continue  # instances are checked with the whole answers document when run
        if question is None:
            report(f"{path}.{key}", f"unknown question '{key}'", suggest(key, ruleset.question_ids))
        elif answer is None:
            continue  # not answered
        elif answer == DONT_KNOW and question.type != "string":
            if not question.allow_unknown:
                report(
                    f"{path}.{key}",
                    f"'{key}' does not accept \"unknown\" (allow_unknown is not set): "
                    "give an answer, or leave the question out",
                    None,
                )
        else:
            try:
                check_answer(question, answer)
            except ConversionError as error:
                report(f"{path}.{key}", f"the answer does not fit question '{key}': {error}", None)


def _check_expectations(ruleset: RuleSet, scenario: Scenario, path: str, report: Report) -> None:
    goals = {g.id: g for g in ruleset.goals}
    for key, want in scenario.expect.items():
        goal = goals.get(str(key))
        if str(key).startswith("/") and ruleset.collections:
            goal = _instance_goal(ruleset, str(key))
            if goal is None:
                continue  # an instance's goal the run names (no such instance, or goal)
        if goal is None:
            report(f"{path}.{key}", f"unknown goal '{key}'", suggest(key, goals))
        elif want is not None:
            _check_expectation(goal.type, want, f"{path}.{key}", report)


def _instance_goal(ruleset: RuleSet, at: str) -> Goal | None:
    """The goal an instance's pointer names (/children/c1/amount → children's amount)."""
    parts = at.strip("/").split("/")
    collections, found = ruleset.collections, None
    for cid in parts[:-1:2]:
        found = next((c for c in collections if c.id == cid), None)
        if found is None:
            return None
        collections = found.collections
    if found is None or len(parts) % 2 == 0:
        return None
    return next((g for g in found.goals if g.id == parts[-1]), None)


def _check_expectation(goal_type: str, want: Any, path: str, report: Report) -> None:
    try:
        to_typed(want, goal_type)
    except ConversionError as error:
        report(path, f"the expected value does not fit the goal: {error}", None)
