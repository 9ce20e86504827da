"""Spreadsheet-ready exports: decisions with one column per answer and goal, replay results.

The columns come from the stored versions of the rule sets exported (every question
and goal any of them has, in the authors' order), so a CSV can be streamed.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eligibility.decisions import Decision
from eligibility.ports import Storage
from eligibility.records import ReplayJob

FIXED_COLUMNS = (
    "sequence",
    "id",
    "recorded_at",
    "ruleset_id",
    "version",
    "content_hash",
    "as_of",
    "locale",
    "client",
    "eligible",
    "status",
)
CHAIN_COLUMNS = ("prev_hash", "hash")
RESULT_COLUMNS = (
    "sequence",
    "decision_id",
    "status",
    "recorded_version",
    "replayed_version",
    "changes",
    "error",
)


@dataclass(frozen=True)
class Columns:
    """The questions and goals of the rule sets exported, in the authors' order."""

    questions: tuple[str, ...]
    goals: tuple[str, ...]


def columns_of(store: Storage, ruleset_id: str | None) -> Columns:
    """Every question (and collection) and goal of the stored versions of one rule set (or all)."""
    questions: dict[str, None] = {}
    goals: dict[str, None] = {}
    for stored in store.versions.list(ruleset_id):
        questions.update(dict.fromkeys(stored.content.get("questions", {})))
        # a collection is one column: its instances as JSON (each one's goals are in the
        # record's goals, keyed by pointer, and in the JSON lines export)
        questions.update(dict.fromkeys(stored.content.get("collections", {})))
        goals.update(dict.fromkeys(stored.content.get("goals", {})))
    return Columns(tuple(questions), tuple(goals))


def csv_line(values: Sequence[Any]) -> str:
    """One CSV line (RFC 4180 quoting, "\\n" line ends)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()


def cell(value: Any) -> str:
    """A value as a CSV cell: empty for none, true/false, JSON for nested answers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def reasons_text(reasons: Iterable[Mapping[str, Any]]) -> str:
    """A goal's reasons as one cell: `text (legal reference); …`."""
    parts = []
    for reason in reasons:
        text = reason.get("text") or reason.get("rule", "")
        reference = reason.get("legal_reference")
        parts.append(f"{text} ({reference})" if reference else str(text))
    return "; ".join(parts)


def decision_header(columns: Columns) -> tuple[str, ...]:
    """The header of the decisions CSV."""
    return (
        *FIXED_COLUMNS,
        *(f"answer:{q}" for q in columns.questions),
        *(f"goal:{g}" for g in columns.goals),
        *(f"reasons:{g}" for g in columns.goals),
        *CHAIN_COLUMNS,
    )


def decision_csv(decisions: Iterable[Decision], columns: Columns) -> Iterator[str]:
    """Decisions as CSV lines, the header first; an answer not given is an empty cell."""
    yield csv_line(decision_header(columns))
    for d in decisions:
        data = d.to_dict()
        fixed = [cell(data[c]) for c in FIXED_COLUMNS]
        answers = [cell(d.answers.get(q)) for q in columns.questions]
        goals = [cell(_goal(d.goals.get(g))) for g in columns.goals]
        reasons = [reasons_text(d.reasons.get(g, ())) for g in columns.goals]
        yield csv_line([*fixed, *answers, *goals, *reasons, d.prev_hash, d.hash])


def _goal(goal: Mapping[str, Any] | None) -> Any:
    if not goal or not goal.get("decided"):
        return None
    return goal.get("value")


def result_lines(
    store: Storage, job: ReplayJob, export_format: str, batch: int = 500
) -> Iterator[str]:
    """A replay job's per-decision results as CSV (with per-goal columns) or JSON lines."""
    rows = _rows(store, job.id, batch)
    if export_format == "jsonl":
        return (json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    goals = columns_of(store, job.ruleset_id).goals
    return _result_csv(rows, goals)


def _result_csv(rows: Iterable[Mapping[str, Any]], goals: Sequence[str]) -> Iterator[str]:
    yield csv_line(
        (
            *RESULT_COLUMNS,
            *(f"{side}:{g}" for g in goals for side in ("recorded", "replayed")),
        )
    )
    for row in rows:
        changes = "; ".join(c["text"] for c in row.get("changes", ()))
        fixed = [cell(row.get(c)) for c in RESULT_COLUMNS if c != "changes"]
        fixed.insert(RESULT_COLUMNS.index("changes"), changes)
        values = row.get("goals", {})
        per_goal = [
            cell(values.get(g, {}).get(side)) for g in goals for side in ("recorded", "replayed")
        ]
        yield csv_line([*fixed, *per_goal])


def _rows(store: Storage, job_id: str, batch: int) -> Iterator[dict[str, Any]]:
    after = 0
    while page := store.jobs.results(job_id, after, batch):
        yield from page
        after = page[-1]["sequence"]
