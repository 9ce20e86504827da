"""Questions as JSON Schema 2020-12: valid, localized, and in agreement with the API."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator, FormatChecker

from tests.api.api_helpers import assert_problem

FISHING = "/v1/rulesets/fishing-licence/versions/2024-01-01/questions"


def schema_of(client: FlaskClient, url: str, **kwargs: Any) -> dict[str, Any]:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)
    body: dict[str, Any] = response.get_json()
    Draft202012Validator.check_schema(body)
    return body


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=FormatChecker())


def test_the_schema_is_valid_and_ordered(client: FlaskClient) -> None:
    schema = schema_of(client, FISHING)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert list(schema["properties"]) == ["age", "income", "resident"]
    assert schema["additionalProperties"] is False
    assert schema["x-uiSchema"]["ui:order"] == ["age", "income", "resident"]
    assert schema["x-ruleset"] == {"id": "fishing-licence", "version": "2024-01-01"}


def test_types_and_bounds(client: FlaskClient) -> None:
    properties = schema_of(client, FISHING)["properties"]
    assert properties["age"]["type"] == "integer"
    assert (properties["age"]["minimum"], properties["age"]["maximum"]) == (0, 130)
    income = properties["income"]
    assert income["type"] == "string"
    assert income["x-minimum"] == "0"
    assert properties["resident"]["type"] == "boolean"
    assert [o["const"] for o in properties["resident"]["oneOf"]] == [True, False]


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"age": 30},
        {"age": 30, "income": "900.00", "resident": True},
        {"income": "900"},
        {"income": "900.5"},
        {"income": "unknown"},
    ],
)
def test_answers_the_api_accepts_fit_the_schema(client: FlaskClient, answers: Any) -> None:
    validator(schema_of(client, FISHING)).validate(answers)
    body = {"ruleset": "fishing-licence", "as_of": "2024-03-01", "answers": answers}
    assert client.post("/v1/evaluations", json=body).status_code == 200


@pytest.mark.parametrize(
    "answers",
    [
        {"age": -3},
        {"age": 131},
        {"age": "thirty"},
        {"income": "-3"},
        {"income": "9.999"},
        {"income": "1e5"},
        {"resident": "yes"},
        {"colour": "red"},
    ],
)
def test_answers_the_api_refuses_fail_the_schema(client: FlaskClient, answers: Any) -> None:
    assert list(validator(schema_of(client, FISHING)).iter_errors(answers))
    body = {"ruleset": "fishing-licence", "as_of": "2024-03-01", "answers": answers}
    assert_problem(client.post("/v1/evaluations", json=body), 422)


def test_titles_follow_the_language(client: FlaskClient) -> None:
    german = client.get(FISHING, headers={"Accept-Language": "de"})
    assert german.headers["Content-Language"] == "de"
    properties = german.get_json()["properties"]
    assert properties["age"]["title"] == "Wie alt sind Sie?"
    assert properties["age"]["description"] == "Your age on the day the licence starts."
    assert [o["title"] for o in properties["resident"]["oneOf"]] == ["Ja", "Nein"]
    english = schema_of(client, FISHING + "?locale=en")
    assert english["properties"]["age"]["title"] == "How old are you?"
    unknown = client.get(FISHING + "?locale=xx")
    assert unknown.headers["Content-Language"] == "en"


def test_why_hints(client: FlaskClient) -> None:
    schema = schema_of(client, FISHING)
    age = schema["properties"]["age"]
    assert age["x-why"][0] == {
        "rule": "is_senior",
        "legal_reference": "Fisheries Act § 12 (1) No. 1",
        "text": "Seniors pay a reduced fee.",
    }
    assert schema["x-uiSchema"]["age"]["ui:help"] == "Seniors pay a reduced fee."
    # a question read only by a goal is explained by the goal
    assert schema["properties"]["resident"]["x-why"][0]["rule"] == "eligible"
    assert schema["x-uiSchema"]["resident"]["ui:widget"] == "radio"


def test_bad_locale_parameter_is_422(client: FlaskClient) -> None:
    assert_problem(client.get(FISHING + "?locale=%20%20"), 422, "invalid-request")


@pytest.mark.parametrize(
    ("ruleset", "version"),
    [
        ("snap", "2019-10-01"),
        ("snap", "2020-03-01"),
        ("kurzarbeitergeld", "2016-01-01"),
        ("kurzarbeitergeld", "2026-01-01"),
    ],
)
def test_example_scenarios_fit_their_schemas(
    examples: FlaskClient, examples_app: Any, ruleset: str, version: str
) -> None:
    from eligibility.values_io import to_plain

    url = f"/v1/rulesets/{ruleset}/versions/{version}/questions"
    check = validator(schema_of(examples, url))
    compiled = examples_app.extensions["eligibility"].catalogue.version(ruleset, version)
    for scenario in compiled.ruleset.scenarios:
        check.validate(to_plain(dict(scenario.answers)))


def test_enum_options_have_values_and_titles(examples: FlaskClient) -> None:
    schema = schema_of(examples, "/v1/rulesets/snap/versions/2019-10-01/questions?locale=es")
    state = schema["properties"]["state"]
    assert state["enum"] == ["IL", "UT", "VT"]
    assert [o["const"] for o in state["oneOf"]] == ["IL", "UT", "VT"]
    assert schema["x-uiSchema"]["state"]["ui:enumNames"] == ["Illinois", "Utah", "Vermont"]
    assert state["title"] == "¿En qué estado vive?"
