"""`POST /v1/evaluations`: the response shape, decimals as strings, status, trace and languages."""

from __future__ import annotations

from flask.testing import FlaskClient

EVALUATE = "/v1/evaluations"
FISHING = {"ruleset": "fishing-licence", "as_of": "2024-03-01"}


def test_a_complete_evaluation(client: FlaskClient) -> None:
    response = client.post(EVALUATE, json={**FISHING, "answers": {"age": 70, "resident": True}})
    assert response.status_code == 200
    body = response.get_json()
    assert body["ruleset"]["id"] == "fishing-licence"
    assert body["ruleset"]["version"] == "2024-01-01"
    assert len(body["ruleset"]["content_hash"]) == 64
    assert body["status"] == "complete"
    assert body["goals"]["eligible"] == {
        "value": True,
        "decided": True,
        "type": "boolean",
        "label": "Reduced licence",
        "reasons": [
            {
                "rule": "is_senior",
                "value": True,
                "text": "At 70 you count as a senior.",
                "legal_reference": "Fisheries Act § 12 (1) No. 1",
            }
        ],
        "currency": None,  # not an amount
        "decimal_places": None,
    }
    assert body["goals"]["reduction"]["value"] == "20"  # decimals travel as strings
    assert body["next_questions"] == []
    assert "trace" not in body


def test_an_incomplete_evaluation_asks_the_next_questions(client: FlaskClient) -> None:
    body = client.post(EVALUATE, json={**FISHING, "answers": {"age": 30}}).get_json()
    assert body["status"] == "incomplete"
    assert body["goals"]["eligible"]["decided"] is False
    assert body["goals"]["eligible"]["value"] is None
    first = body["next_questions"][0]
    assert first["id"] == "income"
    assert first["type"] == "decimal"
    assert first["label"] == "What is your monthly income?"
    assert first["constraints"] == {"min": "0", "decimal_places": 2}
    assert first["allow_unknown"] is True
    assert first["why"][0]["rule"] == "low_income"
    assert first["why"][0]["legal_reference"] == "Fisheries Act § 12 (1) No. 2"
    assert [q["id"] for q in body["next_questions"]] == ["income", "resident"]


def test_integer_constraints_are_numbers(client: FlaskClient) -> None:
    body = client.post(EVALUATE, json={**FISHING, "answers": {}}).get_json()
    age = next(q for q in body["next_questions"] if q["id"] == "age")
    assert age["constraints"] == {"min": 0, "max": 130}
    assert age["help"] == "Your age on the day the licence starts."


def test_decimal_answers_as_strings_or_numbers_are_exact(client: FlaskClient) -> None:
    for income in ("1200.00", 1200, 1200.00):
        answers = {"age": 30, "resident": True, "income": income}
        body = client.post(EVALUATE, json={**FISHING, "answers": answers}).get_json()
        assert body["goals"]["eligible"]["value"] is True, income
    answers = {"age": 30, "resident": True, "income": "1200.01"}
    body = client.post(EVALUATE, json={**FISHING, "answers": answers}).get_json()
    assert body["goals"]["eligible"]["value"] is True  # round(income) = 1200
    raw = b'{"ruleset": "fishing-licence", "as_of": "2024-03-01", "answers": {"income": 0.1}}'
    body = client.post(EVALUATE, data=raw, content_type="application/json").get_json()
    assert body["answers"]["income"] == "0.1"  # parsed as Decimal, never a float


def test_dont_know_keeps_a_goal_open(client: FlaskClient) -> None:
    answers = {"age": 30, "income": "unknown", "resident": True}
    body = client.post(EVALUATE, json={**FISHING, "answers": answers}).get_json()
    assert body["status"] == "incomplete"
    assert body["answers"]["income"] == "unknown"
    assert body["next_questions"] == []


def test_ignored_answers_are_reported(client: FlaskClient) -> None:
    answers = {"age": 70, "resident": False, "income": "5000"}
    body = client.post(EVALUATE, json={**FISHING, "answers": answers}).get_json()
    assert body["status"] == "complete"
    assert body["goals"]["eligible"]["value"] is False
    assert "income" in body["ignored_answers"]


def test_null_answers_count_as_unanswered(client: FlaskClient) -> None:
    body = client.post(EVALUATE, json={**FISHING, "answers": {"age": None}}).get_json()
    assert body["next_questions"][0]["id"] == "age"


