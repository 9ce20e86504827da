"""Decisions over storage: record (idempotent), read, list by cursor, export."""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from eligibility.decisions import Decision, DecisionDraft
from eligibility.errors import (
    Conflict,
    IdempotencyConflict,
    IncompleteDecision,
    InvalidCursor,
    NotFound,
)
from eligibility.evaluation import Evaluation
from eligibility.ports import Storage, iterate
from eligibility.records import DecisionFilter, SessionSubmit
from eligibility.services.evaluations import EvaluationRequest, Evaluator, stored_evaluator
from eligibility.services.exports import columns_of, decision_csv

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
EXPORT_BATCH = 500
ExportFormat = Literal["jsonl", "csv"]


@dataclass(frozen=True)
class Recorded:
    """A decision and whether this call created it (False: an idempotent retry).

    `evaluation` is the fresh evaluation (next questions, labels) when created.
    """

    decision: Decision
    evaluation: Evaluation | None
    created: bool


@dataclass(frozen=True)
class Page:
    """One page of decisions and the cursor of the next page (None at the end)."""

    items: tuple[Decision, ...]
    next_cursor: str | None


def record_decision(
    store: Storage,
    request: EvaluationRequest,
    client: str,
    idempotency_key: str | None = None,
    evaluator: Evaluator | None = None,
    allow_incomplete: bool = False,
) -> Recorded:
    """Evaluate (with trace) and append the decision; returns only after the commit.

    A retry with the same client and Idempotency-Key returns the stored
    decision (created=False); the same key with another request raises
    IdempotencyConflict. New decisions are never made under a retired version.
    An evaluation with an undecided goal is recorded (status incomplete) only with
    `allow_incomplete`; otherwise IncompleteDecision names the goals and next questions.
    """
    chosen = evaluator or stored_evaluator(store)
    selection = chosen.catalogue.resolve(
        request.ruleset_id, request.version, request.as_of, answers=request.answers
    )
    fingerprint = request.fingerprint(chosen.locale(selection.compiled, request.locales))
    if idempotency_key is not None:
        seen = store.decisions.by_idempotency_key(client, idempotency_key)
        if seen is not None:
            return _retried(seen, fingerprint)
    ruleset = selection.compiled.ruleset
    if ruleset.status == "retired":
        raise Conflict(f"{ruleset.id} {ruleset.version} is retired: no new decisions use it")
    evaluation = chosen.evaluate_under(
        selection.compiled, request.answers, selection.as_of, request.locales, with_trace=True
    )
    return append_decision(
        store, evaluation, client, fingerprint, idempotency_key, allow_incomplete=allow_incomplete
    )


def append_decision(
    store: Storage,
    evaluation: Evaluation,
    client: str,
    fingerprint: str,
    idempotency_key: str | None = None,
    *,
    allow_incomplete: bool = False,
    submit: SessionSubmit | None = None,
) -> Recorded:
    """Append an evaluation (made with its trace) to the chain as a decision.

    IncompleteDecision if a goal is undecided, unless `allow_incomplete`. With `submit`,
    the decision is the session's and the session moves to submitted with the append
    (the session's earlier decision when it was submitted already).
    """
    refuse_incomplete(evaluation, allow_incomplete)
    session_id = submit.session_id if submit is not None else None
    draft = DecisionDraft.from_evaluation(
        str(uuid.uuid4()), evaluation, client, fingerprint, idempotency_key, session_id
    )
    decision, created = store.decisions.append(draft, submit)
    if not created and _submitted_before(decision, session_id, idempotency_key):
        return Recorded(decision, None, False)
    if not created:
        return _retried(decision, fingerprint)
    return Recorded(decision, evaluation, True)


def _submitted_before(decision: Decision, session_id: str | None, key: str | None) -> bool:
    """True when an existing decision came back as the session's (not as a key's retry)."""
    if session_id is None:
        return False
    # Decisions of sessions submitted before migration 0006 do not name their session.
    return decision.session_id == session_id or key is None or decision.idempotency_key != key


def refuse_incomplete(evaluation: Evaluation, allowed: bool) -> None:
    """IncompleteDecision when a goal is undecided and recording it was not asked for."""
    if evaluation.complete or allowed:
        return
    undecided = [goal for goal, result in evaluation.goals.items() if not result.decided]
    raise IncompleteDecision(undecided, [q.key for q in evaluation.next_questions])


def _retried(decision: Decision, fingerprint: str) -> Recorded:
    if decision.request_hash != fingerprint:
        raise IdempotencyConflict(
            f"the Idempotency-Key '{decision.idempotency_key}' was used for another request"
        )
    return Recorded(decision, None, False)


def get_decision(store: Storage, decision_id: str) -> Decision:
    """One decision; NotFound otherwise."""
    found = store.decisions.get(decision_id)
    if found is None:
        raise NotFound("decision", decision_id)
    return found


def encode_cursor(sequence: int) -> str:
    """An opaque cursor: the page continues after this sequence number."""
    return base64.urlsafe_b64encode(f"after:{sequence}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The sequence number a cursor continues after; InvalidCursor if it is not ours."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, number = text.split(":")
        if prefix == "after" and number.isdigit():
            return int(number)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        pass
    raise InvalidCursor(f"'{cursor}' is not a cursor of this listing")


def list_decisions(
    store: Storage,
    filters: DecisionFilter,
    cursor: str | None = None,
    limit: int = DEFAULT_PAGE_SIZE,
) -> Page:
    """Decisions matching the filters, oldest first, one page after `cursor` (InvalidCursor)."""
    size = max(1, min(limit, MAX_PAGE_SIZE))
    after = decode_cursor(cursor) if cursor else 0
    found = store.decisions.find(filters, after, size + 1)
    more = len(found) > size
    items = tuple(found[:size])
    return Page(items, encode_cursor(items[-1].sequence) if more else None)


def export_decisions(
    store: Storage, export_format: ExportFormat, filters: DecisionFilter | None = None
) -> Iterator[str]:
    """The matching decisions as JSON lines or CSV, streamed one line (or header) at a time.

    The CSV has one column per answer (`answer:<question>`), per goal (`goal:<goal>`,
    empty while undecided) and the reasons of each goal with their legal references
    (`reasons:<goal>`), for the questions and goals of the rule set's versions.

    The first batch is read before this returns, so a database that is down
    fails here (StorageUnavailable) rather than in the middle of the stream.
    """
    if export_format not in ("jsonl", "csv"):
        raise ValueError(f"unknown export format '{export_format}'")
    chosen = filters or DecisionFilter()
    first = store.decisions.find(chosen, 0, EXPORT_BATCH)
    rest = iterate(store.decisions, chosen, EXPORT_BATCH, first[-1].sequence) if first else ()
    decisions = itertools.chain(first, rest)
    if export_format == "csv":
        return decision_csv(decisions, columns_of(store, chosen.ruleset_id))
    return (json.dumps(d.to_dict(), ensure_ascii=False) + "\n" for d in decisions)
