"""Interview sessions on SQLite and PostgreSQL: create, answer under ETags, expire, submit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.testing import FlaskClient

from tests.api.api_helpers import FakeClock, assert_problem

SESSIONS = "/v1/sessions"
START = {"ruleset": "fishing-licence", "as_of": "2024-06-01"}


def start(api: FlaskClient, headers: dict[str, str], **body: Any) -> Any:
    response = api.post(SESSIONS, json={**START, **body}, headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response


def test_create_and_read_a_session(api: FlaskClient, keys: Any) -> None:
    response = start(api, keys["client"])
    body = response.get_json()
    assert response.headers["Location"] == f"{SESSIONS}/{body['id']}"
    assert response.headers["ETag"] == body["etag"]
    assert body["ruleset"]["version"] == "2024-01-01"
    assert body["status"] == "incomplete"
    assert body["answers"] == {}
    assert body["next_questions"][0]["id"] == "age"
    again = api.get(response.headers["Location"], headers=keys["client"])
    assert again.status_code == 200
    assert again.get_json()["id"] == body["id"]
    assert again.headers["ETag"] == body["etag"]


def test_walk_an_interview_through_a_session(api: FlaskClient, keys: Any) -> None:
    source = {"age": 30, "income": "900.00", "resident": True}
    session = start(api, keys["client"]).get_json()
    asked = []
    while session["status"] == "incomplete":
        question = session["next_questions"][0]["id"]
        asked.append(question)
        headers = {**keys["client"], "If-Match": session["etag"]}
        url = f"{SESSIONS}/{session['id']}/answers"
        response = api.patch(url, json={question: source[question]}, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        session = response.get_json()
    assert asked == ["age", "income", "resident"]
    assert session["goals"]["eligible"]["value"] is True
    assert session["goals"]["reduction"]["value"] == "20"
    assert session["answers"] == source


def test_several_answers_at_once_and_null_removes(api: FlaskClient, keys: Any) -> None:
    session = start(api, keys["client"], answers={"age": 70}).get_json()
    url = f"{SESSIONS}/{session['id']}/answers"
    body = api.patch(url, json={"resident": True, "income": "100"}, headers=keys["client"])
    assert body.get_json()["status"] == "complete"
    body = api.patch(url, json={"resident": None}, headers=keys["client"])
    assert body.get_json()["answers"] == {"age": 70, "income": "100"}
    assert body.get_json()["next_questions"][0]["id"] == "resident"


def test_a_stale_etag_is_412(api: FlaskClient, keys: Any) -> None:
    session = start(api, keys["client"]).get_json()
    url = f"{SESSIONS}/{session['id']}/answers"
    first = api.patch(
        url, json={"age": 30}, headers={**keys["client"], "If-Match": session["etag"]}
    )
    assert first.status_code == 200
    assert first.headers["ETag"] != session["etag"]
    stale = api.patch(
        url, json={"age": 40}, headers={**keys["client"], "If-Match": session["etag"]}
    )
    assert_problem(stale, 412, "precondition-failed")
    assert stale.headers["ETag"] == first.headers["ETag"]  # the current state, to read again
    assert api.get(f"{SESSIONS}/{session['id']}", headers=keys["client"]).get_json()["answers"] == {
        "age": 30
    }


def test_invalid_answers_change_nothing(api: FlaskClient, keys: Any) -> None:
    session = start(api, keys["client"]).get_json()
    url = f"{SESSIONS}/{session['id']}/answers"
    response = api.patch(url, json={"age": -3, "income": "x"}, headers=keys["client"])
    body = assert_problem(response, 422, "invalid-answers")
    assert set(body["errors"]) == {"/age", "/income"}  # pointers into the PATCH body
    after = api.get(f"{SESSIONS}/{session['id']}", headers=keys["client"])
    assert after.headers["ETag"] == session["etag"]


def test_forget_an_answer(api: FlaskClient, keys: Any) -> None:
    session = start(api, keys["client"], answers={"age": 70, "resident": True}).get_json()
    assert session["status"] == "complete"
    url = f"{SESSIONS}/{session['id']}/answers/resident"
    response = api.delete(url, headers={**keys["client"], "If-Match": session["etag"]})
    assert response.status_code == 200
    assert response.get_json()["next_questions"][0]["id"] == "resident"
    stale = api.delete(url, headers={**keys["client"], "If-Match": session["etag"]})
    assert_problem(stale, 412)
    assert stale.headers["ETag"] == response.headers["ETag"]


def test_forgetting_a_question_the_version_lacks_is_404_naming_it(
    api: FlaskClient, keys: Any
) -> None:
    session = start(api, keys["client"], answers={"age": 70}).get_json()
    url = f"{SESSIONS}/{session['id']}/answers"
    missing = api.delete(f"{url}/agee", headers=keys["client"])
    problem = assert_problem(missing, 404, "not-found")
    assert "no question 'agee'" in problem["detail"] and "did you mean 'age'" in problem["detail"]
    after = api.get(f"{SESSIONS}/{session['id']}", headers=keys["client"])
    assert after.headers["ETag"] == session["etag"]  # nothing changed
    # a question of the version that has no answer: nothing to remove, nothing changes
    unanswered = api.delete(f"{url}/resident", headers=keys["client"])
    assert unanswered.status_code == 200
    assert unanswered.headers["ETag"] == session["etag"]
    assert unanswered.get_json()["answers"] == {"age": 70}


def test_a_session_waits_two_weeks_for_the_claimant(
    api: FlaskClient, keys: Any, clock: FakeClock
) -> None:
    day = 24 * 60 * 60
    session = start(api, keys["client"]).get_json()
    url = f"{SESSIONS}/{session['id']}"
    created = dt.datetime.fromisoformat(session["updated_at"])
    assert dt.datetime.fromisoformat(session["expires_at"]) - created == dt.timedelta(days=14)
    clock.advance(13 * day)  # back the next week, documents found: the interview goes on
    assert api.get(url, headers=keys["client"]).status_code == 200
    answered = api.patch(f"{url}/answers", json={"age": 70}, headers=keys["client"])
    assert answered.status_code == 200
    clock.advance(13 * day)  # idle time counts from the last answer
    assert api.get(url, headers=keys["client"]).status_code == 200
    clock.advance(2 * day)
    assert_problem(api.get(url, headers=keys["client"]), 404, "session-expired")


def test_idle_time_is_configurable(make_app: Any, keys: Any) -> None:
    app = make_app(SESSION_IDLE_SECONDS=5)
    assert app.extensions["eligibility"].config.session_idle_seconds == 5


def test_unknown_and_foreign_sessions_are_404(api: FlaskClient, keys: Any, stored_app: Any) -> None:
    from eligibility import services

    assert_problem(api.get(f"{SESSIONS}/nope", headers=keys["client"]), 404, "not-found")
    session = start(api, keys["client"]).get_json()
    token, _ = services.create_key(stored_app.extensions["eligibility"].storage, "client", "b")
    other = {"Authorization": f"Bearer {token}"}
    assert_problem(api.get(f"{SESSIONS}/{session['id']}", headers=other), 404)
    url = f"{SESSIONS}/{session['id']}/answers"
    assert_problem(api.patch(url, json={"age": 1}, headers=other), 404)


def test_language_of_a_session(api: FlaskClient, keys: Any) -> None:
    session = start(api, keys["client"], locale="de").get_json()
    assert session["locale"] == "de"
    assert session["next_questions"][0]["label"] == "Wie alt sind Sie?"
    url = f"{SESSIONS}/{session['id']}"
    english = api.get(url, headers={**keys["client"], "Accept-Language": "en"})
    assert english.headers["Content-Language"] == "en"
    assert api.get(url + "?locale=de", headers=keys["client"]).headers["Content-Language"] == "de"


def test_submit_a_session_as_a_decision(api: FlaskClient, keys: Any) -> None:
    session = start(api, keys["client"], answers={"age": 70, "resident": True}).get_json()
    url = f"{SESSIONS}/{session['id']}/decision"
    response = api.post(url, headers=keys["client"])
    assert response.status_code == 201, response.get_data(as_text=True)
    decision = response.get_json()
    assert decision["goals"]["eligible"] == {"value": True, "decided": True}
    assert response.headers["Location"] == f"/v1/decisions/{decision['id']}"
    assert decision["session_id"] == session["id"]
    again = api.post(url, headers=keys["client"])
    assert again.status_code == 200
    assert again.get_json()["id"] == decision["id"]
    answers = f"{SESSIONS}/{session['id']}/answers"
    assert_problem(api.patch(answers, json={"age": 20}, headers=keys["client"]), 409)


def test_an_incomplete_session_is_submitted_only_when_asked(api: FlaskClient, keys: Any) -> None:
    session = start(api, keys["client"], answers={"age": 30}).get_json()
    url = f"{SESSIONS}/{session['id']}/decision"
    refused = assert_problem(api.post(url, headers=keys["client"]), 422, "incomplete-decision")
    assert refused["next_questions"] == ["income", "resident"]
    answers = f"{SESSIONS}/{session['id']}/answers"
    assert api.patch(answers, json={"resident": False}, headers=keys["client"]).status_code == 200
    # resident: false decides everything; had it not, the client could still ask:
    other = start(api, keys["client"], answers={"age": 30}).get_json()
    asked = api.post(
        f"{SESSIONS}/{other['id']}/decision",
        json={"allow_incomplete": True},
        headers=keys["client"],
    )
    assert asked.status_code == 201, asked.get_data(as_text=True)
    assert asked.get_json()["status"] == "incomplete"
    submitted = api.post(url, headers=keys["client"])
    assert submitted.status_code == 201 and submitted.get_json()["status"] == "complete"


def test_session_errors(api: FlaskClient, keys: Any) -> None:
    client = keys["client"]
    assert_problem(api.post(SESSIONS, json={"ruleset": "nope"}, headers=client), 404)
    body = {**START, "as_of": "2031-01-01"}
    assert_problem(api.post(SESSIONS, json=body, headers=client), 422, "no-version-applies")
    assert_problem(api.post(SESSIONS, json={**START, "answers": {"age": "x"}}, headers=client), 422)
    session = start(api, client).get_json()
    url = f"{SESSIONS}/{session['id']}/answers"
    assert_problem(api.patch(url, json=[1], headers=client), 422, "invalid-request")
    assert_problem(api.patch(url, data="{", content_type="application/json", headers=client), 400)
    assert_problem(api.patch(url, data="a=1", headers=client), 415)


def test_a_page_of_next_questions(api: FlaskClient, keys: Any) -> None:
    client = keys["client"]
    session = start(api, client).get_json()
    everything = session["next_questions"]
    assert session["next_questions_total"] == len(everything) == 3
    url = f"{SESSIONS}/{session['id']}"
    first = api.get(f"{url}?limit=1", headers=client).get_json()
    assert first["next_questions"] == everything[:1]
    assert first["next_questions_total"] == 3
    rest = api.get(f"{url}?offset=1&limit=5", headers=client).get_json()
    assert rest["next_questions"] == everything[1:]
    assert api.get(f"{url}?offset=3", headers=client).get_json()["next_questions"] == []
    answered = api.patch(f"{url}/answers?limit=1", json={"age": 30}, headers=client).get_json()
    assert [q["id"] for q in answered["next_questions"]] == ["income"]
    assert answered["next_questions_total"] == 2


def test_a_page_out_of_bounds_is_a_problem(api: FlaskClient, keys: Any) -> None:
    client = keys["client"]
    url = f"{SESSIONS}/{start(api, client).get_json()['id']}"
    for query in ("limit=0", "limit=1001", "offset=-1", "limit=x"):
        response = api.get(f"{url}?{query}", headers=client)
        body = assert_problem(response, 422, "invalid-request")
        assert list(body["errors"]) == [query.split("=")[0]]


def test_the_openapi_document_describes_the_page(api: FlaskClient) -> None:
    document = api.get("/openapi.json").get_json()
    read = document["paths"]["/v1/sessions/{session_id}"]["get"]
    names = {p["name"]: p for p in read["parameters"] if p["in"] == "query"}
    assert names["limit"]["schema"]["minimum"] == 1 and names["limit"]["schema"]["maximum"] == 1000
    assert names["offset"]["schema"]["minimum"] == 0
    session = document["components"]["schemas"]["Session"]
    assert "next_questions_total" in session["required"]
