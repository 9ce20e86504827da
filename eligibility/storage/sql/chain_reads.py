"""The chain's records as verification reads them on PostgreSQL: documents as stored text.

PostgreSQL keeps each document's canonical text as the append wrote it (a `json`
column keeps its text), so a record read with its documents as text carries them
(`Decision.stored_texts`) and verification hashes them as they are instead of writing
each again from its parsed value (`Decision.texts_and_digests`: ~half of verifying a
record); they are parsed by orjson (`recorded.loads`), not by the JSON type's
`json.loads`. SQLite's JSON type keeps its own writing of a document, so its records
are read as before (`rows.to_decision`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text, cast, select

from eligibility.decisions import DERIVED_COLUMNS, Decision
from eligibility.decisions.recorded import loads
from eligibility.storage.sql.engine import Database
from eligibility.storage.sql.models import DecisionRow

DOCUMENTS = ("answers", "goals", "reasons", "trace", "ignored_answers")
_TABLE = DecisionRow.__table__
_SCALARS = tuple(column for column in _TABLE.columns if column.name not in DOCUMENTS)
_NAMES = tuple(column.name for column in _SCALARS)
_COLUMNS: tuple[Any, ...] = (*_SCALARS, *(cast(_TABLE.c[name], Text) for name in DOCUMENTS))
_KEPT = tuple(name for name in _NAMES if name in Decision.__dataclass_fields__)  # not derived


def chain_page(db: Database, after: int, limit: int) -> list[Decision]:
    """Up to `limit` records after sequence `after`, in order, their documents' texts kept."""
    query = (
        select(*_COLUMNS)
        .where(DecisionRow.sequence > after)
        .order_by(DecisionRow.sequence)
        .limit(limit)
    )
    with db.read() as session:
        return [_decision(row) for row in session.execute(query)]


def _decision(row: Any) -> Decision:
    """A record from its scalar columns and its documents' stored texts."""
    scalars = dict(zip(_NAMES, row, strict=False))
    texts = dict(zip(DOCUMENTS, row[len(_NAMES) :], strict=True))
    documents = {name: loads(text) for name, text in texts.items()}
    return Decision(
        **{name: scalars[name] for name in _KEPT},
        answers=documents["answers"],
        goals=documents["goals"],
        reasons=documents["reasons"],
        trace=tuple(documents["trace"]),
        ignored_answers=tuple(documents["ignored_answers"]),
        stored_columns={name: scalars[name] for name in DERIVED_COLUMNS},
        stored_texts=texts,
    )
