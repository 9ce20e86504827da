"""Submitting an interview: its answers recorded as one decision, once, under its version."""

from __future__ import annotations

from eligibility.errors import Conflict, PreconditionFailed
from eligibility.ports import Storage
from eligibility.records import InterviewSession, SessionSubmit
from eligibility.services.evaluations import EvaluationRequest, Evaluator, stored_evaluator
from eligibility.services.interview_answers import etag_matches
from eligibility.services.interviews import (
    DEFAULT_SESSION_IDLE_SECONDS,
    WRITE_ATTEMPTS,
    assessed_on,
    get_session,
    pinned_version,
)
from eligibility.services.records import Recorded, append_decision, get_decision


def submit_session(
    store: Storage,
    session_id: str,
    client: str,
    idempotency_key: str | None = None,
    expected_etag: str | None = None,
    idle_seconds: int = DEFAULT_SESSION_IDLE_SECONDS,
    evaluator: Evaluator | None = None,
    allow_incomplete: bool = False,
    owner: str | None = None,
) -> Recorded:
    """Record the session's answers as a decision under its pinned version (once).

    The append and the session's move to submitted are one transaction, guarded by the
    revision evaluated: a session yields at most one decision, and it holds every answer
    accepted before it. Submitting again returns that decision (created False). When an
    answer lands between the evaluation and the append, a caller with an ETag gets
    PreconditionFailed; one without has the new answers evaluated and recorded.
    A session with an undecided goal is recorded (status incomplete) only with
    `allow_incomplete`; otherwise IncompleteDecision, and the session stays open.
    With `owner`, another client's session is NotFound.
    """
    chosen = evaluator or stored_evaluator(store)
    for _ in range(WRITE_ATTEMPTS):
        session = get_session(store, session_id, idle_seconds, owner)
        if session.decision_id is not None:
            return Recorded(get_decision(store, session.decision_id), None, False)
        if not etag_matches(expected_etag, session.etag):
            raise PreconditionFailed(expected_etag or "", session.etag)
        try:
            return _record_session(
                store, session, client, idempotency_key, chosen, allow_incomplete
            )
        except PreconditionFailed:
            if expected_etag is not None:
                raise
    raise Conflict(f"session '{session_id}' is changed by too many writers at once; try again")


def _record_session(
    store: Storage,
    session: InterviewSession,
    client: str,
    idempotency_key: str | None,
    evaluator: Evaluator,
    allow_incomplete: bool,
) -> Recorded:
    """Evaluate this revision of the session and append it, moving the session to submitted."""
    compiled = pinned_version(evaluator, store, session)
    locales = (session.locale,) if session.locale else ()
    evaluation = evaluator.evaluate_under(
        compiled, session.answers, assessed_on(session, compiled), locales, with_trace=True
    )
    request = EvaluationRequest(
        session.ruleset_id, session.answers, session.version, session.as_of, locales
    )
    submit = SessionSubmit(session.id, session.revision, store.now())
    return append_decision(
        store,
        evaluation,
        client,
        request.fingerprint(evaluation.locale),
        idempotency_key,
        allow_incomplete=allow_incomplete,
        submit=submit,
    )
