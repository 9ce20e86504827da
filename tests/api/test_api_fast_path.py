"""api.fast_path answers plain evaluation and decision requests as Flask does; the rest it hands on.

Each request goes through the app (fast path first) and through Flask's own `wsgi_app`
alone; status, every header in order and the body must be the same bytes (a new decision's
but for its own id, place in the chain and time), and the fast path must have answered the
plain ones itself (Flask never called) and left every other one to Flask, which gets the
body as it was sent.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import orjson
import pytest
from flask import Flask
from werkzeug.test import Client, TestResponse

from api import create_app, metrics
from api.fast_path import FastPath
from api.hooks import FAILED
from eligibility import services
from eligibility.storage import memory_storage
from tests.api.conftest import EXAMPLES

EVALUATE = "/v1/evaluations"
SNAP = {"ruleset": "snap", "as_of": "2020-01-15", "answers": {"state": "UT", "household_size": 3}}
SNAP_FULL = {
    "ruleset": "snap",
    "version": "2019-10-01",
    "answers": {"state": "IL", "household_size": 2, "earned_income_monthly": "1200.00"},
}
KUG = {"ruleset": "kurzarbeitergeld", "as_of": "2020-04-01", "answers": {}}
FISHING = {"ruleset": "fishing-licence", "as_of": "2024-03-01", "answers": {"age": 70}}


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    """The examples, with a key of each role (`Authorization` values in the app's config)."""
    storage = memory_storage()
    built = create_app({"RULES": EXAMPLES, "STORAGE": storage, "TESTING": True})
    for role in ("client", "author", "auditor"):
        token, _ = services.create_key(storage, role, role)
        built.config[f"KEY_{role}"] = f"Bearer {token}"
    yield built


def _both(
    app: Flask, path: str = EVALUATE, **request: Any
) -> tuple[TestResponse, TestResponse, bool]:
    """The answer through the app and through Flask alone, and whether the fast path answered."""
    fast = app.wsgi_app
    assert isinstance(fast, FastPath)
    flask, handed = fast.flask, []

    def spy(environ: dict[str, Any], start_response: Any) -> Any:
        handed.append(environ)
        return flask(environ, start_response)

    headers = {"X-Request-Id": "same-id", **request.pop("headers", {})}
    fast.flask = spy
    try:
        through_app = Client(app).open(path, headers=headers, **request)
    finally:
        fast.flask = flask
    alone = Client(flask).open(path, headers=headers, **request)
    return through_app, alone, not handed


def _same(a: TestResponse, b: TestResponse) -> None:
    assert a.status == b.status
    assert list(a.headers.items()) == list(b.headers.items())
    assert a.data == b.data


def _key(app: Flask, role: str) -> dict[str, str]:
    return {"Authorization": str(app.config[f"KEY_{role}"])}


PLAIN: list[dict[str, Any]] = [
    {"json": SNAP},
    {"json": SNAP_FULL},
    {"json": KUG},
    {"json": {**KUG, "locale": "de"}},
    {"json": KUG, "headers": {"Accept-Language": "fr;q=1.0, de-AT;q=0.9, en;q=0.1"}},
    {"json": FISHING, "headers": {"Accept-Language": "de"}},
    {"json": FISHING, "query_string": "fields=goals"},
    {"json": SNAP_FULL, "query_string": "fields=goals,answers&trace=true"},
    {"json": SNAP_FULL, "query_string": "trace=true&fields=next_questions&trace=false"},
    {"json": SNAP, "query_string": "other=1"},
    {"data": json.dumps(SNAP), "content_type": "application/json; charset=utf-8"},
    {"data": json.dumps(SNAP), "content_type": "Application/JSON"},
    {"data": json.dumps(SNAP), "content_type": "application/vnd.example+json; q=1"},
    {"json": SNAP, "query_string": "fields=goals&fields=answers"},  # the first, as Flask's args
]


@pytest.mark.parametrize("request_", PLAIN)
def test_a_plain_request_is_answered_as_flask_answers_it(
    app: Flask, request_: dict[str, Any]
) -> None:
    through_app, alone, fast = _both(app, method="POST", **request_)
    assert through_app.status_code == 200
    _same(through_app, alone)
    assert fast


@pytest.mark.parametrize("role", ["client", "author"])
def test_a_key_of_an_evaluating_role_is_answered_too(app: Flask, role: str) -> None:
    through_app, alone, fast = _both(app, method="POST", json=SNAP, headers=_key(app, role))
    assert through_app.status_code == 200
    _same(through_app, alone)
    assert fast


OTHERS: list[tuple[dict[str, Any], int]] = [
    ({"json": SNAP, "headers": {"Authorization": "Bearer no-such-key"}}, 401),
    ({"json": SNAP, "headers": {"Authorization": "Basic abc"}}, 401),
    ({"data": b"{", "content_type": "application/json"}, 400),
    ({"data": b'{"ruleset": "snap", "ruleset": "snap"}', "content_type": "application/json"}, 400),
    ({"data": b"[]", "content_type": "application/json"}, 422),
    ({"data": b"", "content_type": "application/json"}, 400),
    ({"json": {"answers": {}}}, 422),
    ({"json": {**SNAP, "ruleset": "no-such-rules"}}, 404),
    ({"json": {**SNAP, "answers": {"household_size": "three"}}}, 422),
    ({"json": {**SNAP, "version": "1999-01-01"}}, 404),
    ({"data": b'{"ruleset": "snap", "answers": {}}', "content_type": "text/plain"}, 415),
    ({"json": SNAP, "query_string": "fields=bogus"}, 422),
    ({"json": SNAP, "query_string": "trace=maybe"}, 422),
    ({"json": SNAP, "query_string": "fields=%67oals"}, 200),
    ({"json": SNAP, "headers": {"Accept-Language": "de," * 100}}, 422),
]


@pytest.mark.parametrize(("request_", "status"), OTHERS)
def test_any_other_request_is_left_to_flask(
    app: Flask, request_: dict[str, Any], status: int
) -> None:
    through_app, alone, fast = _both(app, method="POST", **request_)
    assert through_app.status_code == status
    _same(through_app, alone)
    assert not fast


# Errors the fast path met in a plain request: handed to Flask's handler, not met again.
MET: list[tuple[dict[str, Any], int]] = [
    ({"data": b"{", "content_type": "application/json"}, 400),
    ({"data": b'{"ruleset": "snap", "ruleset": "snap"}', "content_type": "application/json"}, 400),
    ({"data": b'{"ruleset": "snap\\u0000"}', "content_type": "application/json"}, 422),
    ({"data": b"[]", "content_type": "application/json"}, 422),
    ({"json": {"answers": {}}}, 422),
    ({"json": {**SNAP, "ruleset": "no-such-rules"}}, 404),
    ({"json": {**SNAP, "answers": {"household_size": "three"}}}, 422),
    ({"json": {**SNAP, "version": "1999-01-01"}}, 404),
    ({"json": SNAP, "query_string": "fields=bogus"}, 422),
    ({"json": SNAP, "query_string": "trace=maybe"}, 422),
]


@pytest.mark.parametrize(("request_", "status"), MET)
def test_an_error_met_is_worded_by_flasks_handler_without_evaluating_again(
    app: Flask, request_: dict[str, Any], status: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = app.wsgi_app
    assert isinstance(fast, FastPath)
    evaluator = type(app.extensions["eligibility"].evaluator)
    evaluate, calls = evaluator.evaluate, []

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return evaluate(*args, **kwargs)

    monkeypatch.setattr(evaluator, "evaluate", counted)
    handed: list[dict[str, Any]] = []
    flask = fast.flask
    monkeypatch.setattr(fast, "flask", lambda e, s: handed.append(e) or flask(e, s))
    headers = {"X-Request-Id": "same-id"}
    through_app = Client(app).open(EVALUATE, method="POST", headers=headers, **request_)
    assert through_app.status_code == status
    assert len(handed) == 1 and isinstance(handed[0].get(FAILED), Exception)
    assert len(calls) <= 1  # evaluated at most once, by the fast path
    monkeypatch.undo()
    _same(through_app, Client(flask).open(EVALUATE, method="POST", headers=headers, **request_))


def test_a_key_of_another_role_is_refused_by_flask(app: Flask) -> None:
    through_app, alone, fast = _both(app, method="POST", json=SNAP, headers=_key(app, "auditor"))
    assert through_app.status_code == 403
    _same(through_app, alone)
    assert not fast


def test_other_methods_and_paths_go_to_flask(app: Flask) -> None:
    through_app, alone, fast = _both(app, method="GET")
    assert through_app.status_code == 405
    _same(through_app, alone)
    assert not fast


def test_anonymous_callers_refused_when_anonymous_access_is_off() -> None:
    app = create_app(
        {"RULES": EXAMPLES[2:], "STORAGE": memory_storage(), "ANONYMOUS_ACCESS": False}
    )
    through_app, alone, fast = _both(app, method="POST", json=FISHING)
    assert through_app.status_code == 401
    _same(through_app, alone)
    assert not fast


def test_with_cors_every_request_goes_to_flask() -> None:
    app = create_app(
        {"RULES": EXAMPLES[2:], "STORAGE": memory_storage(), "CORS_ORIGINS": ["https://a.example"]}
    )
    headers = {"Origin": "https://a.example"}
    through_app, alone, fast = _both(app, method="POST", json=FISHING, headers=headers)
    assert through_app.status_code == 200
    assert through_app.headers["Access-Control-Allow-Origin"] == "https://a.example"
    _same(through_app, alone)
    assert not fast


def test_a_hook_added_later_sends_requests_to_flask() -> None:
    app = create_app({"RULES": EXAMPLES[2:], "STORAGE": memory_storage()})
    app.after_request(lambda response: response)
    _, _, fast = _both(app, method="POST", json=FISHING)
    assert not fast


def test_a_fast_answer_is_counted_and_logged_as_flask_counts_and_logs_it(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    counted = metrics.REQUESTS.labels(EVALUATE, "POST", "200")
    timed = metrics.LATENCY.labels(EVALUATE, "POST")
    before = counted._value.get(), timed._sum.get()
    with caplog.at_level("INFO", logger="api.access"):
        through_app, _, fast = _both(app, method="POST", json=FISHING)
    assert fast and through_app.status_code == 200
    assert counted._value.get() == before[0] + 2  # the fast answer and Flask's
    assert timed._sum.get() > before[1]
    lines = [r for r in caplog.records if r.name == "api.access"]
    assert len(lines) == 2
    assert [r.getMessage() for r in lines] == ["POST /v1/evaluations 200"] * 2
    assert [r.request_id for r in lines] == ["same-id"] * 2  # type: ignore[attr-defined]
    fields = [{k: v for k, v in r.fields.items() if k != "duration_ms"} for r in lines]  # type: ignore[attr-defined]
    assert fields[0] == fields[1]


DECIDE = "/v1/decisions"
SENIOR = {
    "ruleset": "fishing-licence",
    "as_of": "2024-06-01",
    "answers": {"age": 70, "resident": True},
}
YOUNG = {"ruleset": "fishing-licence", "as_of": "2024-06-01", "answers": {"age": 20}}
# What a new decision has of its own: where it sits in the chain, when it was recorded.
OWN = ("id", "sequence", "hash", "prev_hash", "recorded_at")


def _recorded(app: Flask) -> int:
    """How many decisions the app's storage holds."""
    return int(app.extensions["eligibility"].storage.decisions.head().sequence)


def _decide(app: Flask, **request: Any) -> tuple[TestResponse, TestResponse, bool]:
    """A decision posted with a client key through the app and through Flask alone."""
    headers = {**_key(app, "client"), **request.pop("headers", {})}
    return _both(app, DECIDE, method="POST", headers=headers, **request)


NEW_DECISIONS: list[dict[str, Any]] = [
    {"json": SENIOR},
    {"json": SENIOR, "headers": {"Accept-Language": "de"}},
    {"json": {**SENIOR, "locale": "de"}, "query_string": "trace=true"},
    {"json": {**YOUNG, "allow_incomplete": True}},
    {"data": json.dumps(SENIOR), "content_type": "application/json; charset=utf-8"},
]


@pytest.mark.parametrize("request_", NEW_DECISIONS)
def test_a_plain_decision_is_recorded_and_answered_as_flask_answers_it(
    app: Flask, request_: dict[str, Any]
) -> None:
    before = _recorded(app)
    through_app, alone, fast = _decide(app, **request_)
    assert fast
    assert through_app.status_code == alone.status_code == 201
    assert through_app.status == alone.status
    assert _recorded(app) == before + 2  # one each, nothing twice
    assert [k for k, _ in through_app.headers] == [k for k, _ in alone.headers]
    for answer in (through_app, alone):
        body = answer.get_json()
        assert answer.headers["Location"] == f"{DECIDE}/{body['id']}"
        assert answer.headers["Content-Length"] == str(len(answer.data))
    differ = {"Location", "Content-Length"}
    assert [h for h in through_app.headers if h[0] not in differ] == [
        h for h in alone.headers if h[0] not in differ
    ]
    mine, flasks = through_app.get_json(), alone.get_json()
    assert mine["sequence"] + 1 == flasks["sequence"] and flasks["prev_hash"] == mine["hash"]
    assert {k: v for k, v in mine.items() if k not in OWN} == {
        k: v for k, v in flasks.items() if k not in OWN
    }


def test_a_retry_is_answered_with_the_recorded_decision_as_flask_answers_it(app: Flask) -> None:
    key = {"Idempotency-Key": "fast-retry-1"}
    first, _, fast = _decide(app, json=YOUNG | {"allow_incomplete": True}, headers=key)
    assert fast and first.status_code == 201
    before = _recorded(app)
    through_app, alone, fast = _decide(app, json=YOUNG | {"allow_incomplete": True}, headers=key)
    assert fast
    assert through_app.status_code == 200
    assert through_app.headers["Idempotent-Replayed"] == "true"
    _same(through_app, alone)
    assert through_app.get_json() == first.get_json()
    assert _recorded(app) == before


def test_a_refused_decision_is_worded_by_flask_and_nothing_is_recorded(app: Flask) -> None:
    taken = {"Idempotency-Key": "fast-taken-1"}
    assert _decide(app, json=SENIOR, headers=taken)[0].status_code == 201
    refused: list[tuple[dict[str, Any], int]] = [
        ({"json": YOUNG}, 422),  # incomplete, and not allowed
        ({"json": {**SENIOR, "ruleset": "no-such-rules"}}, 404),
        ({"json": {**SENIOR, "answers": {"age": "seventy"}}}, 422),
        ({"json": {**SENIOR, "allow_incomplete": "maybe"}}, 422),
        ({"json": SENIOR, "headers": {"Idempotency-Key": "tab\there"}}, 422),
        ({"json": YOUNG | {"allow_incomplete": True}, "headers": taken}, 409),
    ]
    before = _recorded(app)
    for request_, status in refused:
        through_app, alone, fast = _decide(app, **request_)
        assert through_app.status_code == status, through_app.get_json()
        _same(through_app, alone)
        assert not fast  # Flask wrote each answer: the error the fast path met, raised again
    assert _recorded(app) == before


@pytest.mark.parametrize(("role", "status"), [("auditor", 403), ("author", 403)])
def test_a_decision_by_another_role_is_refused_by_flask(app: Flask, role: str, status: int) -> None:
    before = _recorded(app)
    through_app, alone, fast = _both(
        app, DECIDE, method="POST", json=SENIOR, headers=_key(app, role)
    )
    assert through_app.status_code == status
    _same(through_app, alone)
    assert not fast
    assert _recorded(app) == before


def test_an_anonymous_decision_is_refused_by_flask(app: Flask) -> None:
    through_app, alone, fast = _both(app, DECIDE, method="POST", json=SENIOR)
    assert through_app.status_code == 401
    _same(through_app, alone)
    assert not fast


def _broken(*_args: Any, **_kwargs: Any) -> Any:
    raise RuntimeError("the body could not be written")


# Where an answer can fail once its decision is recorded: its body made, its JSON written.
AFTER_RECORDING = [
    ("api.fast_routes", "decision_body", _broken),
    (
        "api.fast_path",
        "orjson",
        SimpleNamespace(dumps=_broken, JSONEncodeError=orjson.JSONEncodeError),
    ),
]


@pytest.mark.parametrize(("module", "name", "broken"), AFTER_RECORDING)
def test_an_error_after_the_decision_is_recorded_is_answered_and_never_recorded_again(
    app: Flask, monkeypatch: pytest.MonkeyPatch, module: str, name: str, broken: Any
) -> None:
    monkeypatch.setattr(importlib.import_module(module), name, broken)
    fast = app.wsgi_app
    assert isinstance(fast, FastPath)
    handed: list[dict[str, Any]] = []
    flask = fast.flask
    monkeypatch.setattr(fast, "flask", lambda e, s: handed.append(e) or flask(e, s))
    before = _recorded(app)
    answer = Client(app).open(DECIDE, method="POST", json=SENIOR, headers=_key(app, "client"))
    assert answer.status_code == 500
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert len(handed) == 1 and isinstance(handed[0].get(FAILED), RuntimeError)
    assert _recorded(app) == before + 1  # recorded once, by the fast path, not again by Flask


def test_a_fast_decision_is_counted_as_recorded(app: Flask) -> None:
    before = metrics.DECISIONS._value.get()
    through_app, _, fast = _decide(app, json=SENIOR)
    assert fast and through_app.status_code == 201
    assert metrics.DECISIONS._value.get() == before + 2  # the fast answer and Flask's


def test_with_a_server_name_decisions_go_to_flask() -> None:
    storage = memory_storage()
    app = create_app({"RULES": EXAMPLES[2:], "STORAGE": storage})
    app.config["SERVER_NAME"] = "localhost"  # as an app embedding it might set
    token, _ = services.create_key(storage, "client", "client")
    app.config["KEY_client"] = f"Bearer {token}"
    through_app, alone, fast = _decide(app, json=SENIOR)
    assert through_app.status_code == 201
    assert not fast
