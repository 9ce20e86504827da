"""A batch's goal values and its changes equal what `evaluate` gives, row for row.

`goal_values` (no reasons, questions or texts) must give every goal's value as a decision
records it, or refuse the answers with the same error, and `changes` (and `changes_since`,
from a recorded outcome) must name the same rules `goal_changes` finds in two full
evaluations with their trace: on random answer sets
of every example rule set, the authors' scenarios of the rule sets with collections,
random rule sets with a collection, and the generated SNAP and Kurzarbeitergeld populations.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eligibility import CompiledRuleSet, EligibilityError, evaluate
from eligibility.batch.generate import population
from eligibility.batch.outcome_changes import changes, changes_since
from eligibility.batch.outcomes import goal_values
from eligibility.batch.reform import delta, reform_outcome
from eligibility.decisions import goal_value, outcome_of
from eligibility.decisions.changes import goal_changes
from eligibility.evaluation import EngineName

from .entity_strategies import collection_rulesets, documents
from .examples import (
    FLAT_RULESET_IDS,
    RULESET_IDS,
    VERSION_IDS,
    claim_dates,
    example,
    example_answers,
    scenario_answers,
    versions_of,
)

DIFFERENTIAL = settings(
    max_examples=150,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ENGINES: tuple[EngineName, ...] = ("durable", "pure")


def full(
    version: CompiledRuleSet, answers: dict[str, Any], as_of: dt.date, engine: EngineName
) -> dict[str, Any] | str:
    """What a decision would record of `evaluate` (with the trace), or the error."""
    try:
        return outcome_of(evaluate(version, answers, as_of=as_of, engine=engine, with_trace=True))
    except EligibilityError as error:
        return f"{type(error).__name__}: {error}"


def lean(
    version: CompiledRuleSet, answers: dict[str, Any], as_of: dt.date, engine: EngineName
) -> Any:
    """The batch path's outcome, or the error."""
    try:
        return goal_values(version, answers, as_of, engine)
    except EligibilityError as error:
        return f"{type(error).__name__}: {error}"


def assert_same(
    version: CompiledRuleSet,
    answers: dict[str, Any],
    as_of: dt.date | None = None,
    engine: EngineName = "durable",
) -> None:
    """Goal values (instance goals too, in the recorded order) or the error are the same."""
    day = as_of or version.ruleset.effective_from
    expected, found = full(version, answers, day, engine), lean(version, answers, day, engine)
    if isinstance(expected, str) or isinstance(found, str):
        assert found == expected
        return
    values = {g: goal_value(recorded) for g, recorded in expected["goals"].items()}
    assert list(found.goals.items()) == list(values.items())


def assert_same_changes(
    before: CompiledRuleSet,
    after: CompiledRuleSet,
    answers: dict[str, Any],
    as_of: dt.date | None = None,
) -> None:
    """The goals that change between two versions, and the rules behind them, are the same."""
    old = full(before, answers, as_of or before.ruleset.effective_from, "durable")
    new = full(after, answers, as_of or after.ruleset.effective_from, "durable")
    if isinstance(old, str) or isinstance(new, str):
        return  # a refused row has no changes (the batch reports its error)
    locale = after.ruleset.default_locale
    expected = goal_changes(old, new, after, locale)
    first = goal_values(before, answers, as_of or before.ruleset.effective_from)
    second = goal_values(after, answers, as_of or after.ruleset.effective_from)
    assert changes(before, first, after, second, locale) == expected
    # A job's what-if: the recorded outcome (plain, as read from JSON) against goal values.
    recorded = json.loads(json.dumps(old))
    assert changes_since(recorded, after, second, locale) == expected


def assert_same_reform(
    before: CompiledRuleSet,
    after: CompiledRuleSet,
    answers: dict[str, Any],
    as_of: dt.date | None = None,
    engine: EngineName = "durable",
) -> bool:
    """The reform's values from the baseline's (`batch/reform.py`: only what the reform
    changes computed again) are its full evaluation's: the goal values in order, or the
    error; where the goals differ, the same changes. False: the pair is evaluated in full."""
    first_day, day = as_of or before.ruleset.effective_from, as_of or after.ruleset.effective_from
    found = delta(before, after, engine, first_day == day)
    if found is None:
        return False
    try:
        first = goal_values(before, answers, as_of, engine)
    except EligibilityError:
        return True  # a row the baseline refuses is not assessed under the reform
    expected = lean(after, first.answers, day, engine)  # parsed once, as the batch does
    try:
        found_outcome = reform_outcome(found, after, first, day, None)
    except EligibilityError as error:
        assert f"{type(error).__name__}: {error}" == expected
        return True
    assert not isinstance(expected, str), expected
    assert list(found_outcome.goals.items()) == list(expected.goals.items())
    if found_outcome.goals != first.goals:
        assert found.complete(found_outcome.env, first.env)
        locale = after.ruleset.default_locale
        expected_changes = changes(before, first, after, expected, locale)
        assert changes(before, first, after, found_outcome, locale) == expected_changes
    return True


@functools.cache
def reform_pairs(ruleset_id: str) -> list[tuple[str, str]]:
    """The example versions' pairs (baseline, reform) a batch computes from the baseline."""
    versions = [v for v in VERSION_IDS if v.startswith(f"{ruleset_id}/")]
    return [
        (a, b)
        for a, b in itertools.product(versions, repeat=2)
        if any(delta(example(a), example(b), "pure", same) for same in (True, False))
    ]


