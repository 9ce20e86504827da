"""A version's answer parser (answer_parser.py) gives exactly what `parse_answers` gives: the
same values, the same "I don't know"s, or the same errors at the same JSON Pointers."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility.answer_parser import AnswerParser
from eligibility.answers import parse_answers
from eligibility.errors import AnswerError
from tests.properties.examples import FLAT_RULESET_IDS, example, example_answers, versions_of
from tests.unit.test_answer_converters import ANSWERS
from tests.unit.test_answer_converters import questions as one_question


def outcome(parse: Any, raw: dict[str, Any]) -> tuple[str, Any]:
    try:
        found = parse(raw)
    except AnswerError as error:
        return ("errors", error.errors)
    typed = {q: (type(v), v, str(v)) for q, v in found.values.items()}
    return ("answers", typed, found.dont_know)


@st.composite
def catalogues(draw: st.DrawFn) -> dict[str, Any]:
    made = draw(st.lists(one_question(), min_size=1, max_size=4))
    found = {}
    for i, question in enumerate(made):
        allow = draw(st.booleans())
        found[f"q{i}"] = replace(question, id=f"q{i}", allow_unknown=allow)
    return found


@settings(max_examples=1500, derandomize=True, database=None, deadline=None)
@given(
    data=st.data(),
    catalogue=catalogues(),
)
def test_the_parser_acts_as_parse_answers(data: st.DataObject, catalogue: dict[str, Any]) -> None:
    keys = st.sampled_from([*catalogue, "q", "qq0", "unknown_thing"])
    values = st.one_of(ANSWERS, st.just("unknown"), st.none())
    raw = data.draw(st.dictionaries(keys, values, max_size=6))
    expected = outcome(lambda r: parse_answers(catalogue, r), raw)
    assert outcome(AnswerParser(catalogue), raw) == expected


@settings(max_examples=300, derandomize=True, database=None, deadline=None)
@given(data=st.data(), ruleset_id=st.sampled_from(FLAT_RULESET_IDS))
def test_every_example_rule_set_parses_alike(data: st.DataObject, ruleset_id: str) -> None:
    version = data.draw(versions_of(ruleset_id))
    raw = data.draw(example_answers(version))
    if data.draw(st.booleans()):  # some answers of the wrong kind, or unknown questions
        wrong = st.dictionaries(st.sampled_from([*version.questions, "nope"]), ANSWERS, max_size=3)
        raw = {**raw, **data.draw(wrong)}
    expected = outcome(lambda r: parse_answers(version.questions, r), raw)
    assert outcome(version.answer_parser, raw) == expected


def test_errors_name_their_pointer_and_say_what_was_expected() -> None:
    version = example("snap/2019-10-01")
    raw = {"household_size": "three", "asets": "1", "assets": "1.505", "state": "unknown"}
    with pytest.raises(AnswerError) as caught:
        version.answer_parser(raw)
    assert caught.value.errors == {
        "/household_size": ["expected a whole number, got 'three'"],
        "/asets": ["unknown question; did you mean 'assets'?"],
        "/assets": ["expected an amount with at most 2 decimal places, got 1.505"],
        "/state": ['this question needs an answer; "I don\'t know" is not accepted'],
    }
    assert version.answer_parser({"assets": "1.50"}).values == {"assets": Decimal("1.50")}
