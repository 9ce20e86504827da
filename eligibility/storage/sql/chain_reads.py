"""The chain's records as verification reads them: documents as stored text.

The append stores each document's canonical text as it wrote it (PostgreSQL's `json`
column keeps its text; on SQLite it is bound as text), so a record read with its
documents as text carries them (`Decision.stored_texts`) and verification hashes them
as they are instead of writing each again from its parsed value
(`Decision.texts_and_digests`: ~half of verifying a record). A document is parsed, by
orjson (`recorded.loads`), only when something reads it (`StoredRecord`): verifying an
intact record reads its goals alone, and parsing them all was then about half of what
was left. A text in any other writing (a SQLite record stored before its texts were
canonical, or one edited) is parsed and written canonically, as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from functools import cached_property
from typing import Any

from sqlalchemy import Text, cast, select

from eligibility.decisions import DERIVED_COLUMNS, Decision
from eligibility.decisions.recorded import loads
from eligibility.storage.sql.engine import Database
from eligibility.storage.sql.models import DecisionRow
from eligibility.storage.sql.rows import DOCUMENTS

_TABLE = DecisionRow.__table__
_SCALARS = tuple(column for column in _TABLE.columns if column.name not in DOCUMENTS)
_NAMES = tuple(column.name for column in _SCALARS)
_COLUMNS: tuple[Any, ...] = (*_SCALARS, *(cast(_TABLE.c[name], Text) for name in DOCUMENTS))
_KEPT = tuple(name for name in _NAMES if name in Decision.__dataclass_fields__)  # not derived
_COMPARED = tuple(f for f in fields(Decision) if f.compare)


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
    """A record from its scalar columns and its documents' stored texts (parsed when read)."""
    scalars = dict(zip(_NAMES, row, strict=False))
    made = object.__new__(StoredRecord)  # its documents are not set: each is parsed when read
    made.__dict__.update(
        {name: scalars[name] for name in _KEPT},
        stored_columns={name: scalars[name] for name in DERIVED_COLUMNS},
        stored_texts=dict(zip(DOCUMENTS, row[len(_NAMES) :], strict=True)),
    )
    return made


class StoredRecord(Decision):
    """A record as stored, each document parsed from its stored text when read.

    Verification hashes a stored text whose digest is the recorded one as it is, and reads
    only the goals (the derived column) of an intact record: parsing every document was
    most of what was left of verifying one. Equal to the `Decision` of the same record.
    """

    @cached_property
    def answers(self) -> Mapping[str, Any]:
        return loads(self.stored_texts["answers"])  # type: ignore[no-any-return]

    @cached_property
    def goals(self) -> Mapping[str, Any]:
        return loads(self.stored_texts["goals"])  # type: ignore[no-any-return]

    @cached_property
    def reasons(self) -> Mapping[str, Any]:
        return loads(self.stored_texts["reasons"])  # type: ignore[no-any-return]

    @cached_property
    def trace(self) -> tuple[Mapping[str, Any], ...]:
        return tuple(loads(self.stored_texts["trace"]))

    @cached_property
    def ignored_answers(self) -> tuple[str, ...]:
        return tuple(loads(self.stored_texts["ignored_answers"]))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Decision):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in _COMPARED)

    __hash__ = Decision.__hash__
