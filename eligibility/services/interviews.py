"""Interview sessions: answers kept server-side, edited under ETags, expired when idle."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from eligibility.catalogue import compile_cache
from eligibility.compiler import CompiledRuleSet
from eligibility.errors import Conflict, NotFound, PreconditionFailed, SessionExpired
from eligibility.evaluation import Evaluation
from eligibility.expressions.typecheck import suggest
from eligibility.ports import Storage
from eligibility.records import InterviewSession, SessionSubmit
from eligibility.services.evaluations import EvaluationRequest, Evaluator, stored_evaluator
from eligibility.services.records import Recorded, append_decision, get_decision
from eligibility.values_io import to_plain

DEFAULT_SESSION_IDLE_SECONDS = 14 * 24 * 60 * 60  # an interview may span days: two weeks
# How often a write without If-Match is made again over a newer state before giving up.
WRITE_ATTEMPTS = 50


def create_session(
    store: Storage,
    ruleset_id: str,
    *,
    version: str | None = None,
    as_of: dt.date | None = None,
    locale: str | None = None,
    answers: Mapping[str, Any] | None = None,
    client: str | None = None,
    evaluator: Evaluator | None = None,
) -> InterviewSession:
    """Start an interview pinned to the version named or covering `as_of` (default today)."""
    chosen = evaluator or stored_evaluator(store)
    selection = chosen.catalogue.resolve(ruleset_id, version, as_of)
    now = store.now()
    session = InterviewSession(
        id=str(uuid.uuid4()),
        ruleset_id=ruleset_id,
        version=selection.compiled.ruleset.version,
        content_hash=selection.compiled.content_hash,
        as_of=selection.as_of,
        locale=locale,
        answers={},
        revision=1,
        client=client,
        created_at=now,
        updated_at=now,
    )
    if answers:
        checked = _checked(chosen, selection.compiled, session, answers)
        session = replace(session, answers=checked)
    store.sessions.add(session)
    return session


def pinned_version(store: Storage, session: InterviewSession) -> CompiledRuleSet:
    """The version a session is pinned to, by its content hash (even if retired since)."""
    stored = store.versions.get(session.ruleset_id, session.version)
    if stored is None or stored.content_hash != session.content_hash:
        stored = store.versions.by_hash(session.content_hash)
    if stored is None:
        raise NotFound("version", f"{session.ruleset_id} {session.version}")
    return compile_cache().stored(stored)


def _checked(
    evaluator: Evaluator,
    compiled: CompiledRuleSet,
    session: InterviewSession,
    answers: Mapping[str, Any],
) -> dict[str, Any]:
    """The answers, validated all at once (AnswerError), as plain data."""
    locales = (session.locale,) if session.locale else ()
    result = evaluator.evaluate_under(compiled, answers, _as_of(session, compiled), locales)
    return to_plain(dict(result.answers))  # type: ignore[no-any-return]


def _as_of(session: InterviewSession, compiled: CompiledRuleSet) -> dt.date:
    return session.as_of or compiled.ruleset.effective_from


def get_session(
    store: Storage, session_id: str, idle_seconds: int = DEFAULT_SESSION_IDLE_SECONDS
) -> InterviewSession:
    """One session; NotFound, or SessionExpired once idle longer than `idle_seconds`."""
    session = store.sessions.get(session_id)
    if session is None:
        raise NotFound("session", session_id)
    if store.now() - session.updated_at > dt.timedelta(seconds=idle_seconds):
        raise SessionExpired(session_id)
    return session


def evaluate_session(
    store: Storage,
    session: InterviewSession,
    locales: Sequence[str] = (),
    evaluator: Evaluator | None = None,
) -> Evaluation:
    """The session's answers evaluated under its pinned version: goals and next questions.

    `locales` are the languages wanted now, best first; else the session's own.
    """
    chosen = evaluator or stored_evaluator(store)
    compiled = pinned_version(store, session)
    wanted = tuple(locales) or ((session.locale,) if session.locale else ())
    return chosen.evaluate_under(compiled, session.answers, _as_of(session, compiled), wanted)


def etag_matches(expected: str | None, current: str) -> bool:
    """True when an If-Match value (None: no header) allows changing the current state."""
    if expected is None or expected.strip() == "*":
        return True
    candidates = [tag.strip().removeprefix("W/") for tag in expected.split(",")]
    return current in candidates


def _editable(
    store: Storage, session_id: str, expected_etag: str | None, idle_seconds: int
) -> InterviewSession:
    session = get_session(store, session_id, idle_seconds)
    if session.decision_id is not None:
        raise Conflict(f"session '{session_id}' was submitted as decision {session.decision_id}")
    if not etag_matches(expected_etag, session.etag):
        raise PreconditionFailed(expected_etag or "", session.etag)
    return session


def _change(
    store: Storage,
    session_id: str,
    expected_etag: str | None,
    idle_seconds: int,
    change: Callable[[InterviewSession], dict[str, Any] | None],
) -> InterviewSession:
    """Store the answers `change` makes of the session's (None: nothing to change).

    The update applies only over the revision read. When another write came first, a
    caller with an ETag gets PreconditionFailed; one without (last write wins) has its
    change made again on the new state, so it is never lost nor refused.
    """
    for _ in range(WRITE_ATTEMPTS):
        session = _editable(store, session_id, expected_etag, idle_seconds)
        answers = change(session)
        if answers is None:
            return session
        new = replace(
            session, answers=answers, revision=session.revision + 1, updated_at=store.now()
        )
        if store.sessions.update(new, session.revision):
            return new
    raise Conflict(f"session '{session_id}' is changed by too many writers at once; try again")


def answer(
    store: Storage,
    session_id: str,
    answers: Mapping[str, Any],
    expected_etag: str | None,
    idle_seconds: int = DEFAULT_SESSION_IDLE_SECONDS,
    evaluator: Evaluator | None = None,
) -> InterviewSession:
    """Add or change answers (all validated; null removes one); PreconditionFailed if stale.

    `expected_etag` None skips the check (no If-Match header): the last write wins.
    """
    chosen = evaluator or stored_evaluator(store)

    def merged(session: InterviewSession) -> dict[str, Any]:
        combined = {**session.answers, **answers}
        combined = {k: v for k, v in combined.items() if v is not None}
        return _checked(chosen, pinned_version(store, session), session, combined)

    return _change(store, session_id, expected_etag, idle_seconds, merged)


def forget_answer(
    store: Storage,
    session_id: str,
    question: str,
    expected_etag: str | None,
    idle_seconds: int = DEFAULT_SESSION_IDLE_SECONDS,
) -> InterviewSession:
    """Remove one answer; PreconditionFailed if `expected_etag` is stale.

    A question the session's version does not have is NotFound (naming it, with a
    close one it may mean); removing an answer that is not there changes nothing.
    """

    def without(session: InterviewSession) -> dict[str, Any] | None:
        _known_question(pinned_version(store, session), question)
        if question not in session.answers:
            return None
        return {k: v for k, v in session.answers.items() if k != question}

    return _change(store, session_id, expected_etag, idle_seconds, without)


def _known_question(compiled: CompiledRuleSet, question: str) -> None:
    if question not in compiled.questions:
        hint = suggest(question, compiled.questions)
        ruleset = compiled.ruleset
        message = (
            f"the session's version ({ruleset.id} {ruleset.version}) has no question "
            f"'{question}'" + (f"; did you mean '{hint}'?" if hint else "")
        )
        raise NotFound("question", question, message)


def submit_session(
    store: Storage,
    session_id: str,
    client: str,
    idempotency_key: str | None = None,
    expected_etag: str | None = None,
    idle_seconds: int = DEFAULT_SESSION_IDLE_SECONDS,
    evaluator: Evaluator | None = None,
    allow_incomplete: bool = False,
) -> Recorded:
    """Record the session's answers as a decision under its pinned version (once).

    The append and the session's move to submitted are one transaction, guarded by the
    revision evaluated: a session yields at most one decision, and it holds every answer
    accepted before it. Submitting again returns that decision (created False). When an
    answer lands between the evaluation and the append, a caller with an ETag gets
    PreconditionFailed; one without has the new answers evaluated and recorded.
    A session with an undecided goal is recorded (status incomplete) only with
    `allow_incomplete`; otherwise IncompleteDecision, and the session stays open.
    """
    chosen = evaluator or stored_evaluator(store)
    for _ in range(WRITE_ATTEMPTS):
        session = get_session(store, session_id, idle_seconds)
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
    compiled = pinned_version(store, session)
    locales = (session.locale,) if session.locale else ()
    evaluation = evaluator.evaluate_under(
        compiled, session.answers, _as_of(session, compiled), locales, with_trace=True
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


def expire_sessions(
    store: Storage, idle_seconds: int = DEFAULT_SESSION_IDLE_SECONDS, now: dt.datetime | None = None
) -> int:
    """Delete sessions idle longer than `idle_seconds`; how many."""
    moment = now or store.now()
    return store.sessions.delete_idle(moment - dt.timedelta(seconds=idle_seconds))
