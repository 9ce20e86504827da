"""The JSON log lines written fast: the same times and the same JSON as the slow way."""

from __future__ import annotations

import datetime as dt
import json
import math
import random

from api.logs import _ENCODE, encode, utc_time


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
        "message": "POST /v1/evaluations 200 — ü \u2028 \"q\" \\ \n\t\x01",
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
