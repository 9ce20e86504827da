"""Parsing a JSON body (api.jsonio.parse_bytes): a decoder made once, json.loads' answers."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from api.errors import ApiError
from api.jsonio import (
    _decimal,
    _describe,
    _object,
    _reject_constant,
    check_texts,
    parse_bytes,
)

BODIES = [
    b'{"ruleset": "snap", "answers": {"income": 12.50, "size": 3, "when": "2024-01-01"}}',
    b'\xef\xbb\xbf{"a": 1}',  # a UTF-8 byte order mark, as json.loads takes it
    '{"a": "ä", "b": [1.0, 2e3]}'.encode("utf-16"),
    '{"a": 1}'.encode("utf-32-le"),
    b'{"a": {"b": 1, "b": 2}, "c": [{"d": 1, "d": 1}]}',
    b'{"a": 1, "a": 1}',
    b'{"a": NaN}',
    b'{"a": 1e400}',
    b'{"a": "\\ud800", "b": "x\\u0000"}',
    b'{"a": ' + b"9" * 5000 + b"}",
    b'{"a": 1} x',
    b"\xff\xfe\xfd",
    b"[" * 100_000,
    b'"just a text"',
]


def reference(data: bytes) -> Any:
    """parse_bytes as it was written with json.loads and a hook made per call."""
    duplicated: list[bool] = []
    try:
        parsed = json.loads(
            data,
            parse_float=_decimal,
            parse_constant=_reject_constant,
            object_pairs_hook=lambda pairs: _object(pairs, duplicated),
        )
    except RecursionError:
        return ("refused", 400, "the JSON is nested too deeply", None)
    except ValueError as error:
        return ("refused", 400, _describe(error), None)
    try:
        if duplicated or b"\\u" in data:
            check_texts(parsed)
    except ApiError as error:
        return ("refused", error.status, error.detail, error.errors)
    return ("parsed", parsed)


def outcome(data: bytes) -> Any:
    try:
        return ("parsed", parse_bytes(data))
    except ApiError as error:
        return ("refused", error.status, error.detail, error.errors)


@pytest.mark.parametrize("data", BODIES)
def test_a_body_parses_or_is_refused_as_json_loads_would(data: bytes) -> None:
    assert outcome(data) == reference(data)


def test_decimals_stay_exact_and_duplicates_are_named_by_pointer() -> None:
    assert parse_bytes(b'{"a": 0.1, "b": [1e3]}') == {"a": Decimal("0.1"), "b": [Decimal(1000)]}
    refused = outcome(b'{"a": {"b": 1, "b": 2}, "c": [{"d": 1, "d": 1}]}')
    assert refused[:2] == ("refused", 400)
    assert refused[3] == {
        "/a/b": ["the key 'b' is given more than once"],
        "/c/0/d": ["the key 'd' is given more than once"],
    }
