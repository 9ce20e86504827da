"""For authors: what each undecided goal still needs, and every reason given once.

An evaluation lists the next questions for all undecided goals together, and each
goal's reasons in full (several goals often rest on the same rules). An author
explaining a case wants, goal by goal, the questions still open for that goal, and
the known reasons once. The first comes from the relevance walk run for one goal at
a time (DESIGN §4), on the values of the pure evaluator (equal to the engine's).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from eligibility.answers import parse_answers
from eligibility.compiler import CompiledRuleSet
from eligibility.engine.pure import compute
from eligibility.evaluation import GoalResult, Reason
from eligibility.expressions.values import is_known
from eligibility.relevance import walk


def missing_by_goal(
    compiled: CompiledRuleSet, answers: Mapping[str, Any], as_of: dt.date
) -> dict[str, list[str]]:
    """Each undecided goal's unanswered questions that could still change it, in asking order."""
    parsed = parse_answers(compiled.questions, answers)
    env = compute(compiled, parsed.values, as_of)
    found: dict[str, list[str]] = {}
    for goal in compiled.goal_ids:
        if is_known(env[goal]):
            continue
        # A copy that walks this goal alone, with its own walk cache (the shared one is
        # keyed by the answers only, and holds walks over every goal).
        alone = dataclasses.replace(compiled, goal_ids=(goal,), walks={})
        found[goal] = walk(alone, env, parsed.dont_know).next_questions(compiled.question_rank)
    return found


def new_reasons(goals: Iterable[GoalResult], shown: set[str]) -> list[Reason]:
    """The goals' reasons not shown yet, each once, in order; marks them shown."""
    found: list[Reason] = []
    for goal in goals:
        for reason in goal.reasons:
            if reason.rule not in shown:
                shown.add(reason.rule)
                found.append(reason)
    return found
