"""GET /v1/rulesets/{id}/versions/{version}/changes?since=: what a reviewer reads."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from eligibility import services
from tests.api.api_helpers import assert_problem
from tests.api.conftest import AppFactory

VERSIONS = "/v1/rulesets/fishing-licence/versions"
DRAFT = """\
ruleset: fishing-licence
version: "2025-01-01"
extends: "2024-01-01"
effective_from: 2025-01-01
title: {en: Reduced fishing licence 2025, de: Ermäßigter Angelschein 2025}
questions:
  age: {max: 120}
parameters:
  income_limit: {value: 1000.00}
scenarios:
  - name: a senior resident
    answers: {age: 70, resident: true}
    expect: {eligible: true}
"""


def author_client(make_app: AppFactory) -> tuple[FlaskClient, dict[str, str]]:
    app = make_app()
    token, _ = services.create_key(app.extensions["eligibility"].storage, "author", "a")
    headers = {"Authorization": f"Bearer {token}"}
    api = app.test_client()
    sent = api.post(VERSIONS, data=DRAFT, content_type="application/yaml", headers=headers)
    assert sent.status_code == 201, sent.get_data(as_text=True)
    return api, headers


def by_entry(body: dict[str, Any]) -> dict[str, Any]:
    return {f"{c['kind']} {c['part']}.{c['id']}": c["fields"] for c in body["changes"]}


def test_a_draft_against_the_version_in_force(make_app: AppFactory) -> None:
    api, author = author_client(make_app)
    response = api.get(f"{VERSIONS}/2025-01-01/changes?since=2024-01-01", headers=author)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert (body["since"]["status"], body["version"]["status"]) == ("published", "draft")
    assert body["version"]["content_hash"] == api.get(
        f"{VERSIONS}/2025-01-01", headers=author
    ).headers["ETag"].strip('"')
    changes = by_entry(body)
    assert changes["changed version.title"]["title.de"] == {
        "old": "Ermäßigter Angelschein",
        "new": "Ermäßigter Angelschein 2025",
    }
    assert changes["changed questions.age"] == {"max": {"old": 130, "new": 120}}
    assert changes["changed parameters.income_limit"]["value"] == {
        "old": "1200.00",
        "new": "1000.00",
    }
    assert changes["added scenarios.a senior resident"]["expect.eligible"] == {"new": True}
    assert changes["changed version.effective_to"] == {"effective_to": {"old": "2024-12-31"}}


def test_drafts_are_compared_only_for_those_who_may_see_them(make_app: AppFactory) -> None:
    api, _ = author_client(make_app)
    assert_problem(api.get(f"{VERSIONS}/2025-01-01/changes?since=2024-01-01"), 404)


def test_since_is_required_and_must_exist(make_app: AppFactory) -> None:
    api, author = author_client(make_app)
    missing = assert_problem(api.get(f"{VERSIONS}/2025-01-01/changes", headers=author), 422)
    assert "since" in missing["errors"]
    unknown = api.get(f"{VERSIONS}/2025-01-01/changes?since=2023-01-01", headers=author)
    assert "has no version '2023-01-01'" in assert_problem(unknown, 404)["detail"]


def test_published_versions_are_compared_for_anyone(examples: FlaskClient) -> None:
    url = "/v1/rulesets/kurzarbeitergeld/versions/2020-05-29/changes?since=2020-03-01"
    response = examples.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    changes = by_entry(response.get_json())
    assert changes["changed parameters.benefit_rates"]["table.standard.4"] == {"new": "0.70"}


def test_the_coverage_of_a_draft_under_review(make_app: AppFactory) -> None:
    api, author = author_client(make_app)
    response = api.get(f"{VERSIONS}/2025-01-01/coverage", headers=author)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert (body["scenarios"], body["complete"]) == (1, False)
    assert body["counts"]["goals"]["total"] == 5
    assert set(body["counts"]) == {"goals", "rules", "branches"}
    assert {
        "path": "rules.low_income.when",
        "kind": "rule",
        "expression": "monthly_income_rounded <= income_limit",
        "outcome": "true",
        "detail": "no scenario makes rule 'low_income' true",
    } in body["missed"]
    assert_problem(api.get(f"{VERSIONS}/2025-01-01/coverage"), 404)  # a draft, for the public


def test_published_coverage_for_anyone(examples: FlaskClient) -> None:
    body = examples.get("/v1/rulesets/snap/versions/2019-10-01/coverage").get_json()
    assert body["counts"]["rules"] == {"exercised": 10, "total": 10}
    assert [m["expression"] for m in body["missed"]] == ["emergency_allotments"]
