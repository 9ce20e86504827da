"""Incremental interviews equal full evaluations, at every step of random interviews.

Each step adds, changes or removes an answer (or several) and is evaluated twice: as a
step from the interview's state (`evaluate(..., state=...)`: only what the changes reach
is computed again, the relevance walk re-derived where it changed) and in full, with no
walk cached. Goals, reasons, next questions with their whys, ignored answers and answers
must be identical; a step refused by a check must be refused the same way (and the
interview goes on from there). Rule sets: every flat example in rules/, hypothesis'
generated ones and the bench's generated rule set (`bench.generate`).
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench import generate
from eligibility import AnswerError, CompiledRuleSet, Evaluation, evaluate
from eligibility.interview_state import InterviewState

from .examples import FLAT_RULESET_IDS, claim_dates, scenario_answers, versions_of
from .strategies import compile_document, generated_rulesets, question_answers

PROPERTIES = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
STEPS = 12


def full(
    version: CompiledRuleSet, answers: dict[str, Any], as_of: dt.date | None, engine: str = "pure"
) -> Any:
    """The full evaluation (no walk remembered), or the refusal."""
    version.walks.clear()
    try:
        return evaluate(version, answers, as_of=as_of, engine=engine)  # type: ignore[arg-type]
    except AnswerError as error:
        return error.errors


def step(
    version: CompiledRuleSet,
    state: InterviewState,
    answers: dict[str, Any],
    as_of: dt.date | None,
    engine: str = "pure",
) -> Evaluation | dict[str, list[str]]:
    """The evaluation as a step of the interview, or the refusal."""
    try:
        return evaluate(version, answers, as_of=as_of, engine=engine, state=state)  # type: ignore[arg-type]
    except AnswerError as error:
        return error.errors


def interview(
    data: st.DataObject, version: CompiledRuleSet, start: dict[str, Any], engine: str = "pure"
) -> None:
    """Random changes from `start`; every step's incremental result equals the full one."""
    per_question = question_answers(version)
    questions = sorted(per_question)
    as_of = data.draw(claim_dates(version))
    state, answers = InterviewState(), dict(start)
    for number in range(STEPS):
        if number:
            for question in data.draw(st.lists(st.sampled_from(questions), min_size=1, max_size=3)):
                if data.draw(st.integers(0, 4)) == 0:
                    answers.pop(question, None)
                else:
                    answers[question] = data.draw(per_question[question])
        expected = full(version, answers, as_of, engine)
        assert step(version, state, answers, as_of, engine) == expected, (number, answers)


@pytest.mark.parametrize("ruleset_id", FLAT_RULESET_IDS)
@settings(PROPERTIES, max_examples=40)
@given(data=st.data())
def test_interviews_on_the_examples(ruleset_id: str, data: st.DataObject) -> None:
    version = data.draw(versions_of(ruleset_id))
    scenarios = scenario_answers(version)
    start = data.draw(st.sampled_from([{}, *scenarios]))
    interview(data, version, start)


@settings(PROPERTIES, max_examples=60)
@given(version=generated_rulesets, data=st.data())
def test_interviews_on_generated_rule_sets(version: CompiledRuleSet, data: st.DataObject) -> None:
    interview(data, version, {})


@settings(PROPERTIES, max_examples=10)
@given(data=st.data())
def test_interviews_on_the_bench_rule_set(data: st.DataObject) -> None:
    version = bench_version()
    half = generate.partial(300, data.draw(st.sampled_from([0.0, 0.5, 0.9])))
    interview(data, version, half)


@settings(PROPERTIES, max_examples=20)
@given(data=st.data())
def test_a_durable_interview_steps_like_a_full_evaluation(data: st.DataObject) -> None:
    """The first step is durable_rules' full evaluation; the next ones follow from it."""
    version = data.draw(versions_of(FLAT_RULESET_IDS[0]))
    interview(data, version, {}, engine="durable")


def test_another_version_or_claim_date_starts_again() -> None:
    version, other = bench_version(), compile_document(generate.document(30, "other"))
    state = InterviewState()
    answers = generate.partial(300, 0.5)
    first = evaluate(version, answers, engine="pure", state=state)
    assert evaluate(other, {}, engine="pure", state=state) == full(other, {}, None)
    later = version.ruleset.effective_from + dt.timedelta(days=3)
    assert evaluate(version, answers, as_of=later, engine="pure", state=state) == full(
        version, answers, later
    )
    assert first.next_questions == full(version, answers, None).next_questions


@functools.cache
def bench_version() -> CompiledRuleSet:
    """The bench's generated rule set of 300 rules (compiled once)."""
    return compile_document(generate.document(300))
