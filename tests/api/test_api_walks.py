"""Interviews driven end to end through HTTP: answer the first next question until complete.

Every scenario of the example rule sets whose answers decide every goal is walked: the
walk may only ask questions the scenario answers, and must end with the goals the whole
answer set gives (and the scenario expects).
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from eligibility.model import Scenario
from eligibility.values_io import to_plain

EVALUATE = "/v1/evaluations"
MAX_STEPS = 100


def walk(
    client: FlaskClient, request: dict[str, Any], source: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Answer, from `source`, the first next question the source answers, until complete."""
    answers: dict[str, Any] = {}
    asked: list[str] = []
    for _ in range(MAX_STEPS):
        response = client.post(EVALUATE, json={**request, "answers": answers})
        assert response.status_code == 200, response.get_data(as_text=True)
        body: dict[str, Any] = response.get_json()
        if body["status"] == "complete":
            assert body["next_questions"] == []
            return body, asked
        offered = [q["id"] for q in body["next_questions"]]
        assert offered, "incomplete, yet nothing left to ask"
        question = next((q for q in offered if q in source), None)
        assert question is not None, f"asked {offered}, none of which the answers cover"
        assert question not in answers
        answers[question] = source[question]
        asked.append(question)
    raise AssertionError("the interview did not end")


def test_fishing_licence_walk(client: FlaskClient) -> None:
    request = {"ruleset": "fishing-licence", "as_of": "2024-06-01"}
    source = {"age": 30, "income": "900.00", "resident": True}
    body, asked = walk(client, request, source)
    assert asked == ["age", "income", "resident"]
    assert body["goals"]["eligible"]["value"] is True
    assert body["goals"]["reduction"]["value"] == "20"


def test_fishing_licence_walk_stops_early(client: FlaskClient) -> None:
    request = {"ruleset": "fishing-licence", "as_of": "2024-06-01", "locale": "de"}
    body, asked = walk(client, request, {"age": 70, "income": "5000", "resident": False})
    assert asked == ["age", "resident"]  # a senior's income never matters
    assert body["goals"]["eligible"]["value"] is False


def _scenarios(app: Flask, ruleset_id: str) -> list[tuple[str, Scenario]]:
    catalogue = app.extensions["eligibility"].catalogue
    return [
        (compiled.ruleset.version, scenario)
        for compiled in catalogue.ruleset(ruleset_id).versions
        for scenario in compiled.ruleset.scenarios
    ]


def _values(body: dict[str, Any]) -> dict[str, Any]:
    return {k: (g["value"], g["decided"]) for k, g in body["goals"].items()}


def _walk_scenarios(examples_app: Flask, ruleset_id: str) -> int:
    client = examples_app.test_client()
    walked = 0
    for version, scenario in _scenarios(examples_app, ruleset_id):
        source = to_plain(dict(scenario.answers))
        request = {"ruleset": ruleset_id, "version": version}
        if scenario.as_of is not None:
            request["as_of"] = scenario.as_of.isoformat()
        whole = client.post(EVALUATE, json={**request, "answers": source}).get_json()
        if whole["status"] != "complete":
            continue  # a scenario about an open outcome: nothing to walk to
        body, asked = walk(client, request, source)
        assert _values(body) == _values(whole), scenario.name
        for goal, expected in scenario.expect.items():
            assert body["goals"][goal]["value"] == to_plain(expected), (scenario.name, goal)
        assert set(asked) <= set(source)
        walked += 1
    return walked


@pytest.mark.slow
def test_every_snap_scenario_walks_to_its_result(examples_app: Flask) -> None:
    assert _walk_scenarios(examples_app, "snap") >= 20


@pytest.mark.slow
def test_every_kurzarbeitergeld_scenario_walks_to_its_result(examples_app: Flask) -> None:
    assert _walk_scenarios(examples_app, "kurzarbeitergeld") >= 40
