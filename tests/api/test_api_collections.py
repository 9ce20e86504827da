"""Evaluations of claims about several people over HTTP: the answers document and instances."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from tests.api.api_helpers import assert_problem
from tests.api.conftest import FIXTURES, AppFactory

FAMILY = str(FIXTURES / "family-allowance")


def _evaluate(make_app: AppFactory, answers: dict[str, Any]) -> Any:
    client = make_app(RULES=[FAMILY]).test_client()
    return client.post("/v1/evaluations", json={"ruleset": "family-allowance", "answers": answers})


def test_an_evaluation_lists_each_instance_with_its_goals(make_app: AppFactory) -> None:
    response = _evaluate(
        make_app,
        {
            "resident": True,
            "children_complete": True,
            "children": [
                {"id": "c1", "name": "Anna", "age": 10},
                {"id": "c2", "name": "Ben", "age": 30},
            ],
        },
    )
    assert response.status_code == 200, response.json
    body = response.json
    assert body["status"] == "complete"
    assert body["goals"]["total"]["value"] == "250.00"
    anna, ben = body["instances"]["children"]
    assert (anna["id"], anna["pointer"], anna["label"]) == ("c1", "/children/c1", "Anna")
    assert anna["goals"]["amount"]["value"] == "250.00"
    assert ben["goals"]["amount"]["reasons"][0]["text"] == "Ben does not qualify."
    assert body["answers"]["children"][1] == {"id": "c2", "name": "Ben", "age": 30}


def test_bad_instances_are_one_422_naming_each_problem(make_app: AppFactory) -> None:
    response = _evaluate(
        make_app, {"children": [{"id": "c1", "agee": 3}, {"id": "c1"}, {"age": 2}]}
    )
    problem = assert_problem(response, 422)
    assert set(problem["errors"]) == {
        "/answers/children/c1/agee",
        "/answers/children/c1",
        "/answers/children/2/id",
    }


def test_the_json_schema_draws_collections_as_arrays_of_objects(make_app: AppFactory) -> None:
    client = make_app(RULES=[FAMILY]).test_client()
    response = client.get("/v1/rulesets/family-allowance/versions/2024-01-01/questions")
    assert response.status_code == 200, response.json
    schema = response.json
    Draft202012Validator.check_schema(schema)
    children = schema["properties"]["children"]
    assert (children["type"], children["minItems"], children["maxItems"]) == ("array", 0, 20)
    item = children["items"]
    assert item["required"] == ["id"]
    assert list(item["properties"]) == ["id", "name", "age", "in_education"]
    assert item["properties"]["age"]["title"] == "How old is …?"
    assert children["x-completeness"] == {"kind": "ask_another", "question": "children_complete"}
    order = schema["x-uiSchema"]["ui:order"]
    assert order.index("children") == order.index("children_complete") + 1
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    good = {"resident": True, "children": [{"id": "c1", "name": "Anna", "age": 4}]}
    assert not list(validator.iter_errors(good))
    too_many = {"children": [{"id": f"c{i}"} for i in range(21)]}
    assert list(validator.iter_errors(too_many))
    assert list(validator.iter_errors({"children": [{"name": "no id"}]}))


def test_next_questions_address_instances(make_app: AppFactory) -> None:
    response = _evaluate(make_app, {"resident": True, "children": [{"id": "c1", "name": "Ben"}]})
    paths = [q["path"] for q in response.json["next_questions"]]
    assert paths == ["/children/c1/age", "/children/c1/in_education", "/children_complete"]
    assert response.json["next_questions"][0]["label"] == "How old is Ben?"


def test_a_collection_is_titled_in_the_language_asked_for(make_app: AppFactory) -> None:
    client = make_app(RULES=[FAMILY]).test_client()
    path = "/v1/rulesets/family-allowance/versions/2024-01-01/questions"
    english = client.get(path).json["properties"]["children"]
    assert (english["title"], english["x-title"]) == (
        "children",
        {"one": "child", "other": "children"},
    )
    german = client.get(path + "?locale=de").json["properties"]["children"]
    assert german["x-title"] == {"one": "Kind", "other": "Kinder"}
    spec = client.get("/openapi.json").get_json()
    answer_schema = spec["components"]["schemas"]["AnswerSchema"]["properties"]["properties"]
    described = answer_schema["description"]
    assert "`x-title`" in described and "`x-label`" in described
    age = english["items"]["properties"]["age"]
    assert (age["title"], age["x-label"]) == ("How old is …?", "How old is {name}?")
    assert "x-label" not in english["items"]["properties"]["name"]
    prompt = _evaluate(make_app, {"resident": True, "children_complete": False})
    (adding,) = [q for q in prompt.json["next_questions"] if q["type"] == "instance"]
    assert (adding["path"], adding["label"]) == (
        "/children/-",
        "Please add the next child (more are to come).",
    )
