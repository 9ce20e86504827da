"""Properties of next questions and ignored answers, on rules/ and on generated rule sets.

(a) answering a question that is not in `next_questions` never changes any goal;
(b) once every goal is decided, no answer to any unanswered question changes a goal;
(c) an interview driven only by `next_questions` always ends with every goal decided;
(d) a goal decided early stops further questions for it (and never changes afterwards);
and ignored answers never influence a goal.

Evaluations use the pure engine: the differential tests show durable_rules gives the same.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

from eligibility import AnswerError, CompiledRuleSet, Evaluation
from eligibility.answers import parse_answers
from eligibility.engine.pure import compute
from eligibility.relevance import walk

from .examples import (
    FLAT_RULESET_IDS,
    claim_dates,
    example_answers,
    pure,
    valid_subset,
    versions_of,
)
from .strategies import answer_sets, generated_rulesets, question_answers

PROPERTIES = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ON_EXAMPLES = settings(PROPERTIES, max_examples=120)
ON_GENERATED = settings(PROPERTIES, max_examples=150)

Goals = dict[str, tuple[Any, bool]]


def goals(result: Evaluation) -> Goals:
    """Each goal's value and whether it is decided."""
    return {g: (r.value, r.decided) for g, r in result.goals.items()}


def asked(result: Evaluation) -> list[str]:
    """The ids of the next questions, in order."""
    return [q.question.id for q in result.next_questions]


_ANSWERS: dict[tuple[str, bool], dict[str, st.SearchStrategy[Any]]] = {}


@dataclasses.dataclass
class Case:
    """A version, a claim date, and a valid answer set to start from."""

    version: CompiledRuleSet
    as_of: dt.date | None
    answers: dict[str, Any]

    def evaluate(self, answers: dict[str, Any] | None = None) -> Evaluation:
        return pure(self.version, self.answers if answers is None else answers, self.as_of)

    def answer(self, data: st.DataObject, qid: str, *, dont_know: bool = True) -> Any:
        key = (self.version.content_hash, dont_know)
        if key not in _ANSWERS:
            _ANSWERS[key] = question_answers(self.version, dont_know=dont_know)
        return data.draw(_ANSWERS[key][qid], label=f"answer to {qid}")

    def try_evaluate(self, answers: dict[str, Any]) -> Evaluation | None:
        """The evaluation, or None when a check refuses the answers (not a goal change)."""
        try:
            return self.evaluate(answers)
        except AnswerError:
            return None


def example_case(data: st.DataObject, ruleset_id: str) -> Case:
    version = data.draw(versions_of(ruleset_id), label="version")
    as_of = data.draw(claim_dates(version), label="as_of")
    answers = valid_subset(version, data.draw(example_answers(version), label="answers"), as_of)
    return Case(version, as_of, answers)


def generated_case(data: st.DataObject, version: CompiledRuleSet) -> Case:
    return Case(version, None, data.draw(answer_sets(version), label="answers"))


# ------------------------------------------------------------------------------ the checks


def check_unasked_question_changes_nothing(case: Case, data: st.DataObject) -> bool:
    """(a) An unanswered question outside next_questions changes no goal, whatever the answer."""
    before = case.evaluate()
    unasked = [
        q for q in case.version.questions if q not in case.answers and q not in asked(before)
    ]
    if not unasked:
        return False
    qid = data.draw(st.sampled_from(unasked), label="unasked question")
    after = case.try_evaluate({**case.answers, qid: case.answer(data, qid)})
    if after is None:
        return False
    assert goals(after) == goals(before), f"answering {qid} changed a goal"
    return True


def check_ignored_answers_change_nothing(case: Case, data: st.DataObject) -> bool:
    """Ignored answers never influence a goal: removed or changed, the goals stay."""
    before = case.evaluate()
    if not before.ignored_answers:
        return False
    kept = {q: a for q, a in case.answers.items() if q not in before.ignored_answers}
    without = case.try_evaluate(kept)
    assert without is not None and goals(without) == goals(before)
    qid = data.draw(st.sampled_from(before.ignored_answers), label="ignored answer")
    changed = case.try_evaluate({**case.answers, qid: case.answer(data, qid)})
    if changed is not None:
        assert goals(changed) == goals(before), f"changing ignored {qid} changed a goal"
    return True


