"""The compiled loaders (api.loaders) give what marshmallow gives, on each request schema."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import EXCLUDE, INCLUDE, RAISE, Schema, ValidationError, fields

from api import create_app
from api.loaders import compile_loader, load_with
from api.openapi import Operation
from api.schemas import DecisionRequestSchema, EvaluationQuerySchema, EvaluationRequestSchema
from eligibility.storage import memory_storage
from tests.api.conftest import FISHING

SAME = settings(
    max_examples=1000,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
SNAP_ANSWERS = {"state": "UT", "household_size": 3, "earned_income_monthly": "1500.00"}

texts: st.SearchStrategy[str] = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "en", "de-AT", "en\n", "x" * 101, "1", "true", "False", "off"]),
    st.sampled_from(["2024-02-29", "2023-02-29", "20240301", "2024-W01-1", "2024-1-1"]),
    st.sampled_from(["goals", "goals,answers", "goals,", "trace", "٢٠٢٤-٠١-٠١"]),
)
dated = st.builds(
    lambda day, tail: day.isoformat() + tail,
    st.dates(),
    st.sampled_from(["", "", "T00:00", "Z", " ", "0"]),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    texts,
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(texts, inner, max_size=3)),
    max_leaves=8,
)


def compiled_schemas() -> list[Schema]:
    """Each body and query schema an operation of the app loads that has a compiled loader."""
    app = create_app({"RULES": [FISHING], "STORAGE": memory_storage(), "TESTING": True})
    found: dict[type[Schema], Schema] = {}
    for view in app.view_functions.values():
        meta: Operation | None = getattr(view, "openapi", None)
        if meta is None:
            continue
        if meta.body is not None and meta.load_body:
            found.setdefault(type(meta.schema(meta.body)), meta.schema(meta.body))
        if meta.query is not None:
            found.setdefault(type(meta.schema(meta.query)), meta.schema(meta.query))
    return [schema for schema in found.values() if compile_loader(schema) is not None]


COMPILED = compiled_schemas()


def plausible(field: fields.Field[Any]) -> st.SearchStrategy[Any]:
    """Values a field takes (its example, valid values of its type) or any odd value."""
    options: list[st.SearchStrategy[Any]] = [values]
    if field.metadata.get("example") is not None:
        options.append(st.just(field.metadata["example"]))
    if isinstance(field, fields.Date):
        options.append(dated)
    elif isinstance(field, fields.Boolean):
        options.append(st.sampled_from([True, False, "true", "false", "1", "0", "yes", 1, 2, "t"]))
    elif isinstance(field, fields.String):
        options.append(st.text(min_size=1, max_size=8))
    elif isinstance(field, fields.Dict):
        options.append(st.dictionaries(st.text(max_size=8), scalars, max_size=4))
    return st.one_of(*options)


def documents(schema: Schema) -> st.SearchStrategy[dict[str, Any]]:
    """Documents near the schema: its own keys (some left out), odd values, unknown keys."""
    own = st.fixed_dictionaries(
        {},
        optional={f.data_key or name: plausible(f) for name, f in schema.load_fields.items()},
    )
    extra = st.one_of(st.just({}), st.dictionaries(texts, values, max_size=2))
    return st.tuples(own, extra).map(lambda pair: {**pair[1], **pair[0]})


def outcome(schema: Schema, data: dict[str, Any], unknown: str | None) -> Any:
    try:
        return ("loaded", schema.load(data, unknown=unknown))
    except ValidationError as error:
        return ("refused", error.messages)


def assert_same(schema: Schema, data: dict[str, Any], unknown: str | None) -> None:
    loader = compile_loader(schema, unknown)
    fast = loader(data) if loader is not None else None
    expected = outcome(schema, data, unknown)
    if fast is not None:
        assert expected == ("loaded", fast)
        assert list(expected[1]) == list(fast)  # the same keys in the same order
    try:
        through = ("loaded", load_with(schema, data, unknown))
    except ValidationError as error:
        through = ("refused", error.messages)
    assert through == expected


def test_the_app_has_compiled_loaders_for_its_plain_schemas() -> None:
    names = {type(schema).__name__ for schema in COMPILED}
    assert {"EvaluationRequestSchema", "EvaluationQuerySchema", "DecisionRequestSchema"} <= names


@SAME
@given(
    schema=st.sampled_from(COMPILED),
    unknown=st.sampled_from([None, EXCLUDE, INCLUDE, RAISE]),
    data=st.data(),
)
def test_every_compiled_schema_loads_as_marshmallow_loads(
    schema: Schema, unknown: str | None, data: st.DataObject
) -> None:
    assert_same(schema, data.draw(documents(schema)), unknown)


def test_the_evaluation_request_is_compiled_and_loads_without_marshmallow() -> None:
    body = EvaluationRequestSchema()
    for document in (
        {"ruleset": "snap", "version": "2019-10-01", "answers": SNAP_ANSWERS},
        {"ruleset": "snap", "as_of": "2019-10-01", "answers": SNAP_ANSWERS, "locale": "de-AT"},
        {"ruleset": "snap", "answers": {"children": {"c1": {"age": 3}}, "x": None}},
        {"ruleset": "snap"},
    ):
        loader = compile_loader(body)
        assert loader is not None
        loaded = loader(document)
        assert loaded is not None and loaded == body.load(document)
    assert loader({"ruleset": "snap", "as_of": "2019-10-01"}) == {  # type: ignore[misc]
        "ruleset": "snap",
        "as_of": dt.date(2019, 10, 1),
        "answers": {},
    }
    query = compile_loader(EvaluationQuerySchema(), EXCLUDE)
    assert query is not None
    assert query({}) == {"trace": False}
    assert query({"trace": "true", "fields": "goals", "other": "x"}) == {
        "trace": True,
        "fields_": "goals",
    }
    decision = compile_loader(DecisionRequestSchema())
    assert decision is not None
    assert decision({"ruleset": "snap", "answers": {}, "allow_incomplete": True}) is not None


@pytest.mark.parametrize(
    "document",
    [
        {"answers": {}},
        {"ruleset": "", "answers": {}},
        {"ruleset": "snap", "version": None},
        {"ruleset": "snap", "as_of": "2023-02-29"},
        {"ruleset": "snap", "as_of": 20230101},
        {"ruleset": "snap", "locale": "en_US"},
        {"ruleset": "snap", "answers": {"x" * 101: 1}},
        {"ruleset": "snap", "answers": {f"q{i}": 1 for i in range(501)}},
        {"ruleset": "snap", "answers": []},
        {"ruleset": "snap", "colour": "red"},
        {"ruleset": 7, "answers": {"a": Decimal("1.5")}},
    ],
)
def test_a_body_the_loader_cannot_vouch_for_is_left_to_marshmallow(document: Any) -> None:
    schema = EvaluationRequestSchema()
    loader = compile_loader(schema)
    assert loader is not None and loader(document) is None
    with pytest.raises(ValidationError) as caught:
        load_with(schema, document)
    assert outcome(schema, document, None) == ("refused", caught.value.messages)
