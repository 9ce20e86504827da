"""The front end's pages through Flask's test client: the interview over the real API (in-process),
POST/redirect/GET, CSRF, headers, errors from problem+json, resume, expiry, languages."""

from __future__ import annotations

import logging
import re

import pytest
from flask.testing import FlaskClient

from tests.web.conftest import Stack, answer, csrf_of, start, text_of
from web import beside, create_app
from web.security import CONTENT_SECURITY_POLICY


def test_the_start_page_lists_every_rule_set(browser: FlaskClient) -> None:
    response = browser.get("/", headers={"Accept-Language": "es"})
    assert response.status_code == 200
    assert 'href="/start/snap"' in response.get_data(as_text=True)
    assert "Asistencia alimentaria SNAP" in text_of(response)
    assert response.headers["Content-Language"] == "es"


def test_every_page_is_private_and_runs_only_our_own_files(browser: FlaskClient) -> None:
    page = browser.get("/start/snap")
    assert page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    cookie = page.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    with browser.get("/assets/site.css") as asset:
        assert asset.status_code == 200
        assert "no-store" not in asset.headers.get("Cache-Control", "")


def test_a_form_without_its_csrf_token_is_refused(browser: FlaskClient) -> None:
    browser.get("/start/snap")
    data = {"answer-day": "15", "answer-month": "1", "answer-year": "2020"}
    for token in ({}, {"csrf_token": "forged"}):
        response = browser.post("/start/snap", data={**data, **token})
        assert response.status_code == 400
        assert "Your form has expired" in text_of(response)
    assert browser.get("/next").headers["Location"] == "/"  # no interview was started


