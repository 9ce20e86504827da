"""Placing prepared decisions at the end of the chain.

PostgreSQL: one statement locks the chain head, chains each record after it (the
server joins each record's canonical text from the short glue texts sent with it, the
documents' own text and the sequence number it assigns, and hashes it exactly as
`Halves.hash` does), inserts the records and moves the head. Before the commit the
returned hashes are checked against the ones Python computes, so a record whose
hash the service could not reproduce is never committed. The commit stays a round
trip of its own: a statement that reached the server after its client gave up (a
network that held it back) is rolled back with its connection, never committed.
A group commit's batch (`place_and_commit`) goes straight through libpq (wire.py: BEGIN
and the prepared statement in one round trip, COMMIT in another) on the connection its
writer keeps (kept.py): SQLAlchemy's and psycopg's layers, and the pool's checkout and
return, cost more than the round trips.

SQLite (one writer at a time, the lock taken at BEGIN): the head is read and each
record sealed in Python. Its documents are stored as their canonical texts too (not as
the JSON type would write them), so verification on either database hashes the stored
text as it is (chain_reads.py).
"""

from __future__ import annotations

import datetime as dt
import json
import struct
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import orjson
from sqlalchemy import Connection, Text, bindparam, insert, select, text, update
from sqlalchemy.orm import Session

from eligibility.decisions import Decision
from eligibility.decisions.sealing import SLOTS, Frame, PreparedDraft
from eligibility.errors import ChainMismatch
from eligibility.storage.sql.engine import Database
from eligibility.storage.sql.models import ChainHeadRow, DecisionRow
from eligibility.storage.sql.rows import DOCUMENTS, SEALED_COLUMNS, sealed_row
from eligibility.storage.sql.wire import Prepared, command, rows

HEAD_ID = 1
# Each item is one JSON object: its scalar columns, its JSON columns as canonical text
# (kept as written: a json value keeps its text), its digests and the glue of its
# canonical content (`Frame`: the content but the documents, each sent once, and the
# sequence number). One text parameter carries the batch.
_SCALARS = (
    "id",
    "ruleset_id",
    "version",
    "content_hash",
    "locale",
    "client",
    "idempotency_key",
    "request_hash",
    "status",
    "session_id",
)
_COLUMNS = ", ".join((*_SCALARS, *DOCUMENTS, "as_of", "eligible"))
# Each object is parsed once, into a record of these types. The documents go beside it,
# one text array each (binary, as array_recv reads them), and each is parsed only as it
# becomes its json column: inside the items' JSON each was parsed three times (the
# parameter, the recordset, the json value).
_RECORD = ", ".join(
    (
        *(f"{name} text" for name in _SCALARS),
        "as_of date",
        "eligible boolean",
        "digests jsonb",
        "glue text[]",
    )
)
_RECORD_NAMES = ", ".join((*_SCALARS, "as_of", "eligible", "digests", "glue"))
_UNNESTED = ", ".join(f"unnest(CAST(:{name} AS text[]))" for name in DOCUMENTS)
_VALUES = ", ".join(
    (
        *(f"i.{name}" for name in _SCALARS),
        *(f"CAST(i.{name} AS json)" for name in DOCUMENTS),
        "i.as_of",
        "i.eligible",
    )
)
_SHA256 = "encode(sha256(convert_to({}, 'UTF8')), 'hex')"
# The canonical content joined from the glue and what the server holds (Frame.halves in SQL):
# each document's text as sent (a json value keeps its text), the sequence it assigns.
_SLOT_TEXTS = {name: f"i.{name}" for name in SLOTS if name != "sequence"}
_SLOT_TEXTS["sequence"] = "CAST(c.sequence + 1 AS text)"
_CONTENT = (
    " || ".join(f"i.glue[{n + 1}] || {_SLOT_TEXTS[name]}" for n, name in enumerate(SLOTS))
    + f" || i.glue[{len(SLOTS) + 1}]"
)
_HASH = _SHA256.format(f"c.hash || {_CONTENT}")

