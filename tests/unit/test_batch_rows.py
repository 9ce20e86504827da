"""A batch's rows read and written the short way: CSV lines split at commas, lines by orjson.

Both must give exactly what the long way gives: a CSV line as the csv module reads it
(`population_rows.parse`), a result line as `json.dumps(..., ensure_ascii=False,
separators=(",", ":"))` writes it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from eligibility.batch.assess import _line
from eligibility.batch.population_rows import parse, plain_line, plan_of
from eligibility.model import Question

QUESTIONS = {
    "state": Question("state", "string", {"en": "State?"}),
    "size": Question("size", "integer", {"en": "Size?"}),
    "elderly": Question("elderly", "boolean", {"en": "Elderly?"}),
    "income": Question("income", "decimal", {"en": "Income?"}, allow_unknown=True),
}
COLUMNS = ["id", "state", "size", "elderly", "income", "as_of"]
LINES = [
    b"a1,IL,3,false,12.50,2020-03-01\r\n",
    b"a2,VT,4,  Yes ,unknown,\n",
    b"a3, UT ,x,NO, 7 ,\r\n",
    b",IL,3,1,,2020-03-01",
    b"a5,IL,3,maybe,0,not-a-day\r\n",
    b"a6,IL,3,true,0\r\n",  # a cell short
    b"a7,IL,3,true,0,,\r\n",  # a cell over
    b'a8,"IL",3,true,0,\r\n',  # quoted: the csv module's
    b"a9,I\rL,3,true,0,\r\n",  # a carriage return inside
    b"a10,IL\x00,3,true,0,\r\n",  # NUL: the csv module refuses it
    b"a11,\xffIL,3,true,0,\r\n",  # not UTF-8
    "a12,Zürich ☃,3,TRUE,unknown,2020-03-01\n".encode(),
    b"a13,IL,3,true,0,2020-03-01\r",
    b"a14,,,,,\r\n",
]


def long_way(raw: bytes) -> Any:
    try:
        return parse("csv", raw, 7, 9, COLUMNS, QUESTIONS)
    except Exception as error:  # noqa: BLE001 - the same failure either way
        return type(error).__name__


@pytest.mark.parametrize("raw", LINES)
def test_a_plain_line_is_read_as_the_csv_module_reads_it(raw: bytes) -> None:
    plan = plan_of(COLUMNS, QUESTIONS)
    assert plan is not None
    found = plain_line(raw, 7, 9, plan)
    if found is not None:
        assert found == long_way(raw)


def test_only_lines_the_csv_module_must_read_go_the_long_way() -> None:
    plan = plan_of(COLUMNS, QUESTIONS)
    assert plan is not None
    long = [raw for raw in LINES if plain_line(raw, 7, 9, plan) is None]
    assert long == [LINES[i] for i in (5, 6, 7, 8, 9, 10, 12)]


def test_a_header_naming_a_column_twice_reads_every_line_the_long_way() -> None:
    assert plan_of(["id", "state", "state"], QUESTIONS) is None


ROWS: list[dict[str, Any]] = [
    {"row": 1, "line": 2, "id": None, "status": "same", "goals": {"a": {"baseline": True}}},
    {"row": 2, "line": None, "id": "x", "status": "failed", "error": 'bad "value" \\ \n\t\x01'},
    {"row": 3, "goals": {"ü": {"baseline": "Zürich ☃ \u2028 \x7f", "reform": [1, -2, 2**63]}}},
    {"row": 4, "changes": [{"rules": [], "old": 10**30, "new": -(2**64)}]},  # beyond 64 bits
]


@pytest.mark.parametrize("row", ROWS)
def test_a_result_line_is_what_json_writes(row: dict[str, Any]) -> None:
    expected = json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n"
    assert _line(row) == expected.encode("utf-8")


def test_a_lone_surrogate_fails_as_it_did() -> None:
    with pytest.raises(UnicodeEncodeError):
        _line({"id": "\udc80"})
