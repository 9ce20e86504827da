"""Every failure is application/problem+json: Flask's own 404/405/413 too, and no internals leak."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask.testing import FlaskClient

from eligibility.services import Evaluator
from tests.api.api_helpers import assert_problem

EVALUATE = "/v1/evaluations"
GOOD = {"ruleset": "fishing-licence", "as_of": "2024-03-01", "answers": {"age": 70}}


def test_unknown_path_is_a_problem(client: FlaskClient) -> None:
    body = assert_problem(client.get("/no/such/thing"), 404, "not-found")
    assert body["instance"] == "/no/such/thing"


def test_wrong_method_is_a_problem_with_allow(client: FlaskClient) -> None:
    response = client.delete(EVALUATE)
    assert_problem(response, 405, "method-not-allowed")
    assert "POST" in response.headers["Allow"]


def test_malformed_json_is_400(client: FlaskClient) -> None:
    response = client.post(EVALUATE, data='{"ruleset": ', content_type="application/json")
    body = assert_problem(response, 400, "malformed-json")
    assert "line 1" in body["detail"]


@pytest.mark.parametrize(
    "data",
    [b"", b"   ", b"\xff\xfe\x00", b"NaN", b"[" * 50_000 + b"]" * 50_000, b'{"a": 1e999999}'],
    ids=["empty", "blank", "not-utf8", "nan", "deep", "huge-number"],
)
def test_unparseable_bodies_are_400(client: FlaskClient, data: bytes) -> None:
    assert_problem(client.post(EVALUATE, data=data, content_type="application/json"), 400)


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", None])
def test_wrong_media_type_is_415(client: FlaskClient, content_type: str | None) -> None:
    response = client.post(EVALUATE, data=b'{"ruleset": "x"}', content_type=content_type)
    assert_problem(response, 415, "unsupported-media-type")


def test_json_suffix_media_types_are_accepted(client: FlaskClient) -> None:
    response = client.post(
        EVALUATE, data=b'{"ruleset": "fishing-licence"}', content_type="application/merge+json"
    )
    assert response.status_code != 415


def test_body_over_the_limit_is_413(client: FlaskClient) -> None:
    response = client.post(EVALUATE, data=b" " * (1024 * 1024 + 1), content_type="application/json")
    body = assert_problem(response, 413)
    assert "1048576" in body["detail"]


def test_body_limit_is_configurable(make_app: Any) -> None:
    small = make_app(MAX_CONTENT_LENGTH=100).test_client()
    response = small.post(EVALUATE, json={**GOOD, "locale": "en" * 100})
    assert_problem(response, 413)


def test_every_invalid_answer_is_listed(client: FlaskClient) -> None:
    answers = {"age": -3, "income": "-3", "resident": "yes", "agee": 1}
    response = client.post(EVALUATE, json={**GOOD, "answers": answers})
    body = assert_problem(response, 422, "invalid-answers")
    errors = body["errors"]
    assert errors["/answers/income"] == ["expected a non-negative amount of at least 0, got -3"]
    assert body["errors"]["/answers/age"] == ["expected a whole number of at least 0, got -3"]
    assert body["errors"]["/answers/resident"] == ["expected true or false, got 'yes'"]
    assert "did you mean 'age'" in body["errors"]["/answers/agee"][0]


def test_request_fields_are_checked_together(client: FlaskClient) -> None:
    body = {"ruleset": "", "as_of": "yesterday", "answers": [], "colour": "red"}
    problem = assert_problem(client.post(EVALUATE, json=body), 422, "invalid-request")
    assert set(problem["errors"]) == {"/ruleset", "/as_of", "/answers", "/colour"}


@pytest.mark.parametrize("body", ["[]", '"text"', "3", "null"])
def test_a_body_that_is_not_an_object_is_422(client: FlaskClient, body: str) -> None:
    response = client.post(EVALUATE, data=body, content_type="application/json")
    assert_problem(response, 422, "invalid-request")


def test_unknown_rule_set_is_404_with_a_suggestion(client: FlaskClient) -> None:
    response = client.post(EVALUATE, json={**GOOD, "ruleset": "fishing-licenc"})
    body = assert_problem(response, 404, "ruleset-not-found")
    assert "fishing-licence" in body["detail"]


def test_unknown_version_is_404(client: FlaskClient) -> None:
    response = client.post(EVALUATE, json={"ruleset": "fishing-licence", "version": "1999"})
    assert_problem(response, 404, "version-not-found")


def test_no_version_covering_the_date_is_422(client: FlaskClient) -> None:
    response = client.post(EVALUATE, json={**GOOD, "as_of": "2030-01-01"})
    body = assert_problem(response, 422, "no-version-applies")
    assert "2030-01-01" in body["errors"]["/as_of"][0]


def test_unexpected_errors_are_500_without_details(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret connection string postgres://u:p@db")

    monkeypatch.setattr(Evaluator, "evaluate", explode)
    with caplog.at_level(logging.ERROR):
        response = client.post(EVALUATE, json=GOOD)
    body = assert_problem(response, 500, "internal-error")
    assert "secret" not in response.get_data(as_text=True)
    assert set(body) == {"type", "title", "status", "instance"}
    assert "secret connection string" in caplog.text  # the details go to the log


def test_problem_type_base_is_configurable(make_app: Any) -> None:
    app = make_app(PROBLEM_BASE="https://eligibility.example/problems/")
    body = assert_problem(app.test_client().get("/nothing"), 404)
    assert body["type"] == "https://eligibility.example/problems/not-found"
