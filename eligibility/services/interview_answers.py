"""Interview answers changed under ETags: answer, forget, made again over a newer state."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from eligibility.answer_paths import apply_changes, ask_again
from eligibility.compiler import CompiledRuleSet
from eligibility.errors import Conflict, NotFound, PreconditionFailed
from eligibility.expressions.typecheck import suggest
from eligibility.ports import Storage
from eligibility.records import InterviewSession
from eligibility.services.evaluations import Evaluator, stored_evaluator
from eligibility.services.interviews import (
    DEFAULT_SESSION_IDLE_SECONDS,
    WRITE_ATTEMPTS,
    checked_answers,
    following_claim,
    get_session,
    pinned_version,
)


def etag_matches(expected: str | None, current: str) -> bool:
    """True when an If-Match value (None: no header) allows changing the current state."""
    if expected is None or expected.strip() == "*":
        return True
    candidates = [tag.strip().removeprefix("W/") for tag in expected.split(",")]
    return current in candidates


def _editable(
    store: Storage,
    session_id: str,
    expected_etag: str | None,
    idle_seconds: int,
    owner: str | None,
) -> InterviewSession:
    session = get_session(store, session_id, idle_seconds, owner)
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
    owner: str | None = None,
) -> InterviewSession:
    """Store the state `change` makes of the session (None: nothing to change).

    The update applies only over the revision read. When another write came first, a
    caller with an ETag gets PreconditionFailed; one without (last write wins) has its
    change made again on the new state, so it is never lost nor refused.
    """
    for _ in range(WRITE_ATTEMPTS):
        session = _editable(store, session_id, expected_etag, idle_seconds, owner)
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
    owner: str | None = None,
) -> InterviewSession:
    """Add or change answers (all validated; null removes one); PreconditionFailed if stale.

    `expected_etag` None skips the check (no If-Match header): the last write wins; with
    `owner`, another client's session is NotFound.
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
            moved, compiled = following_claim(chosen, session, combined)
        version = compiled or pinned_version(chosen, store, session)
        combined = ask_again(session.answers, combined, version.collections)
        return replace(moved, answers=checked_answers(chosen, version, moved, combined))

    return _change(store, session_id, expected_etag, idle_seconds, merged, owner)


def forget_answer(
    store: Storage,
    session_id: str,
    question: str,
    expected_etag: str | None,
    idle_seconds: int = DEFAULT_SESSION_IDLE_SECONDS,
    evaluator: Evaluator | None = None,
    owner: str | None = None,
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
            version = pinned_version(chosen, store, session)
            return replace(session, answers=checked_answers(chosen, version, session, kept))
        _known_question(pinned_version(chosen, store, session), question)
        if question not in session.answers:
            return None
        kept = {k: v for k, v in session.answers.items() if k != question}
        if not session.follows_claim_date:
            return replace(session, answers=kept)
        moved, compiled = following_claim(chosen, session, kept)
        checked_answers(chosen, compiled, moved, kept)
        return replace(moved, answers=kept)

    return _change(store, session_id, expected_etag, idle_seconds, without, owner)


def _known_question(compiled: CompiledRuleSet, question: str) -> None:
    if question not in compiled.questions:
        hint = suggest(question, compiled.questions)
        ruleset = compiled.ruleset
        message = (
            f"the session's version ({ruleset.id} {ruleset.version}) has no question "
            f"'{question}'" + (f"; did you mean '{hint}'?" if hint else "")
        )
        raise NotFound("question", question, message)