def check_per_goal_questions(case: Case, data: st.DataObject) -> bool:
    """(d) Next questions are exactly those of undecided goals; a decided goal asks nothing."""
    version = case.version
    parsed = parse_answers(version.questions, case.answers)
    env = compute(version, parsed.values, case.as_of or version.ruleset.effective_from)
    assert not [k for k, v in env.items() if isinstance(v, float)], "a float in the values"
    result = case.evaluate()
    wanted: set[str] = set()
    for goal in version.goal_ids:
        alone = dataclasses.replace(version, goal_ids=(goal,), walks={})  # no cached walk
        relevant = set(walk(alone, env, parsed.dont_know).relevant)
        if result.goals[goal].decided:
            assert not relevant, f"decided goal {goal} still asks {sorted(relevant)}"
        wanted |= relevant
    assert set(asked(result)) == wanted
    if result.complete:
        assert not result.next_questions
    return True


def run_interview(case: Case, data: st.DataObject, *, dont_know: bool) -> Case | None:
    """(c), (d) Answer only next questions until none is left; decided goals never change."""
    answers = dict(case.answers)
    result = case.evaluate(answers)
    decided = {g: v for g, (v, d) in goals(result).items() if d}
    for _ in range(len(case.version.questions) + 1):
        if not result.next_questions:
            break
        qid = data.draw(st.sampled_from(asked(result)[:3]), label="next question")
        assert qid not in answers, f"{qid} was asked again"
        for _attempt in range(5):
            following = case.try_evaluate(
                {**answers, qid: case.answer(data, qid, dont_know=dont_know)}
            )
            if following is not None:
                break
        if following is None:  # the checks refused every answer drawn
            return None
        answers, result = dict(following.answers), following
        for goal, value in decided.items():
            assert goals(result)[goal] == (value, True), f"decided goal {goal} changed"
        decided.update({g: v for g, (v, d) in goals(result).items() if d})
    assert not result.next_questions, "the interview did not end"
    note(f"interview ended after answering {sorted(set(answers) - set(case.answers))}")
    return Case(case.version, case.as_of, answers)


def check_interview_decides_everything(case: Case, data: st.DataObject) -> bool:
    """(c) With known answers the interview ends with every goal decided; then (b)."""
    known = {q: a for q, a in case.answers.items() if a != "unknown"}
    final = run_interview(dataclasses.replace(case, answers=known), data, dont_know=False)
    if final is None:
        return False
    result = final.evaluate()
    assert result.complete, {g: r.value for g, r in result.goals.items()}
    unanswered = [q for q in final.version.questions if q not in final.answers]
    if not unanswered:
        return True
    for qid in data.draw(st.lists(st.sampled_from(unanswered), max_size=3, unique=True)):
        after = final.try_evaluate({**final.answers, qid: final.answer(data, qid)})
        if after is not None:  # (b) nothing changes once every goal is decided
            assert goals(after) == goals(result)
            assert not after.next_questions
    return True


def check_interview_with_dont_know_ends(case: Case, data: st.DataObject) -> bool:
    """With "I don't know" among the answers the interview still ends, never asking twice."""
    final = run_interview(case, data, dont_know=True)
    if final is None:
        return False
    result = final.evaluate()
    for qid, answer in final.answers.items():
        if answer == "unknown":
            assert qid not in asked(result)
    return True


CHECKS = {
    "unasked_question": check_unasked_question_changes_nothing,
    "ignored_answers": check_ignored_answers_change_nothing,
    "interview": check_interview_decides_everything,
    "interview_dont_know": check_interview_with_dont_know_ends,
    "questions_of_decided_goals": check_per_goal_questions,
}
CASES_PER_GENERATED_RULE_SET = 3  # compiling a rule set costs more than a few evaluations


# ------------------------------------------------------------------------------ the tests


@pytest.mark.slow
@pytest.mark.parametrize("check", sorted(CHECKS))
@pytest.mark.parametrize("ruleset_id", FLAT_RULESET_IDS)
@ON_EXAMPLES
@given(data=st.data())
def test_on_example_rule_sets(ruleset_id: str, check: str, data: st.DataObject) -> None:
    assume(CHECKS[check](example_case(data, ruleset_id), data))


@pytest.mark.slow
@pytest.mark.parametrize("check", sorted(CHECKS))
@ON_GENERATED
@given(version=generated_rulesets, data=st.data())
def test_on_generated_rule_sets(check: str, version: CompiledRuleSet, data: st.DataObject) -> None:
    cases = [generated_case(data, version) for _ in range(CASES_PER_GENERATED_RULE_SET)]
    applied = [CHECKS[check](case, data) for case in cases]
    assume(any(applied))
