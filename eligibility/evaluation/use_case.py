"""The evaluate use case: answers under a compiled version → Evaluation, whole or by step."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from typing import Any

from eligibility.answers import Answers, document
from eligibility.compiler import CompiledRuleSet
from eligibility.engine.select import EngineName
from eligibility.entity_evaluation import Wording, frame_texts, ignored, reasons_of
from eligibility.entity_relevance import entity_walk
from eligibility.errors import EvaluationError
from eligibility.evaluation.goals import goal_result, goal_results, instance_goals, rule_reason
from eligibility.evaluation.inputs import computed
from eligibility.evaluation.questions import instance_question, next_question
from eligibility.evaluation.result import Evaluation, NextQuestion
from eligibility.evaluation.trace import trace
from eligibility.expressions.values import Failure, Value
from eligibility.interview_state import InterviewState
from eligibility.money import scale_answers
from eligibility.next_questions import NextQuestions
from eligibility.relevance import Walk, walk
from eligibility.texts import Texts


def evaluate(
    compiled: CompiledRuleSet,
    raw_answers: Mapping[str, Any],
    *,
    as_of: dt.date | None = None,
    locale: str | Sequence[str] | None = None,
    engine: EngineName = "durable",
    with_trace: bool = False,
    today: dt.date | None = None,
    state: InterviewState | None = None,
) -> Evaluation:
    """Evaluate answers under a compiled version (three-valued; see DESIGN §3–4).

    `locale` is a language or several, best first (see `choose_locale`); `today` is the day
    the claim is made, read only by checks (default: now, see `answer_checks.today`).
    `state`, an interview's, makes this a step from its last one (see `interview_state`).
    """
    ruleset = compiled.ruleset
    answers, env, texts, day = computed(
        compiled, raw_answers, as_of=as_of, locale=locale, engine=engine, today=today, state=state
    )
    if compiled.collections:
        return _with_collections(compiled, answers, env, texts, day, engine, with_trace)
    if state is not None:
        found = state.walk(compiled, env, answers.dont_know)
    else:
        found = walk(compiled, env, answers.dont_know)
    given = answers.plain()  # the document of a claim without collections
    ignored = given.keys() - found.used
    return Evaluation.of(
        ruleset.id,
        ruleset.version,
        compiled.content_hash,
        day,
        texts.locale,
        scale_answers(given, texts.money),
        goal_results(compiled, texts, found),
        _next_questions(compiled, found, texts),
        tuple(sorted(ignored, key=compiled.question_rank.__getitem__)) if ignored else (),
        engine,
        trace(compiled, env) if with_trace else (),
        {},  # no collections: no instances
    )


def _next_questions(
    compiled: CompiledRuleSet, found: Walk, texts: Texts
) -> NextQuestions[NextQuestion]:
    """The walk's next questions, worded when read (none, for a claim decided)."""
    ids = found.next_questions(compiled.question_rank)
    if not ids:
        return NextQuestions(ids, _unworded)
    return NextQuestions(ids, functools.partial(next_question, compiled, found=found, texts=texts))


def _unworded(qid: str) -> NextQuestion:
    """The wording of a question of an empty list: never asked for."""
    raise IndexError(qid)


def _with_collections(
    compiled: CompiledRuleSet,
    answers: Answers,
    env: dict[Any, Value],
    texts: Texts,
    day: dt.date,
    engine: EngineName,
    with_trace: bool,
) -> Evaluation:
    """The Evaluation of a claim with collections (see entity_evaluation.py)."""
    found = entity_walk(compiled, env, answers)
    goals = {}
    for goal in compiled.ruleset.goals:
        value = env[goal.id]
        if isinstance(value, Failure):
            raise EvaluationError(goal.id, value.reason, {"goal": goal.id})
        reasons = tuple(
            rule_reason(rule, rule_value, frame_texts(texts, frame)).at(where)
            for where, rule, rule_value, frame in reasons_of(found, goal.id)
        )
        goals[goal.id] = goal_result(goal, value, texts, reasons)
    relevant = {item.where: item for item in found.next_questions()}
    wording = functools.partial(instance_question, Wording(compiled, texts), relevant)
    return Evaluation(
        ruleset_id=compiled.ruleset.id,
        version=compiled.ruleset.version,
        content_hash=compiled.content_hash,
        as_of=day,
        locale=texts.locale,
        answers={**document(answers), **scale_answers(answers.plain(), texts.money)},
        goals=goals,
        next_questions=NextQuestions(list(relevant), wording),
        ignored_answers=tuple(ignored(compiled, answers, found)),
        engine=engine,
        trace=trace(compiled, env) if with_trace else (),
        instances=instance_goals(compiled, texts, env, found.instance_reasons),
    )
