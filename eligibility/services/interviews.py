"""Interview sessions: answers kept server-side, edited under ETags, expired when idle."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from eligibility.answer_paths import apply_changes, ask_again
from eligibility.catalogue import compile_cache
from eligibility.catalogue.dating import claim_date
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
    """Start an interview pinned to the version named or covering the claim's date.

    A session of a rule set dated by an answer (`dated_by`) that names no version
    follows the claim's date: see `answer`.
    """
    chosen = evaluator or stored_evaluator(store)
    selection = chosen.catalogue.resolve(ruleset_id, version, as_of, answers=answers)
    follows = version is None and chosen.catalogue.dating(ruleset_id) is not None
    now = store.now()
    session = InterviewSession(
        id=str(uuid.uuid4()),
        ruleset_id=ruleset_id,
        version=selection.compiled.ruleset.version,
        content_hash=selection.compiled.content_hash,
        as_of=as_of if follows else selection.as_of,
        locale=locale,
        answers={},
        revision=1,
        client=client,
        created_at=now,
        updated_at=now,
        follows_claim_date=follows,
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
    if session.as_of is not None:
        return session.as_of
    dated_by = compiled.ruleset.dated_by
    follows = session.follows_claim_date and dated_by is not None
    claim = claim_date(dated_by, session.answers) if follows and dated_by else None
    return claim or compiled.ruleset.effective_from


def _following(
    evaluator: Evaluator, session: InterviewSession, answers: Mapping[str, Any]
) -> tuple[InterviewSession, CompiledRuleSet]:
    """The session moved to the version that governs the claim's date in `answers`."""
    selection = evaluator.catalogue.resolve(
        session.ruleset_id, None, session.as_of, answers=answers
    )
    compiled = selection.compiled
    moved = replace(session, version=compiled.ruleset.version, content_hash=compiled.content_hash)
    return moved, compiled


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
    change: Callable[[InterviewSession], InterviewSession | None],
) -> InterviewSession:
    """Store the state `change` makes of the session (None: nothing to change).

    The update applies only over the revision read. When another write came first, a
    caller with an ETag gets PreconditionFailed; one without (last write wins) has its
    change made again on the new state, so it is never lost nor refused.
    """
    for _ in range(WRITE_ATTEMPTS):
        session = _editable(store, session_id, expected_etag, idle_seconds)
        changed = change(session)  # new answers, and a new version for one that follows
        if changed is None:
            return session
        new = replace(changed, revision=session.revision + 1, updated_at=store.now())
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
    A session that follows the claim's date moves to the version governing the date
    the answers now give (or `as_of`, else today, while they give none); an `as_of` the
    session was started with that contradicts it is ClaimDateConflict, and answers to
    questions the new version lacks are refused (AnswerError): nothing changes then.
    """
    chosen = evaluator or stored_evaluator(store)

    def merged(session: InterviewSession) -> InterviewSession:
        combined = apply_changes(session.answers, answers)  # JSON Pointer keys reach instances
        moved, compiled = session, None
        if session.follows_claim_date:
            moved, compiled = _following(chosen, session, combined)
        version = compiled or pinned_version(store, session)
        combined = ask_again(session.answers, combined, version.collections)
        return replace(moved, answers=_checked(chosen, version, moved, combined))

    return _change(store, session_id, expected_etag, idle_seconds, merged)


def forget_answer(
    store: Storage,
    session_id: str,
    question: str,
    expected_etag: str | None,
    idle_seconds: int = DEFAULT_SESSION_IDLE_SECONDS,
    evaluator: Evaluator | None = None,
) -> InterviewSession:
    """Remove one answer; PreconditionFailed if `expected_etag` is stale.

    `question` may be a JSON Pointer to an instance (`/children/c2`: the instance and its
    answers) or to one of its answers (`/children/c2/age`).

    A question the session's version does not have is NotFound (naming it, with a
    close one it may mean); removing an answer that is not there changes nothing.
    Removing the claim's date from a session that follows it moves it back to the
    version covering `as_of` (else today), as `answer` does.
    """
    chosen = evaluator or stored_evaluator(store)

    def without(session: InterviewSession) -> InterviewSession | None:
        if question.startswith("/"):  # an instance, or one answer of an instance
            kept = apply_changes(session.answers, {question: None})
            if kept == session.answers:
                return None
            version = pinned_version(store, session)
            return replace(session, answers=_checked(chosen, version, session, kept))
        _known_question(pinned_version(store, session), question)
        if question not in session.answers:
            return None
        kept = {k: v for k, v in session.answers.items() if k != question}
        if not session.follows_claim_date:
            return replace(session, answers=kept)
        moved, compiled = _following(chosen, session, kept)
        _checked(chosen, compiled, moved, kept)
        return replace(moved, answers=kept)

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