def test_trace_on_request(client: FlaskClient) -> None:
    answers = {"age": 70, "resident": True}
    body = client.post(EVALUATE + "?trace=true", json={**FISHING, "answers": answers}).get_json()
    steps = {s["name"]: s for s in body["trace"]}
    assert steps["is_senior"]["result"] is True
    assert steps["is_senior"]["inputs"] == {"age": 70}
    assert steps["is_senior"]["legal_reference"] == "Fisheries Act § 12 (1) No. 1"
    assert steps["reduction"]["result"] == "20"


def test_a_version_by_id_is_evaluated_on_its_first_day(client: FlaskClient) -> None:
    body = {"ruleset": "fishing-licence", "version": "2024-01-01", "answers": {}}
    result = client.post(EVALUATE, json=body).get_json()
    assert result["ruleset"]["version"] == "2024-01-01"
    assert result["as_of"] == "2024-01-01"


def test_locale_in_the_body_chooses_the_language(client: FlaskClient) -> None:
    response = client.post(EVALUATE, json={**FISHING, "answers": {}, "locale": "de"})
    assert response.headers["Content-Language"] == "de"
    assert response.get_json()["locale"] == "de"
    age = response.get_json()["next_questions"][0]
    assert age["label"] == "Wie alt sind Sie?"
    assert age["help"] == "Your age on the day the licence starts."  # no German help: default


def test_accept_language_chooses_the_language(client: FlaskClient) -> None:
    headers = {"Accept-Language": "fr;q=1.0, de-AT;q=0.9, en;q=0.1"}
    response = client.post(EVALUATE, json={**FISHING, "answers": {}}, headers=headers)
    assert response.headers["Content-Language"] == "de"
    assert "Accept-Language" in response.headers["Vary"]


def test_locale_wins_over_accept_language(client: FlaskClient) -> None:
    headers = {"Accept-Language": "de"}
    body = {**FISHING, "answers": {}, "locale": "en"}
    assert client.post(EVALUATE, json=body, headers=headers).headers["Content-Language"] == "en"


def test_unknown_languages_fall_back_to_the_default(client: FlaskClient) -> None:
    body = {**FISHING, "answers": {}, "locale": "fr"}
    response = client.post(EVALUATE, json=body, headers={"Accept-Language": "ja"})
    assert response.headers["Content-Language"] == "en"
    assert response.get_json()["next_questions"][0]["label"] == "How old are you?"


def test_reasons_and_why_in_german(examples: FlaskClient) -> None:
    body = {"ruleset": "kurzarbeitergeld", "as_of": "2021-02-01", "answers": {}}
    response = examples.post(EVALUATE, json=body, headers={"Accept-Language": "de-DE"})
    assert response.headers["Content-Language"] == "de"
    first = response.get_json()["next_questions"][0]
    assert first["why"] and all(w["text"] for w in first["why"])
    english = examples.post(EVALUATE, json={**body, "locale": "en"}).get_json()
    assert english["next_questions"][0]["label"] != first["label"]


def test_snap_amounts_are_strings(examples: FlaskClient) -> None:
    answers = {
        "state": "IL",
        "household_size": 1,
        "has_elderly_or_disabled_member": False,
        "earned_income_monthly": "0",
        "unearned_income_monthly": "0",
        "dependent_care_costs_monthly": "0",
        "child_support_paid_monthly": "0",
        "rent_or_mortgage_monthly": "0",
        "homeowners_insurance_and_taxes_monthly": "0",
        "utility_allowance": "NONE",
    }
    body = {"ruleset": "snap", "as_of": "2020-01-15", "answers": answers}
    result = examples.post(EVALUATE, json=body).get_json()
    assert result["status"] == "complete"
    assert result["goals"]["eligible"]["value"] is True
    assert result["goals"]["estimated_monthly_benefit"]["value"] == "194"
    assert result["answers"]["household_size"] == 1


def test_numbers_with_exponents_are_written_out(client: FlaskClient) -> None:
    raw = b'{"ruleset": "fishing-licence", "as_of": "2024-03-01", "answers": {"income": 1.2e3}}'
    body = client.post(EVALUATE, data=raw, content_type="application/json").get_json()
    assert body["answers"]["income"] == "1200"
