"""durable_rules and the pure evaluator agree: same goals, outputs, decidedness, questions, trace.

On every version in rules/ and on generated rule sets, 500 random answer sets each (complete
and partial, "I don't know" included), both engines must give the same Evaluation, or refuse
the answers with the same error.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from eligibility import CompiledRuleSet, EligibilityError, Evaluation, evaluate

from .examples import RULESET_IDS, claim_dates, example_answers, valid_subset, versions_of
from .strategies import complete_answers, generated_rulesets, partial_answers

DIFFERENTIAL = settings(
    max_examples=500,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def outcome(
    version: CompiledRuleSet, answers: dict[str, Any], as_of: dt.date | None, engine: str
) -> Evaluation | str:
    """The evaluation (minus the engine's name), or the error it was refused with."""
    try:
        result = evaluate(version, answers, as_of=as_of, engine=engine, with_trace=True)  # type: ignore[arg-type]
    except EligibilityError as error:
        return f"{type(error).__name__}: {error}"
    return dataclasses.replace(result, engine="-")


def assert_engines_agree(
    version: CompiledRuleSet, answers: dict[str, Any], as_of: dt.date | None = None
) -> None:
    """Both engines give the same outcome, goal by goal and as a whole."""
    durable = outcome(version, answers, as_of, "durable")
    pure = outcome(version, answers, as_of, "pure")
    if isinstance(durable, Evaluation) and isinstance(pure, Evaluation):
        event("eligible: " + str(pure.goals["eligible"].value))
        for goal, result in pure.goals.items():
            other = durable.goals[goal]
            assert (other.value, other.decided) == (result.value, result.decided), goal
    else:
        event(str(pure).split(":")[0])
    assert durable == pure


@pytest.mark.slow
@pytest.mark.parametrize("ruleset_id", RULESET_IDS)
@DIFFERENTIAL
@given(data=st.data())
def test_engines_agree_on_example_rule_sets(ruleset_id: str, data: st.DataObject) -> None:
    version = data.draw(versions_of(ruleset_id), label="version")
    answers = data.draw(example_answers(version), label="answers")
    as_of = data.draw(claim_dates(version), label="as_of")
    assert_engines_agree(version, answers, as_of)
    cleaned = valid_subset(version, answers, as_of)
    if cleaned != answers:  # also compare where the refused answers are left out
        assert_engines_agree(version, cleaned, as_of)


@pytest.mark.slow
@DIFFERENTIAL
@given(version=generated_rulesets, data=st.data())
def test_engines_agree_on_generated_rule_sets(
    version: CompiledRuleSet, data: st.DataObject
) -> None:
    assert_engines_agree(version, data.draw(complete_answers(version), label="complete"))
    assert_engines_agree(version, data.draw(partial_answers(version), label="partial"))
