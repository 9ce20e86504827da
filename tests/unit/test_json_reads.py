"""Stored JSON is read by orjson where it can, by json where orjson refuses: the same values."""

from __future__ import annotations

import json
import math

import pytest

from eligibility.decisions.recorded import loads


@pytest.mark.parametrize(
    "text",
    [
        '{"b": [1, "ä ✓", null, true, 1.5, -0.0], "a": {}}',
        "[1180591620717411303424, -9223372036854775809]",  # beyond 64 bits: orjson refuses
        '"\\ud800 lone"',  # a lone surrogate: orjson refuses
        '{"a": 1, "a": 2}',  # a repeated key: the last wins in both
        "1e400",  # beyond a float: infinity in both
        '{"h": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "n": 7}',
        "[0.12345678901234567890123]",  # 19 digits in a row, not an integer: json reads it
    ],
)
def test_what_json_reads_is_read(text: str) -> None:
    found = loads(text)
    assert found == json.loads(text) and type(found) is type(json.loads(text))
    data = text.encode("utf-8")
    assert loads(data) == found and loads(memoryview(data)) == found  # as a driver hands it


def test_not_a_number_is_read_as_json_reads_it() -> None:
    assert math.isnan(loads("[NaN]")[0]) and loads("[Infinity]") == [math.inf]


def test_reasons_are_read_without_looking_for_long_integers() -> None:
    # A decision's reasons hold rule ids, texts, truth values and null: digits only in text.
    reasons = (
        '{"g": [{"legal_reference": "§ 96 SGB III", "rule": "r", "value": true,'
        ' "text": "Aktenzeichen 12345678901234567890 ä"}, {"rule": "s", "value": null}]}'
    )
    assert loads(reasons, numbers_read=False) == json.loads(reasons)
    # Where no number is read the search is skipped: such an integer would be orjson's float.
    assert loads("[18446744073709551616]", numbers_read=False) == [float(2**64)]
    assert loads("[18446744073709551616]") == [2**64]
