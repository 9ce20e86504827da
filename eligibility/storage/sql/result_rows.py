"""A replay job's result rows saved: each row's JSON written by orjson, read back the same.

The JSON type writes every row with `json.dumps` (~30 µs of CPU for a Kurzarbeitergeld
what-if row with its changes, 3.4 KB); orjson writes it in ~10. Its text is compact and keeps
non-ASCII as UTF-8, and may differ from json's in value only where orjson writes a float
json would not (NaN and infinities as null; a row holds no float unless a record was edited
to hold one): so the text is parsed back and compared with the row (~10 µs), and written by
json where they differ or orjson refuses (an integer beyond 64 bits, a key not a str). The
text goes into the column as text, cast to json on PostgreSQL; reading is the JSON type's.

On PostgreSQL the rows go in by COPY: through SQLAlchemy's many-row INSERT a row cost the
worker ~75 µs of CPU, its text included, by COPY ~35 (parameters are not bound and rendered
row by row). COPY cannot skip a row saved before, so a partition run again (its worker lost
after the commit) meets a key already there: its rows then go in by INSERT, the saved kept.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from sqlalchemy import JSON, Connection, Executable, Text, bindparam, cast, exc
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from eligibility.storage.sql.engine import Database
from eligibility.storage.sql.models import ReplayResultRow

COPY = "COPY replay_results (job_id, sequence, decision_id, status, result) FROM STDIN"


def save_results(db: Database, job_id: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Save a partition's rows in one transaction; those already saved are kept."""
    values = [_values(job_id, row) for row in rows]
    if db.dialect == "postgresql":
        try:
            _copy(db, values)
            return
        except exc.IntegrityError:  # saved before, by an earlier run of the partition
            pass
    with db.write() as session:
        _insert(session.connection(), db.dialect, values)


def _copy(db: Database, values: Sequence[Mapping[str, Any]]) -> None:
    """COPY the rows in and commit (IntegrityError, nothing written, if one is there)."""
    with db.raw_write() as connection:
        with connection.cursor() as cursor, cursor.copy(COPY) as copy:
            for row in values:
                copy.write_row(
                    (row["job_id"], row["sequence"], row["decision_id"], row["status"], row["text"])
                )
        connection.commit()


def _insert(connection: Connection, dialect: str, values: Sequence[Mapping[str, Any]]) -> None:
    """Insert the rows; those already saved are kept."""
    text = bindparam("text", type_=Text)
    statement: Executable
    if dialect == "postgresql":
        as_json = postgresql_insert(ReplayResultRow).values(result=cast(text, JSON))
        statement = as_json.on_conflict_do_nothing()
    else:
        statement = sqlite_insert(ReplayResultRow).values(result=text).on_conflict_do_nothing()
    # Executed for many rows, the statement compiles once.
    connection.execute(statement, values)


def _values(job_id: str, row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "job_id": job_id,
        "sequence": row["sequence"],
        "decision_id": row["decision_id"],
        "status": row["status"],
        "text": row_text(row),
    }


def row_text(row: Mapping[str, Any]) -> str:
    """The row's JSON: by orjson where its text reads back as the row, else by json."""
    try:
        text = orjson.dumps(row)
    except orjson.JSONEncodeError:  # an integer beyond 64 bits, a key not a str, not a dict
        return json.dumps(dict(row))
    return text.decode() if orjson.loads(text) == row else json.dumps(dict(row))
