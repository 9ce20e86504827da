"""The JSON log lines written fast: the same times, the same JSON and the same access lines
as the slow way."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import math
import random
from typing import Any

import pytest
from flask.testing import FlaskClient

from api import logs
from api.logs import _ENCODE, ACCESS, JsonFormatter, encode, utc_time


def _slow(created: float) -> str:
    return dt.datetime.fromtimestamp(created, dt.UTC).isoformat(timespec="milliseconds")


def test_times_are_written_as_datetime_writes_them() -> None:
    rng = random.Random(7)
    moments = [1_764_510_000 + rng.random() * 1e6 for _ in range(20_000)]
    # around whole seconds and milliseconds, and half microseconds (rounded half to even)
    base = 1_764_510_000
    moments += [base + k / 1000 + d for k in range(1000) for d in (-1e-7, 0.0, 4.999e-7)]
    moments += [base + 0.9999995, base + 0.0000005, base + 0.0000015, base - 1e-9, 0.0, 1.5]
    moments += [math.nextafter(base + 1, 0), math.nextafter(base, math.inf)]
    for created in sorted(moments) + moments[::-1]:  # seconds going back as well as forward
        assert utc_time(created) == _slow(created), created


def test_plain_lines_are_the_same_json_and_others_as_json_dumps_writes_them() -> None:
    access = {
        "time": "2026-11-30T13:14:38.123+00:00",
        "level": "info",
        "logger": "api.access",
        "message": 'POST /v1/evaluations 200 — ü \u2028 "q" \\ \n\t\x01',
        "request_id": "abc-123",
        "method": "POST",
        "route": None,
        "status": 200,
        "duration_ms": 1.25,
        "flag": True,
    }
    assert json.loads(encode(access)) == access
    assert "\n" not in encode(access)  # one line
    unusual: list[object] = [
        dt.date(2026, 1, 2),
        math.nan,
        math.inf,
        2**70,
        "lone \ud800 surrogate",
        [1, 2],
        {"a": 1},
    ]
    for value in unusual:
        line = {"message": "m", "value": value}
        assert encode(line) == _ENCODE(line)


def json_lines(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """The root logger as `configure` leaves it (one JSON stream handler), writing to a text.

    Called in the test itself: pytest adds its capture handler when the test starts.
    """
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [handler])
    monkeypatch.setattr(root, "level", logging.INFO)
    monkeypatch.setattr(ACCESS, "level", logging.NOTSET)
    root.manager._clear_cache()
    return stream


def _lines(stream: io.StringIO) -> list[dict[str, Any]]:
    found = [json.loads(line) for line in stream.getvalue().splitlines()]
    for line in found:
        assert line.pop("time").endswith("+00:00")
        assert line.pop("duration_ms") >= 0
    return [line for line in found if line["logger"] == "api.access"]


def test_the_access_line_written_directly_is_the_one_logging_writes(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = json_lines(monkeypatch)
    written: list[tuple[Any, ...]] = []
    write = logs._write_access
    monkeypatch.setattr(logs, "_write_access", lambda *a: (written.append(a), write(*a)))
    evaluation = {"ruleset": "fishing-licence", "version": "2024-01-01", "answers": {"age": 70}}
    requests = [
        ("post", "/v1/evaluations", {"json": evaluation}),
        ("get", "/v1/rulesets/nope", {}),
        ("get", "/nowhere/at/all", {}),
    ]
    for method, path, options in requests:
        getattr(client, method)(path, headers={"X-Request-Id": "same-id"}, **options)
    direct = _lines(stream)
    assert len(written) == 3  # written directly
    assert [line["status"] for line in direct] == [200, 404, 404]
    assert direct[2]["route"] is None and direct[2]["message"] == "GET (unmatched) 404"
    stream.seek(0)
    stream.truncate()
    monkeypatch.setattr(logs, "_plain_handlers", lambda: None)  # through logging's machinery
    for method, path, options in requests:
        getattr(client, method)(path, headers={"X-Request-Id": "same-id"}, **options)
    slow = _lines(stream)
    assert slow == direct and len(written) == 3
    assert [list(line) for line in slow] == [list(line) for line in direct]  # keys' order


def test_a_filter_or_another_handler_gets_the_access_record(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = json_lines(monkeypatch)
    seen: list[logging.LogRecord] = []

    def keep(record: logging.LogRecord) -> bool:
        seen.append(record)
        return record.getMessage() != "GET /healthz 200"

    monkeypatch.setattr(ACCESS, "filters", [keep])
    client.get("/healthz")
    client.get("/v1/rulesets/nope")
    assert [r.getMessage() for r in seen] == [
        "GET /healthz 200",
        "GET /v1/rulesets/<ruleset_id> 404",
    ]
    assert [line["message"] for line in _lines(stream)] == ["GET /v1/rulesets/<ruleset_id> 404"]
    monkeypatch.setattr(ACCESS, "filters", [])
    other = logging.Handler()
    other.emit = seen.append  # type: ignore[method-assign]
    monkeypatch.setattr(logging.getLogger(), "handlers", [*logging.getLogger().handlers, other])
    client.get("/healthz")
    assert seen[-1].getMessage() == "GET /healthz 200" and seen[-1].fields["status"] == 200  # type: ignore[attr-defined]
    assert _lines(stream)[-1]["message"] == "GET /healthz 200"
