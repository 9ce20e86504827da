"""What a replay job reads of the decisions: the columns it replays, reasons and trace as text.

Reasons and trace are most of a record; a job parses them only for the decisions whose
outcome changed, and compares the trace unparsed otherwise (`batch.replayed`). The text is
the column's as stored: PostgreSQL keeps the canonical text written on append, SQLite the
JSON type's.
"""

from __future__ import annotations

from sqlalchemy import Text, cast, select

from eligibility.decisions.recorded import Recorded
from eligibility.records import DecisionFilter
from eligibility.storage.sql.engine import Database
from eligibility.storage.sql.filters import filtered
from eligibility.storage.sql.models import DecisionRow

_COLUMNS = (
    DecisionRow.sequence,
    DecisionRow.id,
    DecisionRow.ruleset_id,
    DecisionRow.version,
    DecisionRow.content_hash,
    DecisionRow.as_of,
    DecisionRow.locale,
    DecisionRow.answers,
    DecisionRow.goals,
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
        return [Recorded(*row) for row in session.execute(query)]