_APPEND = f"""
WITH RECURSIVE
head AS (SELECT sequence, hash FROM chain_head WHERE id = {HEAD_ID} FOR UPDATE),
item AS (
    SELECT * FROM ROWS FROM (json_to_recordset(CAST(:items AS json)) AS ({_RECORD}), {_UNNESTED})
    WITH ORDINALITY AS i({_RECORD_NAMES}, {", ".join(DOCUMENTS)}, ordinality)
),
chained (n, sequence, prev_hash, hash) AS (
    SELECT CAST(0 AS bigint), sequence, CAST(hash AS text), CAST(hash AS text) FROM head
  UNION ALL
    SELECT i.ordinality, c.sequence + 1, c.hash, {_HASH}
    FROM chained c JOIN item i ON i.ordinality = c.n + 1
),
added AS (
    INSERT INTO decisions (sequence, {_COLUMNS}, recorded_at, prev_hash, hash, field_digests)
    SELECT c.sequence, {_VALUES}, CAST(:recorded_at AS timestamptz), c.prev_hash, c.hash,
        CAST(i.digests
            || jsonb_build_object('sequence', {_SHA256.format("CAST(c.sequence AS text)")})
        AS json)
    FROM chained c JOIN item i ON i.ordinality = c.n
    RETURNING sequence, prev_hash, hash
),
moved AS (
    UPDATE chain_head SET sequence = last.sequence, hash = last.hash
    FROM (SELECT sequence, hash FROM added ORDER BY sequence DESC LIMIT 1) AS last
    WHERE chain_head.id = {HEAD_ID}
)
SELECT sequence, prev_hash, hash FROM added ORDER BY sequence
"""
POSTGRESQL_APPEND = text(_APPEND)
# The same statement prepared on the writer's connection itself (libpq's placeholders).
_WIRE_PARAMETERS = ("items", "recorded_at", *DOCUMENTS)
_WIRE_STATEMENT = _APPEND
for _n, _name in enumerate(_WIRE_PARAMETERS, 1):
    _WIRE_STATEMENT = _WIRE_STATEMENT.replace(f":{_name} ", f"${_n} ")
_WIRE_APPEND = Prepared("eligibility_append", _WIRE_STATEMENT)
# The items' JSON and the time as text, the documents' arrays in binary.
_FORMATS = (0, 0, *(1 for _ in DOCUMENTS))
_ARRAY_HEAD = struct.Struct("!iiIii")  # dimensions, has nulls, element type, length, lower bound
_TEXT_OID = 25
# SQLite's insert of a sealed row: the documents bound as text, so the JSON type does not
# write them again (their canonical texts are stored as is, as PostgreSQL's statement does).
_SEALED_INSERT = insert(DecisionRow).values(
    {
        name: bindparam(
            name, type_=Text() if name in DOCUMENTS else DecisionRow.__table__.c[name].type
        )
        for name in SEALED_COLUMNS
    }
)


def place(
    connection: Connection, batch: Sequence[PreparedDraft], recorded_at: dt.datetime
) -> list[Decision]:
    """Chain the batch after the head, in order, in this transaction (not committed)."""
    if connection.dialect.name == "postgresql":
        return _place_postgresql(connection, batch, recorded_at)
    return _place_sealed(connection, batch, recorded_at)


def place_and_commit(
    db: Database, batch: Sequence[PreparedDraft], clock: Callable[[], dt.datetime]
) -> list[Decision]:
    """Chain the batch after the head in a transaction of its own, and commit it."""
    if db.dialect != "postgresql":
        with db.write_connection() as connection:
            return _place_sealed(connection, batch, clock())
    with db.raw_write(kept=True) as driver:
        recorded_at = clock()
        frames = [prepared.frame(recorded_at) for prepared in batch]
        items = _items(batch, frames, recorded_at).encode()
        documents = [_text_array(p.texts[name] for p in batch) for name in DOCUMENTS]
        parameters = (items, recorded_at.isoformat().encode(), *documents)
        result = _WIRE_APPEND.begin_and_run(driver, parameters, _FORMATS)
        chained = [(int(n), str(prev, "utf-8"), str(h, "utf-8")) for n, prev, h in rows(result)]
        placed = _checked(batch, frames, chained, recorded_at)
        command(driver, b"COMMIT")
    return placed


