"""The lean evaluation body equals EvaluationSchema's dump; `?fields=` leaves parts out.

The body of `POST /v1/evaluations` is built without marshmallow (api/evaluation_body.py);
`EvaluationSchema` is the contract the OpenAPI document publishes. On seeded random answer
sets (every scenario's answers of each version in rules/ with random answers left out, and
family-allowance documents with instances), in several languages, with and without the
trace and `fields`, both must give the same JSON text, key order included. Seeded rather
than Hypothesis: threads of the API tests' process touch the global `random`, which
Hypothesis reports as a strategy using it.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from flask.testing import FlaskClient

from api.evaluation_body import evaluation_body
from api.schemas import PARTS, EvaluationSchema
from eligibility import EligibilityError, compiled, evaluate, load_paths
from tests.api.conftest import ROOT
from tests.properties.examples import VERSION_IDS, example, scenario_answers

EVALUATE = "/v1/evaluations"
FISHING = {"ruleset": "fishing-licence", "as_of": "2024-03-01"}
FULL = EvaluationSchema()
# Versions in rules/ answered with flat answers (collections: see the family allowance below)
FLAT = [v for v in VERSION_IDS if not example(v).collections]
WITHOUT_TRACE = EvaluationSchema(exclude=("trace",))


def text(data: Any) -> str:
    """JSON text with the keys in the order given (the order clients see)."""
    return json.dumps(data, ensure_ascii=False)


@pytest.mark.parametrize("version_id", FLAT)
def test_the_lean_body_is_the_schema_dump(version_id: str) -> None:
    # Seeded, not Hypothesis: answer sets are the scenarios' answers of every version of the
    # rule set, each also with random answers left out (partial: next questions, reasons).
    version, rng = example(version_id), random.Random(version_id)
    for answers in scenario_answers(version):
        for _ in range(2):
            kept = {q: a for q, a in answers.items() if rng.random() < 0.6}
            locale = rng.choice(["en", "de", "es", "fr"])
            parts = rng.sample(PARTS, rng.randint(0, len(PARTS)))
            assert_same_body(version, kept, None, locale, rng.random() < 0.5, parts)
        assert_same_body(version, answers, None, "de", True, list(PARTS))


def assert_same_body(
    version: Any, answers: dict[str, Any], as_of: Any, locale: str, traced: bool, parts: list[str]
) -> None:
    """The lean body (whole, and with only some parts) is the schema's dump."""
    try:
        result = evaluate(
            version, answers, as_of=as_of, locale=locale, with_trace=traced, engine="pure"
        )
    except EligibilityError:
        return  # refused answers never reach the serializer
    dumped = (FULL if traced else WITHOUT_TRACE).dump(result)
    assert text(evaluation_body(result, trace=traced)) == text(dumped)
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
_MAYBE_BOOL = [True, False, "unknown", None]


def family_answers(rng: random.Random) -> dict[str, Any]:
    """An answers document of the family allowance: root answers and 0-4 children."""
    children = []
    for index in range(rng.randint(0, 4)):
        child: dict[str, Any] = {"id": f"c{index}"}
        if rng.random() < 0.5:
            child["name"] = rng.choice(["Anna", "Ben", "Zoë"])
        if rng.random() < 0.5:
            child["age"] = rng.randint(0, 40)
        if rng.random() < 0.5:
            child["in_education"] = rng.random() < 0.5
        children.append(child)
    answers: dict[str, Any] = {"children": children}
    for question in ("resident", "children_complete"):
        value = rng.choice(_MAYBE_BOOL)
        if value is not None:
            answers[question] = value
    return answers


def test_the_lean_body_is_the_schema_dump_with_collections() -> None:
    version, rng = compiled(FAMILY), random.Random(2024)
    for _ in range(150):
        locale, traced = rng.choice(["en", "de"]), rng.random() < 0.5
        parts = rng.sample(PARTS, rng.randint(0, len(PARTS)))
        assert_same_body(version, family_answers(rng), None, locale, traced, parts)
