"""Decisions as rows of the `decisions` table and back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eligibility.decisions import DERIVED_COLUMNS, Decision
from eligibility.storage.sql.models import DecisionRow

# The JSON documents of a record: stored as the canonical text the append wrote.
DOCUMENTS = ("answers", "goals", "reasons", "trace", "ignored_answers")
_DECISION_FIELDS = tuple(
    name
    for name in Decision.__dataclass_fields__
    if name not in ("trace", "ignored_answers", "stored_columns", "stored_texts")
)
_SCALAR_FIELDS = tuple(name for name in _DECISION_FIELDS if name not in DOCUMENTS)
# Every column a sealed row has (`sealed_row`), in the order the insert names them.
SEALED_COLUMNS = (*_SCALAR_FIELDS, *DERIVED_COLUMNS, *DOCUMENTS)


def sealed_row(decision: Decision, texts: Mapping[str, str]) -> dict[str, Any]:
    """The columns of a sealed decision: its documents as their canonical `texts`, plus the
    derived ones for filtering (`eligible`)."""
    values: dict[str, Any] = {name: getattr(decision, name) for name in _SCALAR_FIELDS}
    values.update(decision.derived_columns())
    values.update((name, texts[name]) for name in DOCUMENTS)
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
