"""Questions as JSON Schema 2020-12: valid, localized, and in agreement with the API."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator, FormatChecker

from tests.api.api_helpers import assert_problem
from tests.api.conftest import FIXTURES

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
    assert (income["format"], income["formatMinimum"]) == ("decimal", "0")
    assert not [k for k in income if k in ("x-minimum", "x-maximum")]
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


KUG = "/v1/rulesets/kurzarbeitergeld/versions/2026-01-01/questions"


def test_bounds_are_standard_keywords_and_only_where_declared(examples: FlaskClient) -> None:
    properties = schema_of(examples, "/v1/rulesets/snap/versions/2019-10-01/questions")[
        "properties"
    ]
    assert properties["household_size"]["minimum"] == 1
    assert "maximum" not in properties["household_size"]  # unbounded: no made-up 10**12
    for schema in properties.values():
        assert not {"x-minimum", "x-maximum"} & set(schema), schema


def test_date_bounds_are_format_keywords(make_app: Any) -> None:
    client = make_app(RULES=[str(FIXTURES / "age-limits")]).test_client()
    url = "/v1/rulesets/age-limits/versions/2024-01-01/questions"
    properties = schema_of(client, url)["properties"]
    assert properties["child_birth_date"]["formatMinimum"] == "1990-01-01"
    assert "formatMaximum" not in properties["child_birth_date"]
    assert set(properties["claim_month"]) >= {"type", "format"}
    assert "formatMinimum" not in properties["claim_month"]


def relevant(client: FlaskClient, url: str, answers: dict[str, Any], **kw: Any) -> dict[str, Any]:
    response = client.post(url, json={"answers": answers}, **kw)
    assert response.status_code == 200, response.get_data(as_text=True)
    body: dict[str, Any] = response.get_json()
    Draft202012Validator.check_schema(body)
    return body


def test_only_the_questions_that_matter_now(examples: FlaskClient) -> None:
    full = schema_of(examples, KUG)
    first = relevant(examples, KUG, {})
    assert len(full["properties"]) >= 20
    assert 0 < len(first["properties"]) < len(full["properties"])
    assert list(first["properties"]) == first["x-uiSchema"]["ui:order"]
    assert first["x-relevant"]["status"] == "incomplete"
    assert first["x-relevant"]["next"] == list(first["properties"])  # nothing answered yet
    # the same questions the evaluation asks next, with the same schemas as the full form
    body = {"ruleset": "kurzarbeitergeld", "version": "2026-01-01", "answers": {}}
    asked = [
        q["id"] for q in examples.post("/v1/evaluations", json=body).get_json()["next_questions"]
    ]
    assert first["x-relevant"]["next"] == asked
    for qid, schema in first["properties"].items():
        assert schema == full["properties"][qid]


def test_a_limit_draws_a_few_questions_at_a_time(examples: FlaskClient) -> None:
    response = examples.post(KUG, json={"answers": {}, "limit": 3})
    page = response.get_json()
    assert list(page["properties"]) == page["x-relevant"]["next"]
    assert len(page["properties"]) == 3
    assert page["x-relevant"]["open"] > 3
    first = page["x-relevant"]["next"][0]
    body = {"answers": {first: page_answer(page["properties"][first])}, "limit": 3}
    after = examples.post(KUG, json=body).get_json()
    assert first in after["properties"]  # the answer given stays in the form
    assert len(after["x-relevant"]["next"]) == 3 and first not in after["x-relevant"]["next"]
    bad = examples.post(KUG, json={"answers": {}, "limit": 0})
    assert "/limit" in assert_problem(bad, 422, "invalid-request")["errors"]


def page_answer(schema: dict[str, Any]) -> Any:
    """Some answer that fits a question's schema."""
    if "enum" in schema:
        return schema["enum"][0]
    if schema.get("type") == "boolean":
        return True
    if schema.get("format") == "date":
        return "2026-03-01"
    if schema.get("type") == "integer":
        return schema.get("minimum", 0) + 1
    return "1"


