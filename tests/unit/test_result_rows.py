"""A replay job's result row is written by orjson only where its text reads back as the row."""

from __future__ import annotations

import json
from typing import Any

import pytest

from eligibility.storage.sql.result_rows import row_text

ROW = {
    "sequence": 7,
    "decision_id": "d7",
    "status": "changed",
    "goals": {"eligible": {"recorded": True, "replayed": False}, "amount": {"recorded": "1.50"}},
    "changes": [{"goal": "eligible", "label": "Anspruch auf Kurzarbeitergeld", "rules": []}],
    "error": None,
}


def test_a_plain_row_is_orjson_text_of_the_same_value() -> None:
    text = row_text(ROW)
    assert json.loads(text) == ROW and list(json.loads(text)) == list(ROW)
    assert text != json.dumps(ROW)  # compact, UTF-8: orjson's


@pytest.mark.parametrize(
    "odd",
    [float("nan"), float("inf"), 2**70, (1, 2), {1: "a key not a str"}],
    ids=["nan", "infinity", "beyond 64 bits", "tuple", "int key"],
)
def test_what_orjson_would_write_otherwise_is_json_text(odd: Any) -> None:
    row = {**ROW, "error": odd}
    assert row_text(row) == json.dumps(row)
