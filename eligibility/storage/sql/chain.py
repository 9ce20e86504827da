"""The decision chain in SQL: appends serialised on the chain-head row, reads in sequence order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, exc, func, select, update
from sqlalchemy.orm import Session

from eligibility.decisions import ChainHead, Decision, DecisionDraft
from eligibility.decisions.recorded import Recorded
from eligibility.decisions.sealing import PreparedDraft
from eligibility.errors import NotFound, PreconditionFailed
from eligibility.records import Clock, DecisionFilter, SessionSubmit, session_etag, utcnow
from eligibility.storage.sql.appends import HEAD_ID, lock_head, place, place_and_commit
from eligibility.storage.sql.chain_reads import chain_page
from eligibility.storage.sql.engine import Database
from eligibility.storage.sql.filters import filtered as _filtered
from eligibility.storage.sql.group_commit import DEFAULT_MOST, GroupCommit
from eligibility.storage.sql.models import ChainHeadRow, DecisionRow, SessionRow
from eligibility.storage.sql.replay_reads import for_replay
from eligibility.storage.sql.rows import to_decision


def _by_key(client: str, key: str) -> Select[DecisionRow]:
    return select(DecisionRow).where(
        DecisionRow.client == client, DecisionRow.idempotency_key == key
    )


def _claim(session: Session, submit: SessionSubmit) -> Decision | None:
    """Lock the session's row: its decision if submitted; PreconditionFailed if it moved on."""
    row = session.execute(
        select(SessionRow).where(SessionRow.id == submit.session_id).with_for_update()
    ).scalar_one_or_none()
    if row is None:
        raise NotFound("session", submit.session_id)
    if row.decision_id is not None:
        decided = session.scalars(select(DecisionRow).where(DecisionRow.id == row.decision_id))
        return to_decision(decided.one())
    if row.revision != submit.revision:
        raise PreconditionFailed(
            session_etag(row.id, submit.revision), session_etag(row.id, row.revision)
        )
    return None


def _submitted(submit: SessionSubmit, decision_id: str) -> Any:
    return (
        update(SessionRow)
        .where(SessionRow.id == submit.session_id, SessionRow.revision == submit.revision)
        .values(decision_id=decision_id, revision=submit.revision + 1, updated_at=submit.at)
    )


class SqlDecisions:
    """The append-only decision log with its hash chain."""

    def __init__(self, db: Database, clock: Clock = utcnow, batch_most: int = DEFAULT_MOST) -> None:
        self.db = db
        self.clock = clock
        self.appends: GroupCommit[PreparedDraft, tuple[Decision, bool]] = GroupCommit(
            self._append_batch, batch_most, db.settings.append_linger_seconds
        )

    def append(
        self, draft: DecisionDraft, submit: SessionSubmit | None = None
    ) -> tuple[Decision, bool]:
        """Chain the record after the head and commit; then return it.

        The draft's canonical text is written before any lock. A decision recorded
        directly joins the appends this process has waiting (one transaction for them
        all, see group_commit.py); with `submit`, the session's row is locked first and
        moved to submitted in the same transaction (see the port).
        """
        prepared = PreparedDraft.of(draft)
        if submit is not None:
            return self._append_one(prepared, submit)
        return self.appends.submit(prepared)

    def _append_batch(
        self, batch: Sequence[PreparedDraft]
    ) -> list[tuple[Decision, bool] | BaseException]:
        """One transaction for the batch; if a key was stored meanwhile, each on its own."""
        try:
            placed = place_and_commit(self.db, batch, self.clock)
        except exc.IntegrityError:  # an Idempotency-Key stored since the caller looked
            return [self._append_alone(prepared) for prepared in batch]
        return [(decision, True) for decision in placed]

    def _append_alone(self, prepared: PreparedDraft) -> tuple[Decision, bool] | BaseException:
        try:
            return self._append_one(prepared)
        except Exception as error:  # this draft's own outcome; the others go on
            return error

    def _append_one(
        self, prepared: PreparedDraft, submit: SessionSubmit | None = None
    ) -> tuple[Decision, bool]:
        """Lock the session (if any) and the head, look the key up, chain, commit."""
        draft = prepared.draft
        with self.db.write() as session:
            if submit is not None:
                submitted = _claim(session, submit)
                if submitted is not None:
                    return submitted, False
            lock_head(session)
            if draft.idempotency_key is not None:
                seen = session.scalars(_by_key(draft.client, draft.idempotency_key)).first()
                if seen is not None:
                    return to_decision(seen), False
            decision = place(session.connection(), [prepared], self.clock())[0]
            if submit is not None:
                session.execute(_submitted(submit, decision.id))
        return decision, True

    def get(self, decision_id: str) -> Decision | None:
        with self.db.read() as session:
            row = session.scalars(select(DecisionRow).where(DecisionRow.id == decision_id)).first()
            return to_decision(row) if row is not None else None

    def by_idempotency_key(self, client: str, key: str) -> Decision | None:
        with self.db.read() as session:
            row = session.scalars(_by_key(client, key)).first()
            return to_decision(row) if row is not None else None

    def count(self, filters: DecisionFilter) -> int:
        query = _filtered(select(func.count()).select_from(DecisionRow), filters)
        with self.db.read() as session:
            return int(session.scalar(query) or 0)

    def find(
        self,
        filters: DecisionFilter,
        after: int = 0,
        limit: int | None = None,
        until: int | None = None,
    ) -> list[Decision]:
        query = _filtered(select(DecisionRow).where(DecisionRow.sequence > after), filters)
        if until is not None:
            query = query.where(DecisionRow.sequence <= until)
        query = query.order_by(DecisionRow.sequence).limit(limit)
        with self.db.read() as session:
            return [to_decision(row) for row in session.scalars(query)]

    def for_replay(
        self,
        filters: DecisionFilter,
        after: int = 0,
        limit: int | None = None,
        until: int | None = None,
    ) -> list[Recorded]:
        return for_replay(self.db, filters, after, limit, until)

    def keys(self, filters: DecisionFilter, every: int) -> list[int]:
        # Numbered in the database, so only every n-th key leaves it (both dialects have windows).
        numbered = _filtered(
            select(
                DecisionRow.sequence,
                func.row_number().over(order_by=DecisionRow.sequence).label("n"),
            ),
            filters,
        ).subquery()
        query = (
            select(numbered.c.sequence)
            .where((numbered.c.n - 1) % every == 0)
            .order_by(numbered.c.sequence)
        )
        with self.db.read() as session:
            return [int(key) for key in session.scalars(query)]

    def chain(self, after: int = 0, limit: int = 1000) -> Sequence[Decision]:
        return chain_page(self.db, after, limit)

    def head(self) -> ChainHead:
        with self.db.read() as session:
            row = session.get_one(ChainHeadRow, HEAD_ID)
            return ChainHead(row.sequence, row.hash)