def test_answers_change_what_matters(examples: FlaskClient) -> None:
    url = "/v1/rulesets/snap/versions/2019-10-01/questions"
    answers = {"state": "UT", "household_size": 3}
    schema = relevant(examples, url, answers, headers={"Accept-Language": "es"})
    assert {"state", "household_size"} <= set(schema["properties"])  # used answers stay
    assert set(schema["x-relevant"]["next"]) <= set(schema["properties"])
    assert "additionalProperties" not in schema  # answers that stop mattering may stay
    validator(schema).validate({**answers, "no_longer_asked": 1})
    assert schema["x-locale"] == "es"
    assert schema["properties"]["state"]["title"] == "¿En qué estado vive?"


def test_an_answer_that_stops_mattering_leaves_the_form(client: FlaskClient) -> None:
    senior = relevant(client, FISHING, {"age": 70, "income": "5000"})
    assert senior["x-relevant"]["ignored"] == ["income"]  # a senior's income decides nothing
    assert set(senior["properties"]) == {"age", "resident"}
    done = relevant(client, FISHING, {"age": 70, "resident": True})
    assert done["x-relevant"] == {"next": [], "open": 0, "ignored": [], "status": "complete"}


def test_relevant_questions_refuse_bad_answers_by_pointer(client: FlaskClient) -> None:
    problem = assert_problem(
        client.post(FISHING, json={"answers": {"age": "old", "colour": 1}}), 422
    )
    assert set(problem["errors"]) == {"/answers/age", "/answers/colour"}
    assert_problem(client.post(FISHING, json={"answers": [1]}), 422, "invalid-request")
    missing = "/v1/rulesets/fishing-licence/versions/1999-01-01/questions"
    assert_problem(client.post(missing, json={"answers": {}}), 404, "version-not-found")


SECTIONED = """
ruleset: sectioned
version: "2024-01-01"
status: published
effective_from: 2024-01-01
default_locale: en
title: {en: Sections, de: Abschnitte}
sections:
  person: {title: {en: About you, de: Über Sie}}
  money: {title: {en: Your money}}
questions:
  income: {type: decimal, min: 0, max: 99999.99, section: money, label: {en: Income}}
  savings: {type: decimal, label: {en: Savings}}
  age: {type: integer, section: person, label: {en: Age}}
  resident: {type: boolean, label: {en: Resident}}
goals:
  eligible:
    type: boolean
    value: resident and age >= 18 and income + savings < 1000
"""


def test_sections_are_groups(make_app: Any, tmp_path: Any) -> None:
    folder = tmp_path / "sectioned"
    folder.mkdir()
    (folder / "2024-01-01.yaml").write_text(SECTIONED, encoding="utf-8")
    client = make_app(RULES=[str(folder)]).test_client()
    url = "/v1/rulesets/sectioned/versions/2024-01-01/questions"
    schema = schema_of(client, url + "?locale=de")
    # a question without a section belongs to the one written before it
    assert schema["x-sections"] == [
        {"id": "person", "title": "Über Sie", "questions": ["age", "resident"]},
        {"id": "money", "title": "Your money", "questions": ["income", "savings"]},
    ]
    assert schema["x-uiSchema"]["ui:order"] == ["age", "resident", "income", "savings"]
    groups = schema["x-layout"]["elements"]
    assert [(g["type"], g["label"]) for g in groups] == [
        ("Group", "Über Sie"),
        ("Group", "Your money"),
    ]
    assert groups[1]["elements"][0] == {"type": "Control", "scope": "#/properties/income"}
    income = schema["properties"]["income"]
    assert (income["formatMinimum"], income["formatMaximum"]) == ("0", "99999.99")
    assert "formatMinimum" not in schema["properties"]["savings"]
    now = relevant(client, url, {"resident": False})
    assert now["x-relevant"]["status"] == "complete"
    assert now["x-sections"] == [{"id": "person", "title": "About you", "questions": ["resident"]}]


def test_request_answers_are_documented_as_an_object_with_max_properties(
    client: FlaskClient,
) -> None:
    spec = client.get("/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    for name in ("EvaluationRequest", "SessionCreate", "RelevantQuestions"):
        answers = schemas[name]["properties"]["answers"]
        assert answers["type"] == "object"
        assert answers["maxProperties"] == 500
        assert "maxLength" not in answers
    too_many = {"answers": {f"q{i}": 1 for i in range(501)}}
    problem = assert_problem(client.post(FISHING, json=too_many), 422, "invalid-request")
    assert problem["errors"]["/answers"] == ["expected at most 500 answers, got 501"]
