"""The claim month dates a Kurzarbeitergeld claim over HTTP: evaluations, decisions, sessions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api import create_app
from eligibility import services
from eligibility.storage.sql import SqlStorage
from tests.api.api_helpers import FakeClock, assert_problem
from tests.api.conftest import RULES

KUG = "kurzarbeitergeld"
SESSIONS = "/v1/sessions"


def version_of(examples: FlaskClient, **body: Any) -> str:
    response = examples.post("/v1/evaluations", json={"ruleset": KUG, **body})
    assert response.status_code == 200, response.get_data(as_text=True)
    return str(response.get_json()["ruleset"]["version"])


def test_the_claim_month_picks_the_rules_without_as_of(examples: FlaskClient) -> None:
    # 2016-01-01's, 2020-03-01's and 2021-01-01's windows are decided by their corrections.
    assert version_of(examples, answers={"claim_month": "2019-11-01"}) == "2016-01-01.1"
    assert version_of(examples, answers={"claim_month": "2020-04-01"}) == "2020-03-01.1"
    assert version_of(examples, answers={"claim_month": "2021-02-01"}) == "2021-01-01.1"


def test_may_2020_is_one_month_under_the_rules_of_its_first_day(examples: FlaskClient) -> None:
    may = {"claim_month": "2020-05-01"}
    assert version_of(examples, answers=may) == "2020-03-01.1"
    assert version_of(examples, answers=may, as_of="2020-05-30") == "2020-03-01.1"
    assert version_of(examples, answers={"claim_month": "2020-06-01"}) == "2020-05-29.1"


def test_an_as_of_that_contradicts_the_claim_month_is_422_naming_both(
    examples: FlaskClient,
) -> None:
    body = {"ruleset": KUG, "as_of": "2020-04-15", "answers": {"claim_month": "2019-11-01"}}
    problem = assert_problem(examples.post("/v1/evaluations", json=body), 422)
    assert problem["type"].endswith("claim-date-conflict")
    assert set(problem["errors"]) == {"/as_of", "/answers/claim_month"}
    assert "2019-11" in problem["detail"]
    agreeing = {**body, "as_of": "2019-11-20"}
    assert examples.post("/v1/evaluations", json=agreeing).status_code == 200


def test_a_claim_month_no_version_covers_names_the_answer(examples: FlaskClient) -> None:
    body = {"ruleset": KUG, "answers": {"claim_month": "2015-06-01"}}
    problem = assert_problem(examples.post("/v1/evaluations", json=body), 422)
    assert list(problem["errors"]) == ["/answers/claim_month"]


def test_a_named_version_is_kept(examples: FlaskClient) -> None:
    named = {"version": "2020-05-29", "answers": {"claim_month": "2020-04-01"}}
    assert version_of(examples, **named) == "2020-05-29"


# --- sessions (SQLite and PostgreSQL) -----------------------------------------------------------


@pytest.fixture
def kug(database_url: str) -> Iterator[Flask]:
    storage = SqlStorage(database_url, clock=FakeClock())
    yield create_app({"RULES": [str(RULES / KUG)], "STORAGE": storage, "TESTING": True})
    storage.close()


@pytest.fixture
def client_key(kug: Flask) -> dict[str, str]:
    token, _ = services.create_key(kug.extensions["eligibility"].storage, "client", "c")
    return {"Authorization": f"Bearer {token}"}


def patch(api: FlaskClient, key: dict[str, str], session: dict[str, Any], body: Any) -> Any:
    return api.patch(f"{SESSIONS}/{session['id']}/answers", json=body, headers=key)


def test_a_session_follows_the_claim_month(kug: Flask, client_key: dict[str, str]) -> None:
    api = kug.test_client()
    created = api.post(SESSIONS, json={"ruleset": KUG, "as_of": "2026-03-01"}, headers=client_key)
    session = created.get_json()
    assert session["ruleset"]["version"] == "2026-01-01.1"  # the published correction
    conflict = patch(api, client_key, session, {"claim_month": "2020-04-01"})
    assert set(assert_problem(conflict, 422)["errors"]) == {"/as_of", "/claim_month"}
    created = api.post(SESSIONS, json={"ruleset": KUG}, headers=client_key)
    session = created.get_json()
    session = patch(api, client_key, session, {"claim_month": "2020-04-01"}).get_json()
    assert session["ruleset"]["version"] == "2020-03-01.1"  # the correction governs April 2020
    session = patch(api, client_key, session, {"claim_month": "2020-06-01"}).get_json()
    assert session["ruleset"]["version"] == "2020-05-29.1"  # the correction governs June 2020
    again = api.get(f"{SESSIONS}/{session['id']}", headers=client_key).get_json()
    assert again["ruleset"]["version"] == "2020-05-29.1"
    url = f"{SESSIONS}/{session['id']}/answers/claim_month"
    removed = api.delete(url, headers=client_key).get_json()
    assert removed["ruleset"]["version"] != "2020-05-29.1"  # today's again, as before the answer


def test_a_session_started_on_a_named_version_stays_on_it(
    kug: Flask, client_key: dict[str, str]
) -> None:
    api = kug.test_client()
    body = {"ruleset": KUG, "version": "2020-03-01"}
    session = api.post(SESSIONS, json=body, headers=client_key).get_json()
    session = patch(api, client_key, session, {"claim_month": "2020-06-01"}).get_json()
    assert session["ruleset"]["version"] == "2020-03-01"


def test_a_session_started_with_the_claim_month_records_its_version(
    kug: Flask, client_key: dict[str, str]
) -> None:
    api = kug.test_client()
    body = {"ruleset": KUG, "answers": {"claim_month": "2019-11-01"}}
    session = api.post(SESSIONS, json=body, headers=client_key).get_json()
    assert session["ruleset"]["version"] == "2016-01-01.1"  # the correction governs 2019


def test_the_rule_set_says_what_dates_its_claims(examples: FlaskClient) -> None:
    dating = {"question": "claim_month", "period": "month"}
    assert examples.get(f"/v1/rulesets/{KUG}").get_json()["dated_by"] == dating
    version = examples.get(f"/v1/rulesets/{KUG}/versions/2020-05-29").get_json()
    assert version["dated_by"] == dating
    assert examples.get("/v1/rulesets/snap").get_json()["dated_by"] is None


def test_a_decision_is_recorded_under_the_claim_months_version(
    kug: Flask, client_key: dict[str, str]
) -> None:
    api = kug.test_client()
    body = {"ruleset": KUG, "answers": {"claim_month": "2020-05-01"}, "allow_incomplete": True}
    response = api.post("/v1/decisions", json=body, headers=client_key)
    assert response.status_code == 201, response.get_data(as_text=True)
    # May: one month, one rule (the correction of 2020-03-01, which governs its window).
    assert response.get_json()["ruleset"]["version"] == "2020-03-01.1"
    conflict = {**body, "as_of": "2020-06-15"}
    problem = assert_problem(api.post("/v1/decisions", json=conflict, headers=client_key), 422)
    assert set(problem["errors"]) == {"/as_of", "/answers/claim_month"}
