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

from eligibility.answer_document import parse_document
from eligibility.answers import Answers
from eligibility.compiler import CompiledRuleSet
from eligibility.engine.pure import compute
from eligibility.evaluation import GoalResult, Reason
from eligibility.expressions import nodes as n
from eligibility.expressions.values import Value, is_known
from eligibility.relevance import walk


def environment(
    compiled: CompiledRuleSet, raw: Mapping[str, Any], as_of: dt.date
) -> tuple[Answers, dict[Any, Value]]:
    """The answers checked as an evaluation checks them, and every value they give.

    AnswerError when the answers do not fit the questions (checks between answers are
    not run: they refuse a claim, and change no value).
    """
    if compiled.collections:
        parsed = parse_document(compiled.questions, compiled.collections, raw)
    else:
        parsed = compiled.answer_parser(raw)
    return parsed, compute(compiled, parsed.values, as_of, parsed.collections)


def missing_by_goal(
    compiled: CompiledRuleSet, answers: Mapping[str, Any], as_of: dt.date
) -> dict[str, list[str]]:
    """Each undecided root goal's unanswered questions that could still change it, in order."""
    parsed, env = environment(compiled, answers, as_of)
    found: dict[str, list[str]] = {}
    for goal in compiled.goal_ids:
        if is_known(env[goal]):
            continue
        # A copy that walks this goal alone, with its own walk cache (the shared one is
        # keyed by the answers only, and holds walks over every goal).
        alone = dataclasses.replace(compiled, goal_ids=(goal,), walks={})
        found[goal] = walk(alone, env, parsed.dont_know).next_questions(compiled.question_rank)
    return found


def collections_read(compiled: CompiledRuleSet, goal: str) -> list[str]:
    """The collections a root goal aggregates over, directly or through other values.

    The relevance walk stops at aggregates for now, so a goal waiting on instances (or on
    whether the list is complete) names no next question; these say what it waits on.
    """
    found: dict[str, None] = {}
    seen, stack = {goal}, [goal]
    while stack:
        named = compiled.named[stack.pop()]
        for node in n.walk(named.node):
            if isinstance(node, n.Aggregate):
                found.setdefault(node.collection, None)
        for read in named.reads:
            if read in compiled.named and read not in seen:
                seen.add(read)
                stack.append(read)
    return list(found)


def new_reasons(goals: Iterable[GoalResult], shown: set[tuple[str, str | None]]) -> list[Reason]:
    """The goals' reasons not shown yet, each once, in order; marks them shown.

    A reason is its rule and its text: one rule of a collection reads differently for
    each instance ('Anna qualifies.', 'Ben does not qualify.').
    """
    found: list[Reason] = []
    for goal in goals:
        for reason in goal.reasons:
            if (reason.rule, reason.text) not in shown:
                shown.add((reason.rule, reason.text))
                found.append(reason)
    return found
