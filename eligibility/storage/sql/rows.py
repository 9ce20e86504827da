"""Decisions as rows of the `decisions` table and back."""

from __future__ import annotations

from typing import Any

from eligibility.decisions import DERIVED_COLUMNS, Decision
from eligibility.storage.sql.models import DecisionRow

_DECISION_FIELDS = tuple(
    name
    for name in Decision.__dataclass_fields__
    if name not in ("trace", "ignored_answers", "stored_columns", "stored_texts")
)


def row_values(decision: Decision) -> dict[str, Any]:
    """The columns of a sealed decision (plus the derived ones for filtering: `eligible`)."""
    values: dict[str, Any] = {name: getattr(decision, name) for name in _DECISION_FIELDS}
    values.update(
        decision.derived_columns(),
        trace=[dict(step) for step in decision.trace],
        ignored_answers=list(decision.ignored_answers),
    )
    return values


def to_decision(row: DecisionRow) -> Decision:
    """The decision a row holds, exactly as stored (verification recomputes its hash).

    The derived columns come along as read, so verification can check they agree.
    """
    values: dict[str, Any] = {name: getattr(row, name) for name in _DECISION_FIELDS}
    return Decision(
        **values,
        trace=tuple(row.trace),
        ignored_answers=tuple(row.ignored_answers),
        stored_columns={name: getattr(row, name) for name in DERIVED_COLUMNS},
    )
