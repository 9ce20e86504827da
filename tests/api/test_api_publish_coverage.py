"""PUBLISH_REQUIRE_COVERAGE: publishing refuses a version whose scenarios miss outcomes (422)."""

from __future__ import annotations

from typing import Any

from eligibility import services
from tests.api.api_helpers import assert_problem
from tests.api.conftest import AppFactory

VERSIONS = "/v1/rulesets/fishing-licence/versions"
DRAFT = """\
ruleset: fishing-licence
version: "2025-01-01"
extends: "2024-01-01"
effective_from: 2025-01-01
parameters:
  income_limit: {value: 1000.00}
scenarios:
  - name: a senior resident
    answers: {age: 70, resident: true}
    expect: {eligible: true}
"""


def headers(app: Any) -> dict[str, dict[str, str]]:
    store = app.extensions["eligibility"].storage
    found = {}
    for role in ("author", "publisher"):
        token, _ = services.create_key(store, role, f"test {role}")
        found[role] = {"Authorization": f"Bearer {token}"}
    return found


def publish(make_app: AppFactory, **settings: Any) -> Any:
    app = make_app(**settings)
    api, keys = app.test_client(), headers(app)
    sent = api.post(VERSIONS, data=DRAFT, content_type="application/yaml", headers=keys["author"])
    assert sent.status_code == 201, sent.get_data(as_text=True)
    reviewed = {**keys["publisher"], "If-Match": sent.headers["ETag"]}
    return api.post(f"{VERSIONS}/2025-01-01/publish", headers=reviewed)


def test_coverage_required_refuses_and_lists_what_is_missed(make_app: AppFactory) -> None:
    body = assert_problem(
        publish(make_app, PUBLISH_REQUIRE_COVERAGE=True), 422, "coverage-incomplete"
    )
    assert "publishing requires scenarios that exercise every outcome" in body["detail"]
    assert body["missed"][0] == {
        "path": "goals.eligible.value",
        "kind": "goal",
        "expression": "resident and (is_senior or low_income)",
        "outcome": "false",
        "detail": "no scenario makes goal 'eligible' false",
    }
    assert all("file" not in m for m in body["missed"])


def test_by_default_coverage_is_not_required(make_app: AppFactory) -> None:
    response = publish(make_app)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["status"] == "published"
