"""Evaluations of claims about several people over HTTP: the answers document and instances."""

from __future__ import annotations

from typing import Any

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