def lock_head(session: Session) -> None:
    """Take the chain head's lock now (SQLite took it at BEGIN)."""
    session.execute(select(ChainHeadRow.id).where(ChainHeadRow.id == HEAD_ID).with_for_update())


def _place_postgresql(
    connection: Connection, batch: Sequence[PreparedDraft], recorded_at: dt.datetime
) -> list[Decision]:
    frames = [prepared.frame(recorded_at) for prepared in batch]
    parameters: dict[str, Any] = {
        "items": _items(batch, frames, recorded_at),
        "recorded_at": recorded_at,
        **{name: [p.texts[name] for p in batch] for name in DOCUMENTS},
    }
    rows = connection.execute(POSTGRESQL_APPEND, parameters).all()
    return _checked(batch, frames, rows, recorded_at)


def _checked(
    batch: Sequence[PreparedDraft],
    frames: Sequence[Frame],
    rows: Sequence[Any],
    recorded_at: dt.datetime,
) -> list[Decision]:
    """The placed records, once each hash the server made is the one Python makes."""
    if len(rows) != len(batch):
        raise ChainMismatch(f"{len(rows)} records chained for {len(batch)} drafts")
    placed = []
    for prepared, frame, (sequence, prev_hash, record_hash) in zip(
        batch, frames, rows, strict=True
    ):
        if frame.halves().hash(prev_hash, sequence) != record_hash:
            raise ChainMismatch(f"record #{sequence} was hashed otherwise by the database")
        placed.append(prepared.placed(sequence, prev_hash, record_hash, recorded_at))
    return placed


def _items(batch: Sequence[PreparedDraft], frames: Sequence[Frame], at: dt.datetime) -> str:
    """The batch as one JSON array (see the statement), the documents' text reused."""
    return "[" + ",".join(_item(p, f, at) for p, f in zip(batch, frames, strict=True)) + "]"


def _item(prepared: PreparedDraft, frame: Frame, recorded_at: dt.datetime) -> str:
    draft = prepared.draft
    scalars: dict[str, Any] = {name: getattr(draft, name) for name in _SCALARS}
    scalars.update(
        as_of=draft.as_of.isoformat(),
        eligible=draft.eligible,
        digests=prepared.placed_digests(recorded_at),
        glue=frame.glue,
    )
    return _json_object(scalars)


def _text_array(texts: Iterable[str]) -> bytes:
    """A one-dimensional text[] of these texts in PostgreSQL's binary format."""
    parts = [b""]
    for each in texts:
        data = each.encode()
        parts += (len(data).to_bytes(4, "big"), data)
    parts[0] = _ARRAY_HEAD.pack(1, 0, _TEXT_OID, (len(parts) - 1) // 2, 1)
    return b"".join(parts)


def _json_object(scalars: dict[str, Any]) -> str:
    """The item's scalars as JSON (any JSON: PostgreSQL parses it; no hash covers this text)."""
    try:
        return orjson.dumps(scalars).decode()
    except orjson.JSONEncodeError:  # a lone surrogate in a text: json writes it escaped
        return json.dumps(scalars, ensure_ascii=False)


def _place_sealed(
    connection: Connection, batch: Sequence[PreparedDraft], recorded_at: dt.datetime
) -> list[Decision]:
    head = connection.execute(
        select(ChainHeadRow.sequence, ChainHeadRow.hash).where(ChainHeadRow.id == HEAD_ID)
    ).one()
    placed = []
    sequence, prev_hash = head.sequence, head.hash
    for prepared in batch:
        sequence += 1
        decision = prepared.seal(sequence, prev_hash, recorded_at)
        placed.append(decision)
        prev_hash = decision.hash
    sealed = [
        sealed_row(decision, prepared.texts)
        for prepared, decision in zip(batch, placed, strict=True)
    ]
    connection.execute(_SEALED_INSERT, sealed)
    connection.execute(
        update(ChainHeadRow)
        .where(ChainHeadRow.id == HEAD_ID)
        .values(sequence=sequence, hash=prev_hash)
    )
    return placed
