"""What a replay job reads of the decisions: the columns it replays, reasons and trace as text.

Reasons and trace are most of a record; a job parses them only for the decisions whose
outcome changed, and compares the trace unparsed otherwise (`batch.replayed`). The text is
the column's as stored: the canonical text written on append (on SQLite, the JSON type's
writing for records stored before that). Answers and goals are read as text too and parsed
by orjson (`recorded.loads`), not by the JSON type's `json.loads`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Text, cast, select

from eligibility.decisions.recorded import Recorded, loads
from eligibility.records import DecisionFilter
from eligibility.storage.sql.engine import Database
from eligibility.storage.sql.filters import filtered
from eligibility.storage.sql.models import DecisionRow

_COLUMNS: tuple[Any, ...] = (
    DecisionRow.sequence,
    DecisionRow.id,
    DecisionRow.ruleset_id,
    DecisionRow.version,
    DecisionRow.content_hash,
    DecisionRow.as_of,
    DecisionRow.locale,
    cast(DecisionRow.answers, Text),
    cast(DecisionRow.goals, Text),
    cast(DecisionRow.reasons, Text),
    cast(DecisionRow.trace, Text),
)


def for_replay(
    db: Database, filters: DecisionFilter, after: int, limit: int | None, until: int | None
) -> list[Recorded]:
    """Matching decisions with after < sequence (<= until), in order, as a job reads them."""
    query = filtered(select(*_COLUMNS).where(DecisionRow.sequence > after), filters)
    if until is not None:
        query = query.where(DecisionRow.sequence <= until)
    query = query.order_by(DecisionRow.sequence).limit(limit)
    with db.read() as session:
        rows = session.execute(query).all()
    return [_recorded(row) for row in rows]


def _recorded(row: Sequence[Any]) -> Recorded:
    """A row of `_COLUMNS`: answers and goals parsed here (`loads`), reasons and trace not."""
    sequence, decision_id, ruleset_id, version, content_hash, as_of, locale = row[:7]
    answers, goals, reasons, trace = row[7:]
    return Recorded(
        sequence,
        decision_id,
        ruleset_id,
        version,
        content_hash,
        as_of,
        locale,
        loads(answers),
        loads(goals),
        reasons,
        trace,
    )
