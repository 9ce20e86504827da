"""The lean evaluation body equals EvaluationSchema's dump; `?fields=` leaves parts out.

The body of `POST /v1/evaluations` is built without marshmallow (api/evaluation_body.py);
`EvaluationSchema` is the contract the OpenAPI document publishes. On random answers to
every version in rules/ (and the fixtures' rule sets), in several languages, with and
without the trace, both must give the same JSON text, key order included.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.evaluation_body import evaluation_body
from api.schemas import PARTS, EvaluationSchema
from eligibility import EligibilityError, compiled, evaluate, load_paths
from tests.api.conftest import ROOT
from tests.properties.examples import VERSION_IDS, claim_dates, example, example_answers

EVALUATE = "/v1/evaluations"
FISHING = {"ruleset": "fishing-licence", "as_of": "2024-03-01"}
FULL = EvaluationSchema()
WITHOUT_TRACE = EvaluationSchema(exclude=("trace",))


def text(data: Any) -> str:
    """JSON text with the keys in the order given (the order clients see)."""
    return json.dumps(data, ensure_ascii=False)


@settings(
    max_examples=300,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_the_lean_body_is_the_schema_dump(data: st.DataObject) -> None:
    version = example(data.draw(st.sampled_from(VERSION_IDS), label="version"))
    answers = data.draw(example_answers(version), label="answers")
    as_of = data.draw(claim_dates(version), label="as_of")
    locale = data.draw(st.sampled_from(["en", "de", "es", "fr"]), label="locale")
    traced = data.draw(st.booleans(), label="trace")
    try:
        result = evaluate(version, answers, as_of=as_of, locale=locale, with_trace=traced)
    except EligibilityError:
        return  # refused answers never reach the serializer
    dumped = (FULL if traced else WITHOUT_TRACE).dump(result)
    assert text(evaluation_body(result, trace=traced)) == text(dumped)
    parts = data.draw(st.lists(st.sampled_from(PARTS), unique=True), label="parts")
    kept = {k: v for k, v in dumped.items() if k not in PARTS or k in parts}
    assert text(evaluation_body(result, parts, trace=traced)) == text(kept)


def test_fields_leaves_out_the_other_parts(client: FlaskClient) -> None:
    body = {**FISHING, "answers": {"age": 30}}
    full = client.post(EVALUATE, json=body).get_json()
    response = client.post(f"{EVALUATE}?fields=goals", json=body)
    assert response.status_code == 200
    assert response.get_json() == {
        k: full[k] for k in ("ruleset", "as_of", "locale", "status", "goals")
    }
    both = client.post(f"{EVALUATE}?fields=goals,next_questions", json=body).get_json()
    assert set(both) == {"ruleset", "as_of", "locale", "status", "goals", "next_questions"}
    assert both["next_questions"] == full["next_questions"]


@pytest.mark.parametrize("fields", ["trace", "goals,", "", "goals;answers", "status"])
def test_fields_names_only_optional_parts(client: FlaskClient, fields: str) -> None:
    response = client.post(f"{EVALUATE}?fields={fields}", json={**FISHING, "answers": {}})
    assert response.status_code == 422
    assert "fields" in response.get_json()["errors"]


def test_the_response_is_utf8_json_in_the_schemas_key_order(client: FlaskClient) -> None:
    response = client.post(f"{EVALUATE}?trace=true", json={**FISHING, "locale": "de"})
    assert response.mimetype == "application/json"
    assert response.data.endswith(b"\n")
    body = json.loads(response.data)
    assert list(body) == [*FULL.dump_fields]
    assert b"\\u" not in response.data  # written as UTF-8, as the app's JSON provider does


FAMILY = load_paths([ROOT / "tests" / "fixtures" / "family-allowance"])[0]
_maybe_bool = st.sampled_from([True, False, "unknown", None])


@st.composite
def family_answers(draw: st.DrawFn) -> dict[str, Any]:
    """An answers document of the family allowance: root answers and 0-4 children."""
    children = []
    for index in range(draw(st.integers(0, 4))):
        child: dict[str, Any] = {"id": f"c{index}"}
        if draw(st.booleans()):
            child["name"] = draw(st.sampled_from(["Anna", "Ben", "Zoë"]))
        if draw(st.booleans()):
            child["age"] = draw(st.integers(0, 40))
        if draw(st.booleans()):
            child["in_education"] = draw(st.booleans())
        children.append(child)
    answers: dict[str, Any] = {"children": children}
    for question in ("resident", "children_complete"):
        value = draw(_maybe_bool)
        if value is not None:
            answers[question] = value
    return answers


@settings(max_examples=150, derandomize=True, database=None, deadline=None)
@given(answers=family_answers(), locale=st.sampled_from(["en", "de"]), traced=st.booleans())
def test_the_lean_body_is_the_schema_dump_with_collections(
    answers: dict[str, Any], locale: str, traced: bool
) -> None:
    version = compiled(FAMILY)
    try:
        result = evaluate(version, answers, locale=locale, with_trace=traced)
    except EligibilityError:
        return
    dumped = (FULL if traced else WITHOUT_TRACE).dump(result)
    assert text(evaluation_body(result, trace=traced)) == text(dumped)
