"""Drafts, publishing and retiring through the API, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from flask.testing import FlaskClient

from tests.api.api_helpers import assert_problem

VERSIONS = "/v1/rulesets/fishing-licence/versions"
DRAFT_2025 = """\
ruleset: fishing-licence
version: "2025-01-01"
extends: "2024-01-01"
effective_from: 2025-01-01
parameters:
  income_limit:
    value: 1000.00
    legal_reference: "Fisheries Act § 12 (2) as amended"
scenarios:
  - name: the lower limit refuses an income of 1100
    answers: {age: 30, income: "1100.00", resident: true}
    expect: {eligible: false}
"""
YAML = "application/yaml"


def post_draft(api: FlaskClient, keys: Any, text: str = DRAFT_2025, **kwargs: Any) -> Any:
    return api.post(VERSIONS, data=text, content_type=YAML, headers=keys["author"], **kwargs)


def test_a_draft_from_yaml(api: FlaskClient, keys: Any) -> None:
    response = post_draft(api, keys)
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["status"] == "draft"
    assert body["version"] == "2025-01-01"
    assert response.headers["Location"] == f"{VERSIONS}/2025-01-01"
    params = {p["id"]: p for p in body["parameters"]}
    assert params["income_limit"]["value"] == "1000.00"
    assert [q["id"] for q in body["questions"]] == ["age", "income", "resident"]


def test_drafts_are_hidden_from_the_public(api: FlaskClient, keys: Any) -> None:
    post_draft(api, keys)
    assert_problem(api.get(f"{VERSIONS}/2025-01-01"), 404)
    assert_problem(api.get(f"{VERSIONS}/2025-01-01", headers=keys["client"]), 404)
    assert api.get(f"{VERSIONS}/2025-01-01", headers=keys["author"]).status_code == 200
    public = api.get("/v1/rulesets/fishing-licence").get_json()
    assert [v["version"] for v in public["versions"]] == ["2024-01-01"]
    seen = api.get("/v1/rulesets/fishing-licence", headers=keys["publisher"]).get_json()
    assert [v["status"] for v in seen["versions"]] == ["published", "draft"]
    body = {"ruleset": "fishing-licence", "version": "2025-01-01", "answers": {}}
    assert_problem(api.post("/v1/evaluations", json=body), 404)
    drafted = api.post("/v1/evaluations", json=body, headers=keys["author"])
    assert drafted.status_code == 200


def test_a_draft_from_json_keeps_decimals_exact(api: FlaskClient, keys: Any) -> None:
    document = yaml.safe_load(DRAFT_2025)
    document["effective_from"] = "2025-01-01"
    data = json.dumps(document).replace('"value": 1000.0', '"value": 1000.10')
    response = api.post(
        VERSIONS, data=data, content_type="application/json", headers=keys["author"]
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    params = {p["id"]: p for p in response.get_json()["parameters"]}
    assert params["income_limit"]["value"] == "1000.10"


def test_every_problem_is_reported_with_its_line(api: FlaskClient, keys: Any) -> None:
    broken = DRAFT_2025.replace(
        "scenarios:",
        "rules:\n  is_senior: {when: agee >= 65}\n"
        "derived:\n  monthly_income_rounded: {value: round(incom)}\nscenarios:",
    )
    body = assert_problem(post_draft(api, keys, broken), 422, "invalid-ruleset")
    assert len(body["problems"]) >= 2
    assert all("line" in p and "column" in p for p in body["problems"])
    assert "file" not in body["problems"][0]
    assert "did you mean 'age'" in body["errors"]["/rules/is_senior/when"][0]
    assert "/derived/monthly_income_rounded/value" in body["errors"]


def test_yaml_syntax_errors_have_a_line(api: FlaskClient, keys: Any) -> None:
    body = assert_problem(post_draft(api, keys, "ruleset: [unclosed\n"), 422, "invalid-ruleset")
    assert body["problems"][0]["line"] >= 1


def test_publish_then_never_change(api: FlaskClient, keys: Any) -> None:
    post_draft(api, keys)
    url = f"{VERSIONS}/2025-01-01/publish"
    response = api.post(url, headers=keys["publisher"])
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["status"] == "published"
    assert api.post(url, headers=keys["publisher"]).status_code == 200  # again: a no-op
    changed = DRAFT_2025.replace("1000.00", "999.00")
    assert_problem(post_draft(api, keys, changed), 409, "immutable-version")
    body = {"ruleset": "fishing-licence", "as_of": "2025-03-01", "answers": {"age": 70}}
    assert api.post("/v1/evaluations", json=body).get_json()["ruleset"]["version"] == "2025-01-01"


def test_publishing_needs_passing_scenarios(api: FlaskClient, keys: Any) -> None:
    failing = DRAFT_2025.replace("expect: {eligible: false}", "expect: {eligible: true}")
    assert post_draft(api, keys, failing).status_code == 201
    response = api.post(f"{VERSIONS}/2025-01-01/publish", headers=keys["publisher"])
    body = assert_problem(response, 422, "scenarios-failed")
    assert body["failures"][0]["scenario"] == "the lower limit refuses an income of 1100"


def test_retire(api: FlaskClient, keys: Any) -> None:
    response = api.post(f"{VERSIONS}/2024-01-01/retire", headers=keys["publisher"])
    assert response.status_code == 200
    assert response.get_json()["status"] == "retired"
    body = {"ruleset": "fishing-licence", "as_of": "2024-06-01", "answers": {}}
    assert_problem(api.post("/v1/evaluations", json=body), 422, "no-version-applies")
    post_draft(api, keys)
    draft = api.post(f"{VERSIONS}/2025-01-01/retire", headers=keys["publisher"])
    assert_problem(draft, 409, "conflict")
    assert_problem(api.post(f"{VERSIONS}/1999/retire", headers=keys["publisher"]), 404)


def test_the_document_must_be_of_this_rule_set(api: FlaskClient, keys: Any) -> None:
    other = DRAFT_2025.replace("ruleset: fishing-licence", "ruleset: snap")
    body = assert_problem(post_draft(api, keys, other), 422, "invalid-request")
    assert "snap" in body["errors"]["/ruleset"][0]


@pytest.mark.parametrize(
    ("text", "content_type", "status"),
    [
        (
            'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
            + "".join(
                f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
                for p, c in zip("abcdefgh", "bcdefghi", strict=True)
            ),
            YAML,
            422,
        ),
        ("[" * 5000 + "]" * 5000, YAML, 422),
        ('{"a":' * 100 + "1" + "}" * 100, "application/json", 422),
        ("ruleset: x", "text/plain", 415),
        ("[1, 2]", "application/json", 422),
        ("{", "application/json", 400),
        ("", YAML, 422),
    ],
    ids=["billion-laughs", "deep-yaml", "deep-json", "text", "json-list", "bad-json", "empty"],
)
def test_hostile_and_wrong_bodies(
    api: FlaskClient, keys: Any, text: str, content_type: str, status: int
) -> None:
    response = api.post(VERSIONS, data=text, content_type=content_type, headers=keys["author"])
    assert_problem(response, status)
