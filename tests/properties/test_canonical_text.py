"""The canonical text written by orjson is byte for byte the json module's, or json writes it.

`canonical_text` hands a document to orjson only when it holds exactly str, int, bool,
None, dict, list and tuple (eligibility/decisions/canonical.py). Whatever the document,
the text (or the error) must be what the json module gives: on the documents decisions
of every example version really hold (and there orjson must be the one writing), and on
adversarial values — floats of every kind, integers past 64 bits, every escape, keys that
sort differently in UTF-16, subclasses, decimals, dates, UUIDs, enums, deep nesting.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import uuid
from collections import OrderedDict
from decimal import Decimal
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility import EligibilityError, evaluate
from eligibility.decisions import DecisionDraft
from eligibility.decisions.canonical import _plain, canonical_text
from eligibility.decisions.record import CONTENT_FIELDS
from eligibility.values_io import canonical_json

from .examples import VERSION_IDS, example, scenario_answers


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


def reference(value: Any) -> str:
    """canonical_text as the json module alone writes it (the code before the fast path)."""
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    except TypeError:
        return canonical_json(value)


def outcome(write: Any, value: Any) -> tuple[str, Any]:
    try:
        return "text", write(value)
    except Exception as error:  # the same failure, or the same text
        return "error", type(error)


class Text(str):
    """A str subclass that sorts backwards (json sorts it with its own <)."""

    def __lt__(self, other: object) -> bool:
        return str.__gt__(self, other)  # type: ignore[operator]


class Count(enum.IntEnum):
    ONE = 1


class Colour(enum.Enum):
    RED = "red"


class Level(enum.StrEnum):
    HIGH = "high"


TEXTS = st.text(st.characters(codec=None, exclude_categories=()), max_size=12)
KEYS = st.one_of(
    TEXTS,
    st.sampled_from(["\ue000", "\uffff", "\U00010000", "\U0010ffff", "a", "A", "", "\x00", "é"]),
)
LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**64), max_value=2**64),
    st.sampled_from([2**63 - 1, 2**63, 2**64 - 1, 2**64, -(2**63), -(2**63) - 1, 10**30]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e-7, 1e16, 1e22, -0.0, 5e-324, 0.1, 1.0, float("nan"), float("inf")]),
    TEXTS,
    st.sampled_from(["\ud800", "a\udfff", "\u2028\u2029", "\x7f", '"\\/\b\f\n\r\t\x1f']),
    st.decimals(allow_nan=False),
    st.dates(),
    st.datetimes(timezones=st.just(dt.UTC)),
    st.uuids(),
    st.sampled_from([Count.ONE, Colour.RED, Level.HIGH, Text("b"), orjson.Fragment(b"1")]),
    st.builds(bytes, st.binary(max_size=3)),
)
DOCUMENTS = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(KEYS, inner, max_size=4),
        st.dictionaries(
            st.one_of(KEYS, st.integers(), st.booleans(), st.none()), inner, max_size=3
        ),
        st.dictionaries(KEYS.map(Text), inner, max_size=3),
        st.dictionaries(KEYS, inner, max_size=3).map(OrderedDict),
    ),
    max_leaves=20,
)

# Documents orjson writes (the fast path itself): every escape, key order, integer width.
PLAIN = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**64), 2**64), TEXTS),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(KEYS, inner, max_size=5),
    ),
    max_leaves=30,
)


@settings(max_examples=3000, deadline=None)
@given(DOCUMENTS)
def test_any_document_is_written_as_the_json_module_writes_it(value: Any) -> None:
    assert outcome(canonical_text, value) == outcome(reference, value)


@settings(max_examples=3000, deadline=None)
@given(PLAIN)
def test_plain_documents_are_written_by_orjson_as_json_writes_them(value: Any) -> None:
    assert outcome(canonical_text, value) == outcome(reference, value)


@pytest.mark.parametrize(
    "value",
    [
        {"ä": 1, "z": 2, "\U0001f600": 3, "\uffff": 4, "\ue000": 5},  # UTF-16 would sort otherwise
        [2**64 - 1, -(2**63), 2**64, -(2**63) - 1, 10**40],  # orjson stops at 64 bits
        {"a": [1.0, 1e-7, 1e16, float("nan"), -float("inf"), -0.0]},
        [{"x": True}, {"x": Count.ONE}, {"x": Colour.RED}, {"x": Level.HIGH}, {"x": Text("t")}],
        {Text("b"): 1, Text("a"): 2},  # json sorts with the subclass's own <
        {1: "a", "1": "b"},
        {"id": uuid.UUID(int=1)},
        [orjson.Fragment(b"[1]")],
        {"amount": Decimal("12.50"), "on": dt.date(2024, 5, 1)},
        "".join(chr(c) for c in range(0x20)) + '"\\\x7f\u2028',
        ["\ud800"],
        _nested(60),  # deep, within orjson's limit
        ((1, 2), [3, (4,)]),
    ],
)
def test_adversarial_values_are_written_as_the_json_module_writes_them(value: Any) -> None:
    assert outcome(canonical_text, value) == outcome(reference, value)


def test_nesting_deeper_than_orjson_goes_is_written_by_json() -> None:
    deep = _nested(300)
    assert canonical_text(deep) == reference(deep)


def test_a_document_that_holds_itself_fails_as_in_json() -> None:
    looped: list[Any] = []
    looped.append(looped)
    doubled: list[Any] = []
    doubled.extend([doubled, doubled])
    for value in (looped, doubled):
        assert outcome(canonical_text, value) == outcome(reference, value) == ("error", ValueError)


@pytest.mark.parametrize("version_id", VERSION_IDS)
def test_the_documents_of_real_decisions_are_written_by_orjson_exactly(version_id: str) -> None:
    version, written = example(version_id), 0
    for n, answers in enumerate([{}, *scenario_answers(version)]):
        try:
            evaluation = evaluate(version, answers, with_trace=True)
        except EligibilityError:
            continue
        draft = DecisionDraft.from_evaluation(f"d-{n}", evaluation, "key:k", "f" * 64)
        for name in CONTENT_FIELDS:
            value = getattr(draft, name, None)
            if isinstance(value, dict | tuple):
                assert _plain([value]), f"{version_id} {name}: not written by orjson"
                assert canonical_text(value) == reference(value) == canonical_json(value)
                written += 1
    assert written