def test_answers_post_redirect_get_and_never_travel_in_urls(
    browser: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    first = start(browser)
    assert first == "/questions/state"
    response = answer(browser, first, answer="UT")
    assert (
        response.status_code == 303 and response.headers["Location"] == "/questions/household_size"
    )
    response = answer(browser, "/questions/household_size", answer="3")
    answer(browser, "/questions/has_elderly_or_disabled_member", answer="false")
    response = answer(browser, "/questions/earned_income_monthly", answer="9876.54")
    assert response.status_code == 303
    assert "9876" not in response.headers["Location"]
    assert "9876" not in caplog.text and "9876.54" not in caplog.text
    check = browser.get("/check")
    assert "$9,876.54" in text_of(check)


def test_an_answer_the_api_refuses_shows_its_problem_by_pointer(browser: FlaskClient) -> None:
    start(browser, "kurzarbeitergeld", "2020-04-01")
    answer(browser, "/questions/cause", answer="economic")
    date = {"answer-day": "1", "answer-month": "4", "answer-year": "2020"}
    answer(browser, "/questions/claim_month", **date)
    answer(browser, "/questions/notification_date", **{**date, "answer-day": "3"})
    answer(browser, "/questions/employees", answer="5")
    response = answer(browser, "/questions/other_affected_employees", answer="9")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'href="#answer"' in html and 'id="answer-error"' in html
    assert 'value="9"' in html
    assert "(insgesamt 5)" in text_of(response)  # the rule set speaks German by default


def test_an_answer_that_breaks_a_check_with_an_earlier_one_is_shown_once_here(
    browser: FlaskClient,
) -> None:
    start(browser, "kurzarbeitergeld", "2020-04-01")
    answer(browser, "/questions/cause", answer="economic")
    date = {"answer-day": "1", "answer-month": "4", "answer-year": "2020"}
    answer(browser, "/questions/claim_month", **date)
    answer(browser, "/questions/notification_date", **date)
    answer(browser, "/questions/employees", answer="50")
    answer(browser, "/questions/other_affected_employees", answer="9")
    response = answer(browser, "/questions/employees", answer="5")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    # The API names both answers the check reads; the page shows the message once, at its own
    # answer, rather than twice (here and linked to the other question).
    assert 'href="#answer"' in html and 'id="answer-error"' in html
    assert 'href="/questions/other_affected_employees"' not in html
    assert text_of(response).count("(insgesamt 5)") == 2  # the summary and the field


def test_no_version_for_the_date_is_an_error_on_the_date(browser: FlaskClient) -> None:
    token = csrf_of(browser, "/start/snap")
    response = browser.post(
        "/start/snap",
        data={"csrf_token": token, "answer-day": "1", "answer-month": "1", "answer-year": "2024"},
    )
    assert response.status_code == 422
    assert 'href="#answer-day"' in response.get_data(as_text=True)
    assert "no published version" in text_of(response)
    assert "1 October 2019 to 30 September 2020" in text_of(response)


def test_a_question_not_asked_goes_to_the_next_one(browser: FlaskClient) -> None:
    start(browser)
    assert browser.get("/questions/assets").status_code == 200  # asked later, may be answered now
    answer(browser, "/questions/state", answer="IL")  # Illinois has no asset test
    response = browser.get("/questions/assets")
    assert response.status_code == 303 and response.headers["Location"] == "/next"
    assert browser.get("/questions/nothing").headers["Location"] == "/next"


def test_a_new_date_keeps_the_answers_the_new_version_accepts(browser: FlaskClient) -> None:
    start(browser)
    answer(browser, "/questions/state", answer="IL")
    answer(browser, "/questions/household_size", answer="2")
    before = text_of(browser.get("/check"))
    assert "fiscal year 2020 (Illinois" in before
    start(browser, day="2020-04-15")
    after = text_of(browser.get("/check"))
    assert "15 April 2020" in after and "emergency allotments" in after
    assert "Illinois" in after and "household size" not in after.lower().replace("how many", "")


def test_the_back_link_follows_the_answers(browser: FlaskClient) -> None:
    start(browser)
    assert 'href="/start/snap" class="back-link"' in browser.get("/questions/state").get_data(
        as_text=True
    )
    answer(browser, "/questions/state", answer="UT")
    page = browser.get("/questions/household_size").get_data(as_text=True)
    assert 'href="/questions/state" class="back-link"' in page


def test_the_language_switch_keeps_the_page_and_drops_the_query(browser: FlaskClient) -> None:
    start(browser)
    response = browser.get("/questions/state?lang=es")
    assert response.status_code == 303 and response.headers["Location"] == "/questions/state"
    page = browser.get("/questions/state")
    assert page.headers["Content-Language"] == "es"
    assert "¿En qué estado vive?" in text_of(page) and "Continuar" in text_of(page)
    assert "English" in text_of(page)


def test_resume_by_link_and_an_expired_session(stack: Stack, browser: FlaskClient) -> None:
    start(browser)
    answer(browser, "/questions/state", answer="VT")
    link = re.search(
        r'href="(http://[^"]+/resume/[^"]+)"', browser.get("/save").get_data(as_text=True)
    )
    assert link
    path = link.group(1).split("localhost", 1)[1]
    with stack.front().test_client() as other:
        assert other.get(path).headers["Location"] == "/next"
        assert other.get("/next").headers["Location"] == "/questions/household_size"
        stack.clock.advance(15 * 24 * 3600)  # past the 14 days a session waits
        gone = other.get("/next")
        assert gone.status_code == 410 and "Your answers have been deleted" in text_of(gone)
        assert other.get("/next").headers["Location"] == "/"  # the cookie forgot it
    assert other.get("/resume/not a session").status_code == 404
    assert browser.get("/resume/..%2F..").status_code == 404


def test_missing_pages_and_rule_sets(browser: FlaskClient) -> None:
    for path in ("/nothing", "/start/no-such-ruleset"):
        response = browser.get(path)
        assert response.status_code == 404 and "Page not found" in text_of(response)


def test_an_api_that_cannot_be_reached_is_a_page_not_a_traceback(stack: Stack) -> None:
    front = stack.front(api_url="http://127.0.0.1:9")
    response = front.test_client().get("/")
    assert response.status_code == 503
    assert "Sorry, there is a problem with the service" in text_of(response)


def test_the_front_end_needs_an_api(stack: Stack) -> None:
    with pytest.raises(ValueError, match="WEB_API_URL"):
        create_app({"secret_key": "s"})


def test_beside_the_api_each_path_goes_to_its_app(stack: Stack) -> None:
    from werkzeug.test import Client

    site = Client(beside(stack.api, stack.front()))
    assert site.get("/v1/rulesets").json["rulesets"]  # type: ignore[index]
    problem = site.get("/v1/nothing")
    assert problem.status_code == 404 and problem.mimetype == "application/problem+json"
    assert site.get("/openapi.json").status_code == 200
    assert "<html" in site.get("/").get_data(as_text=True)
    with site.get("/assets/chat.js") as script:
        assert script.status_code == 200


def test_paths_that_clash_with_the_api_are_refused(stack: Stack) -> None:
    front = stack.front()
    front.add_url_rule("/v1/mine", "mine", lambda: "")
    with pytest.raises(ValueError, match="v1"):
        beside(stack.api, front)


def test_a_new_date_drops_answers_the_older_version_does_not_know(
    stack: Stack, browser: FlaskClient
) -> None:
    start(browser, "kurzarbeitergeld", "2021-06-01")
    answer(browser, "/questions/cause", answer="economic")
    link = re.search(r"/resume/([0-9a-f-]+)", browser.get("/save").get_data(as_text=True))
    assert link
    added = stack.api.test_client().patch(
        f"/v1/sessions/{link.group(1)}/answers",
        json={"entitlement_start_month": "2021-01-01"},
        headers={"Authorization": f"Bearer {stack.key}"},
    )
    assert added.status_code == 200
    start(browser, "kurzarbeitergeld", "2019-06-01")  # the 2016 rules ask no such question
    shown = text_of(browser.get("/check", headers={"Accept-Language": "en"}))
    assert "1 June 2019" in shown and "Economic reasons" in shown
