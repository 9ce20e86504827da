"""The employer's monthly Kurzarbeitergeld claim (rules/kurzarbeitergeld-abrechnung) end to end over
HTTP: a 12-employee establishment whose quorum is reached only by counting one employee with a
loss just over 10 %, through POST /v1/evaluations and through a session, question by question.

The versions are published (issue 11 § 1): the app serves the rule set's folder as it is.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from eligibility import services
from tests.api.conftest import RULES, AppFactory

RULESET = "kurzarbeitergeld-abrechnung"
NAMES = [
    "Anna",
    "Ben",
    "Cem",
    "Dora",
    "Emil",
    "Fatma",
    "Gregor",
    "Hanna",
    "Ilse",
    "Jonas",
    "Karin",
    "Lutz",
]
EMPLOYEE = {
    "agency_worker": False,
    "employment_continued": True,
    "employment_terminated": False,
    "sickness_benefit": False,
    "training_with_benefit": False,
    "refused_cooperation": False,
    "has_child": False,
    "target_gross_pay": "2800.00",
    "net_target_pay": "1922.06",
}


def _employee(i: int, actual: str, net_actual: str) -> dict[str, Any]:
    return {
        "id": f"e{i + 1}",
        "name": NAMES[i],
        **EMPLOYEE,
        "actual_gross_pay": actual,
        "net_actual_pay": net_actual,
    }


def _establishment(dora_actual: str) -> dict[str, Any]:
    """Twelve employees: three lose half, Dora decides the quorum, the rest lose 10 % or less."""
    employees = [_employee(i, "1400.00", "1095.86") for i in range(3)]
    employees.append(_employee(3, dora_actual, "1789.53"))
    employees += [_employee(i, "2520.00", "1789.53") for i in range(4, 10)]
    employees += [_employee(10, "2800.00", "1922.06"), _employee(11, "2600.00", "1808.64")]
    return {
        "cause": "economic",
        "claim_month": "2026-02-01",
        "notification_date": "2026-02-02",
        "loss_temporary": True,
        "loss_customary": False,
        "leave_used": True,
        "working_time_credits_used": True,
        "negative_balances_used": True,
        "headcount": 12,
        "benefit_period_start": "2025-06-01",
        "employees": employees,
    }


@pytest.fixture
def api(make_app: AppFactory) -> tuple[FlaskClient, dict[str, str]]:
    app = make_app(RULES=[str(RULES / RULESET)])
    token, _ = services.create_key(app.extensions["eligibility"].storage, "client", "employer")
    return app.test_client(), {"Authorization": f"Bearer {token}"}


def _evaluate(api: tuple[FlaskClient, dict[str, str]], answers: dict[str, Any]) -> Any:
    client, headers = api
    body = {"ruleset": RULESET, "as_of": "2026-02-15", "answers": answers, "locale": "en"}
    response = client.post("/v1/evaluations", json=body, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def test_the_quorum_is_counted_from_the_list(api: tuple[FlaskClient, dict[str, str]]) -> None:
    body = _evaluate(api, {**_establishment("2519.99"), "employees_complete": True})
    assert body["status"] == "complete"
    assert body["ruleset"]["version"] == "2026-01-01"
    assert body["goals"]["eligible"]["value"] is True
    assert body["goals"]["affected"]["value"] == 4  # 3 x 50 % and Dora, 10 % plus one cent
    assert body["goals"]["claim_total"]["value"] == "2111.86"
    assert body["goals"]["claim_total"]["currency"] == "EUR"
    amounts = {
        i["id"]: i["goals"]["benefit_amount"]["value"] for i in body["instances"]["employees"]
    }
    assert amounts["e1"] == "495.72"  # 1153.24 - 657.52, each product rounded
    assert amounts["e4"] == "79.52"
    assert amounts["e11"] == "0.00"  # no loss of pay
    assert amounts["e12"] == "68.06"
    # 4. KugBeV: up to 24 months, at most until December 2026: June 2025 to December 2026.
    assert body["goals"]["max_duration_months"]["value"] == 19
    texts = [r["text"] for r in body["goals"]["eligible"]["reasons"]]
    assert any("4 of 12 employees" in t for t in texts), texts


def test_a_loss_of_exactly_ten_percent_misses_the_quorum(
    api: tuple[FlaskClient, dict[str, str]],
) -> None:
    body = _evaluate(api, {**_establishment("2520.00"), "employees_complete": True})
    assert body["goals"]["eligible"]["value"] is False
    assert body["goals"]["affected"]["value"] == 3
    assert body["goals"]["claim_total"]["value"] == "0.00"
    texts = [r["text"] for r in body["goals"]["eligible"]["reasons"]]
    assert any("Only 3 of 12 employees" in t for t in texts), texts


def test_an_open_list_cannot_be_counted(api: tuple[FlaskClient, dict[str, str]]) -> None:
    body = _evaluate(api, _establishment("2519.99"))
    assert body["goals"]["claim_total"]["value"] is None
    assert [q["path"] for q in body["next_questions"]] == ["/employees_complete"]


def test_an_employee_answer_of_the_wrong_type_is_located(
    api: tuple[FlaskClient, dict[str, str]],
) -> None:
    client, headers = api
    answers = _establishment("2519.99")
    answers["employees"][3] = {**answers["employees"][3], "actual_gross_pay": "lots"}
    body = {"ruleset": RULESET, "as_of": "2026-02-15", "answers": answers}
    response = client.post("/v1/evaluations", json=body, headers=headers)
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"/answers/employees/e4/actual_gross_pay"}


def _value(source: dict[str, Any], path: str) -> Any:
    parts = path.strip("/").split("/")
    if len(parts) == 1:
        return source[parts[0]]
    _, iid, qid = parts
    return next(i for i in source["employees"] if i["id"] == iid)[qid]


def test_the_claim_interviewed_through_a_session(api: tuple[FlaskClient, dict[str, str]]) -> None:
    client, headers = api
    source = _establishment("2519.99")
    created = client.post("/v1/sessions", json={"ruleset": RULESET}, headers=headers)
    assert created.status_code == 201, created.json
    session, asked, listed = created.json, [], 0
    url = f"/v1/sessions/{session['id']}/answers"
    while session["status"] != "complete":
        assert len(asked) < 250, asked[-10:]
        question = session["next_questions"][0]
        path = question["path"]
        asked.append(path)
        if question["type"] == "instance":  # the next employee on the list
            change: dict[str, Any] = {f"/employees/{source['employees'][listed]['id']}": {}}
            listed += 1
        elif path == "/employees_complete":
            change = {path: listed == len(source["employees"])}
        else:
            change = {path: _value(source, path)}
        response = client.patch(url, json=change, headers={**headers, "If-Match": session["etag"]})
        assert response.status_code == 200, response.json
        session = response.json
    assert asked[:2] == ["/cause", "/claim_month"]  # the knock-outs of the claim come first
    assert asked.count("/employees/-") == 12
    assert session["ruleset"]["version"] == "2026-01-01"
    assert session["goals"]["claim_total"]["value"] == "2111.86"
    assert session["goals"]["affected"]["value"] == 4


def test_more_employees_listed_than_the_headcount_is_a_problem_naming_both(
    api: tuple[FlaskClient, dict[str, str]],
) -> None:
    client, headers = api
    answers = {**_establishment("2519.99"), "headcount": 11, "employees_complete": True}
    body = {"ruleset": RULESET, "as_of": "2026-02-15", "answers": answers, "locale": "en"}
    response = client.post("/v1/evaluations", json=body, headers=headers)
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert set(response.json["errors"]) == {"/answers/headcount", "/answers/employees"}
    assert "cannot name more employees" in response.json["errors"]["/answers/employees"][0]
