"""One row of a population from what its file holds: a CSV line, a JSON Lines object, Parquet cells.

A CSV line without quotes is split at commas by a plan made once per file (`plan_of`,
`plain_line`); any other line goes to the csv module (`parse`), as every line once did.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from eligibility.model import Question

Kind = Literal["csv", "jsonl", "parquet", "decisions"]
SPECIAL = ("id", "as_of")  # columns that are not questions
TRUE, FALSE = {"true", "yes", "1"}, {"false", "no", "0"}
_FIELD_LIMIT = csv.field_size_limit()  # a longer line goes to the csv module (which may refuse it)


@dataclass(frozen=True)
class Row:
    """One answer set: its number (1-based), file line, id, answers and claim date, or error."""

    number: int
    line: int | None
    id: str | None
    answers: Mapping[str, Any]
    as_of: dt.date | None = None
    error: str | None = None


_SPECIAL, _BOOLEAN, _QUESTION, _OTHER = range(4)  # what a CSV column is


@dataclass(frozen=True)
class Plan:
    """A CSV file's columns, each with what it is (its cells read as `from_cells` reads them)."""

    columns: tuple[tuple[str, int], ...]
    id_at: int | None
    as_of_at: int | None


def plan_of(columns: list[str], questions: Mapping[str, Question]) -> Plan | None:
    """The plan of a header naming each column once (else None: every row the long way)."""
    if len(set(columns)) != len(columns):
        return None
    kinds = []
    for column in columns:
        question = questions.get(column)
        if column in SPECIAL:
            kinds.append((column, _SPECIAL))
        elif question is None:
            kinds.append((column, _OTHER))
        else:
            kinds.append((column, _BOOLEAN if question.value_type == "boolean" else _QUESTION))
    at = {column: i for i, column in enumerate(columns)}
    return Plan(tuple(kinds), at.get("id"), at.get("as_of"))


def plain_line(raw: bytes, number: int, line: int, plan: Plan) -> Row | None:
    """A CSV line without quotes, NUL or a carriage return before its end, read as `parse`
    reads it (its end, \\n or \\r\\n, dropped and its cells split at commas, as the csv module
    splits such a line); None for any other line (read by `parse`)."""
    if b'"' in raw or b"\0" in raw or len(raw) > _FIELD_LIMIT:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text.endswith("\r\n"):
        text = text[:-2]
    elif text.endswith("\n"):
        text = text[:-1]
    if "\r" in text:
        return None
    cells = text.split(",")
    if len(cells) != len(plan.columns):
        return None
    answers: dict[str, Any] = {}
    for (column, kind), cell in zip(plan.columns, cells, strict=True):
        if kind == _SPECIAL or cell == "":
            continue
        if kind == _OTHER or cell == "unknown":
            answers[column] = cell
            continue
        text = cell.strip()
        if kind == _BOOLEAN:
            lowered = text.lower()
            if lowered in TRUE:
                answers[column] = True
                continue
            if lowered in FALSE:
                answers[column] = False
                continue
        answers[column] = text
    row_id = cells[plan.id_at] if plan.id_at is not None else None
    try:
        as_of = _day(cells[plan.as_of_at]) if plan.as_of_at is not None else None
    except ValueError as error:
        return Row(number, line, None, {}, error=f"line {line}: {error}")
    return Row(number, line, row_id or None, answers, as_of)


def parse(
    kind: Kind,
    raw: bytes,
    number: int,
    line: int,
    columns: list[str],
    questions: Mapping[str, Question],
) -> Row:
    try:
        text = raw.decode("utf-8")
        if kind == "csv":
            cells = next(csv.reader([text]))
            if len(cells) != len(columns):
                raise ValueError(f"{len(cells)} cells for {len(columns)} columns")
            return from_cells(number, line, dict(zip(columns, cells, strict=True)), questions)
        return _from_json(number, line, json.loads(text))
    except (ValueError, UnicodeDecodeError) as error:
        return Row(number, line, None, {}, error=f"line {line}: {error}")


def _from_json(number: int, line: int, data: Any) -> Row:
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    answers = data["answers"] if isinstance(data.get("answers"), dict) else data
    row_id = data.get("id") if answers is not data else None
    as_of = _day(data.get("as_of")) if answers is not data else None
    return Row(number, line, None if row_id is None else str(row_id), answers, as_of)


def from_cells(
    number: int, line: int | None, cells: Mapping[str, Any], questions: Mapping[str, Question]
) -> Row:
    answers = {}
    for column, cell in cells.items():
        if column in SPECIAL or cell is None or cell == "":
            continue
        answers[column] = _cell(cell, questions[column]) if column in questions else cell
    row_id = cells.get("id")
    return Row(
        number,
        line,
        None if row_id in (None, "") else str(row_id),
        answers,
        _day(cells.get("as_of")),
    )


def _cell(cell: Any, question: Question) -> Any:
    """A CSV or Parquet cell as the answer it stands for (checked later with the others)."""
    if isinstance(cell, float):
        cell = Decimal(str(cell))  # Parquet doubles: as written, never binary fractions
    if not isinstance(cell, str) or cell == "unknown":
        return cell
    text = cell.strip()
    if question.value_type == "boolean":
        if text.lower() in TRUE:
            return True
        if text.lower() in FALSE:
            return False
    return text


def _day(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as error:
        raise ValueError(f"as_of: expected a date written YYYY-MM-DD, got '{value}'") from error