@pytest.mark.slow
@pytest.mark.parametrize("ruleset_id", FLAT_RULESET_IDS)
@DIFFERENTIAL
@given(data=st.data())
def test_reform_from_the_baseline_as_in_full_on_example_rule_sets(
    ruleset_id: str, data: st.DataObject
) -> None:
    pair = data.draw(st.sampled_from(reform_pairs(ruleset_id)), label="baseline, reform")
    before, after = example(pair[0]), example(pair[1])
    answers = data.draw(example_answers(before), label="answers")
    as_of = data.draw(claim_dates(before), label="as_of")
    engine = data.draw(st.sampled_from(ENGINES), label="engine")
    assert assert_same_reform(before, after, answers, as_of, engine)


@pytest.mark.slow
@pytest.mark.parametrize("ruleset_id", FLAT_RULESET_IDS)
@DIFFERENTIAL
@given(data=st.data())
def test_goal_values_as_evaluate_on_example_rule_sets(ruleset_id: str, data: st.DataObject) -> None:
    version = data.draw(versions_of(ruleset_id), label="version")
    answers = data.draw(example_answers(version), label="answers")
    as_of = data.draw(claim_dates(version), label="as_of")
    engine = data.draw(st.sampled_from(ENGINES), label="engine")
    assert_same(version, answers, as_of, engine)


@pytest.mark.slow
@pytest.mark.parametrize("ruleset_id", FLAT_RULESET_IDS)
@DIFFERENTIAL
@given(data=st.data())
def test_changes_as_evaluate_between_versions(ruleset_id: str, data: st.DataObject) -> None:
    before = data.draw(versions_of(ruleset_id), label="baseline")
    after = data.draw(versions_of(ruleset_id), label="reform")
    answers = data.draw(example_answers(before), label="answers")
    assert_same_changes(before, after, answers)


@pytest.mark.parametrize("ruleset_id", [r for r in RULESET_IDS if r not in FLAT_RULESET_IDS])
def test_goal_values_and_changes_on_scenarios_with_collections(ruleset_id: str) -> None:
    versions = [example(v) for v in VERSION_IDS if v.startswith(f"{ruleset_id}/")]
    for version in versions:
        for answers in scenario_answers(version):
            for engine in ENGINES:
                assert_same(version, answers, engine=engine)
    for before, after in itertools.pairwise(versions):
        for answers in scenario_answers(before):
            assert_same_changes(before, after, answers)


@settings(DIFFERENTIAL, max_examples=60)
@given(data=st.data())
def test_goal_values_and_changes_on_random_collections(data: st.DataObject) -> None:
    version = data.draw(collection_rulesets())
    other = data.draw(collection_rulesets())
    for _ in range(3):
        answers = data.draw(documents(version))
        for engine in ENGINES:
            assert_same(version, answers, engine=engine)
        assert_same_changes(version, other, answers)


@pytest.mark.parametrize(
    ("ruleset_id", "baseline", "reform"),
    [
        ("snap", "2019-10-01", "2020-03-01"),
        ("kurzarbeitergeld", "2020-03-01", "2021-01-01"),  # another question: in full
        ("kurzarbeitergeld", "2020-03-01", "2022-07-01"),  # the reform from the baseline
    ],
)
def test_generated_populations(ruleset_id: str, baseline: str, reform: str) -> None:
    before, after = example(f"{ruleset_id}/{baseline}"), example(f"{ruleset_id}/{reform}")
    day = before.ruleset.effective_from
    rows = list(population(ruleset_id, 300, 7, before.questions, day))
    changed = 0
    for row in rows:
        answers = {q: a for q, a in row.items() if q in before.questions}
        assert_same(before, answers)
        assert_same(after, answers)
        assert_same_changes(before, after, answers)
        for engine in ENGINES:
            assert_same_reform(before, after, answers, engine=engine)
        changed += goal_values(before, answers, day).goals != goal_values(after, answers, day).goals
    assert changed  # the reform changes some rows, so the changes were compared


@pytest.mark.parametrize(
    ("ruleset_id", "baseline", "reforms"),
    [
        ("snap", "2019-10-01", ("2020-03-01", "2020-03-01.1", "2019-10-01.1")),
        ("kurzarbeitergeld", "2020-03-01", ("2022-07-01", "2016-01-01", "2026-01-01")),
    ],
)
def test_assessed_rows_from_the_baseline_as_in_full(
    ruleset_id: str, baseline: str, reforms: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every assessed row (goals of both, status, changes, errors) and the tally are those of
    the reform evaluated in full, on a generated population, under both engines."""
    from eligibility.batch import assess
    from eligibility.batch.population_rows import Row
    from eligibility.batch.populations import Population

    before = example(f"{ruleset_id}/{baseline}")
    day = before.ruleset.effective_from
    rows = [
        Row(i + 1, i + 2, None, {q: a for q, a in answers.items() if q in before.questions})
        for i, answers in enumerate(population(ruleset_id, 300, 11, before.questions, day))
    ]
    for reform, engine in itertools.product(reforms, ENGINES):
        after = example(f"{ruleset_id}/{reform}")
        assert delta(before, after, engine, False) is not None
        task = assess.AssessTask(Population("jsonl", "x"), {}, None, None, "x", None, None, engine)  # type: ignore[arg-type]
        found = []
        for full in (False, True):
            with monkeypatch.context() as patched:
                if full:
                    patched.setattr(assess, "_delta", lambda *_: None)
                tally = assess.AssessTally()
                assessed = [assess._assess(row, before, after, task, tally) for row in rows]
                found.append((assessed, tally.to_dict()))
        assert found[0] == found[1]
        assert any(r["status"] == "changed" for r in found[0][0])
        for row in found[0][0]:  # each row's line as json writes it
            text = json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n"
            assert assess._line(row) == text.encode("utf-8")
