"""Hostile input: lone surrogates, duplicate keys, chunked bodies past the limit, long
targets and headers, replays of rule sets that do not exist; each a problem+json 4xx."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.errors import problem
from api.limits import MAX_HEADER_FIELD, MAX_TARGET
from eligibility import services
from eligibility.records import ROLES
from tests.api.api_helpers import assert_problem

pytestmark = pytest.mark.usefixtures("dask_cluster")  # the replay jobs posted here run on it

JSON = "application/json"
VERSIONS = "/v1/rulesets/fishing-licence/versions"


@pytest.fixture
def app(make_app: Any) -> Flask:
    built: Flask = make_app()
    return built


@pytest.fixture
def keys(app: Flask) -> dict[str, dict[str, str]]:
    store = app.extensions["eligibility"].storage
    return {
        role: {"Authorization": f"Bearer {services.create_key(store, role, role)[0]}"}
        for role in ROLES
    }


def _post(client: FlaskClient, url: str, raw: bytes, headers: Any = None) -> Any:
    return client.post(url, data=raw, content_type=JSON, headers=headers or {})


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        (b'{"ruleset": "fishing-licence", "answers": {"age": "\\ud800"}}', "/answers/age"),
        (b'{"ruleset": "fishing-licence", "answers": {"\\udfff": 1}}', "/answers/\\udfff"),
        (b'{"ruleset": "\\ud800", "answers": {}}', "/ruleset"),
        (b'{"ruleset": "fishing-licence", "answers": {"a": ["x", "\\ud83d"]}}', "/answers/a/1"),
    ],
)
def test_lone_surrogates_are_refused_naming_where(
    client: FlaskClient, raw: bytes, where: str
) -> None:
    body = assert_problem(_post(client, "/v1/evaluations", raw), 400, "malformed-json")
    assert list(body["errors"]) == [where]
    assert "surrogate" in body["errors"][where][0]


def test_a_surrogate_pair_is_a_character(client: FlaskClient) -> None:
    raw = b'{"ruleset": "fishing-licence", "version": "2024-01-01", "answers": {"age": 70}}'
    assert _post(client, "/v1/evaluations", raw).status_code == 200
    paired = raw.replace(b'"age": 70', b'"age": "\\ud83d\\ude00"')  # a valid text, wrong type
    assert "/answers/age" in assert_problem(_post(client, "/v1/evaluations", paired), 422)["errors"]


def test_surrogates_in_sessions_and_authored_versions(app: Flask, keys: Any) -> None:
    client = app.test_client()
    started = client.post(
        "/v1/sessions",
        json={"ruleset": "fishing-licence", "version": "2024-01-01"},
        headers=keys["client"],
    )
    assert started.status_code == 201, started.get_data(as_text=True)
    url = started.headers["Location"]
    headers = {**keys["client"], "If-Match": started.headers["ETag"]}
    patched = client.patch(
        url + "/answers", data=b'{"age": "\\ud800"}', content_type=JSON, headers=headers
    )
    assert "/age" in assert_problem(patched, 400, "malformed-json")["errors"]
    created = _post(client, "/v1/sessions", b'{"ruleset": "x\\udc00"}', keys["client"])
    assert "/ruleset" in assert_problem(created, 400)["errors"]
    authored = _post(client, VERSIONS, b'{"title": {"en": "\\ud800"}}', keys["author"])
    assert "/title/en" in assert_problem(authored, 400)["errors"]
    yaml_doc = 'ruleset: fishing-licence\ntitle: {en: "\\ud800"}\n'
    sent = client.post(
        VERSIONS, data=yaml_doc, content_type="application/yaml", headers=keys["author"]
    )
    assert "/title/en" in assert_problem(sent, 400)["errors"]


def test_the_error_handler_writes_a_surrogate_as_its_escape(app: Flask) -> None:
    with app.test_request_context("/v1/rulesets"):
        response = problem(404, "not-found", "Not found", "no rule set '\ud800'")
    assert response.status_code == 404
    assert "\\ud800" in response.get_json()["detail"]


def test_duplicate_keys_are_refused_naming_the_key(client: FlaskClient) -> None:
    raw = b'{"ruleset": "fishing-licence", "answers": {"age": 1, "age": 70}}'
    body = assert_problem(_post(client, "/v1/evaluations", raw), 400, "malformed-json")
    assert body["errors"] == {"/answers/age": ["the key 'age' is given more than once"]}
    top = b'{"ruleset": "fishing-licence", "ruleset": "snap", "answers": {}}'
    assert "/ruleset" in assert_problem(_post(client, "/v1/evaluations", top), 400)["errors"]


def test_nul_characters_stay_a_422_naming_where(client: FlaskClient) -> None:
    raw = b'{"ruleset": "fishing-licence", "answers": {"age": "7\\u0000"}}'
    body = assert_problem(_post(client, "/v1/evaluations", raw), 422, "invalid-request")
    assert list(body["errors"]) == ["/answers/age"]


def _chunked(client: FlaskClient, raw: bytes) -> Any:
    return client.post(
        "/v1/evaluations",
        input_stream=io.BytesIO(raw),
        content_type=JSON,
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},  # as gunicorn says of chunked bodies
    )


def test_a_chunked_body_over_the_limit_is_413_not_truncated(app: Flask) -> None:
    client = app.test_client()
    limit = app.config["MAX_CONTENT_LENGTH"]
    head = b'{"ruleset": "fishing-licence", "version": "2024-01-01", "answers": {"age": 70}}'
    padded = head[:-1] + b', "pad": "' + b" " * limit + b'"}'  # valid JSON up to the limit
    assert_problem(_chunked(client, padded), 413)
    exactly = head + b" " * (limit - len(head))
    assert _chunked(client, exactly).status_code == 200
    assert _chunked(client, head).status_code == 200


def test_a_replay_of_an_unknown_rule_set_is_refused_at_once(app: Flask, keys: Any) -> None:
    client = app.test_client()
    body = {"ruleset": "no-such-ruleset"}
    refused = client.post("/v1/replays", json=body, headers=keys["auditor"])
    assert_problem(refused, 404, "ruleset-not-found")
    assert client.get("/v1/replays", headers=keys["auditor"]).get_json()["items"] == []
    known = client.post("/v1/replays", json={"ruleset": "fishing-licence"}, headers=keys["auditor"])
    assert known.status_code == 202


def test_long_targets_and_headers_are_problem_json(client: FlaskClient) -> None:
    body = assert_problem(client.get("/v1/rulesets/" + "a" * MAX_TARGET), 414)
    assert str(MAX_TARGET) in body["detail"]
    assert_problem(client.get("/v1/rulesets?locale=" + "x" * MAX_TARGET), 414)
    big = {"X-Padding": "a" * MAX_HEADER_FIELD}
    assert "X-Padding" in assert_problem(client.get("/v1/rulesets", headers=big), 431)["detail"]
    assert client.get("/v1/rulesets", headers={"X-Padding": "a" * 4000}).status_code == 200
