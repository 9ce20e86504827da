"""Interview sessions: started pinned to a version, read, evaluated, and expired when idle."""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from eligibility.catalogue import compile_cache
from eligibility.catalogue.dating import claim_date
from eligibility.catalogue.lookups import recorded_as
from eligibility.compiler import CompiledRuleSet
from eligibility.errors import NotFound, SessionExpired
from eligibility.evaluation import Evaluation
from eligibility.interview_state import interview_state
from eligibility.ports import Storage
from eligibility.records import InterviewSession
from eligibility.services.evaluations import Evaluator, stored_evaluator
from eligibility.values_io import to_plain

DEFAULT_SESSION_IDLE_SECONDS = 14 * 24 * 60 * 60  # an interview may span days: two weeks
# How often a write without If-Match is made again over a newer state before giving up.
WRITE_ATTEMPTS = 50
EXPIRY_SWEEP_SECONDS = 60  # idle sessions are looked for at most this often per process
_last_sweep = [0.0]
_sweep_lock = threading.Lock()


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
    idle_seconds: int | None = None,
) -> InterviewSession:
    """Start an interview pinned to the version named or covering the claim's date.

    A session of a rule set dated by an answer (`dated_by`) that names no version
    follows the claim's date: see `answer`. With `idle_seconds`, sessions idle longer
    are deleted first, at most once every EXPIRY_SWEEP_SECONDS per process.
    """
    if idle_seconds is not None:
        _sweep_expired(store, idle_seconds)
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
        checked = checked_answers(chosen, selection.compiled, session, answers)
        session = replace(session, answers=checked)
    store.sessions.add(session)
    return session


def pinned_version(
    evaluator: Evaluator, store: Storage, session: InterviewSession
) -> CompiledRuleSet:
    """The version a session is pinned to, by its content hash (even if retired since):
    the evaluator's catalogue's (remembered there), else the stored one with that hash."""
    try:
        found = evaluator.catalogue.version(session.ruleset_id, session.version, drafts=True)
    except NotFound:  # the rule set or version under another name: found by its hash
        found = None
    if found is not None and found.content_hash == session.content_hash:
        return found
    stored = recorded_as(store, session)
    if stored is None:
        raise NotFound("version", f"{session.ruleset_id} {session.version}")
    return compile_cache().stored(stored)


def checked_answers(
    evaluator: Evaluator,
    compiled: CompiledRuleSet,
    session: InterviewSession,
    answers: Mapping[str, Any],
) -> dict[str, Any]:
    """The answers, validated all at once (AnswerError), as plain data."""
    locales = (session.locale,) if session.locale else ()
    at, state = assessed_on(session, compiled), interview_state(session.id)
    result = evaluator.evaluate_under(compiled, answers, at, locales, state=state)
    return to_plain(dict(result.answers))  # type: ignore[no-any-return]


def assessed_on(session: InterviewSession, compiled: CompiledRuleSet) -> dt.date:
    """The day a session is assessed on: its as_of, else the claim's date, else the version's."""
    if session.as_of is not None:
        return session.as_of
    dated_by = compiled.ruleset.dated_by
    follows = session.follows_claim_date and dated_by is not None
    claim = claim_date(dated_by, session.answers) if follows and dated_by else None
    return claim or compiled.ruleset.effective_from


def following_claim(
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
    store: Storage,
    session_id: str,
    idle_seconds: int = DEFAULT_SESSION_IDLE_SECONDS,
    owner: str | None = None,
) -> InterviewSession:
    """One session; NotFound, or SessionExpired once idle longer than `idle_seconds`.

    With `owner`, another client's session is NotFound too (as good as missing to it).
    """
    session = store.sessions.get(session_id)
    if session is None:
        raise NotFound("session", session_id)
    if store.now() - session.updated_at > dt.timedelta(seconds=idle_seconds):
        raise SessionExpired(session_id)
    if owner is not None and session.client != owner:
        raise NotFound("session", session_id)
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
    compiled = pinned_version(chosen, store, session)
    wanted = tuple(locales) or ((session.locale,) if session.locale else ())
    at, state = assessed_on(session, compiled), interview_state(session.id)
    return chosen.evaluate_under(compiled, session.answers, at, wanted, state=state)


def _sweep_expired(store: Storage, idle_seconds: int) -> None:
    with _sweep_lock:
        if time.monotonic() - _last_sweep[0] < EXPIRY_SWEEP_SECONDS:
            return
        _last_sweep[0] = time.monotonic()
    expire_sessions(store, idle_seconds)


def expire_sessions(
    store: Storage, idle_seconds: int = DEFAULT_SESSION_IDLE_SECONDS, now: dt.datetime | None = None
) -> int:
    """Delete sessions idle longer than `idle_seconds`; how many."""
    moment = now or store.now()
    return store.sessions.delete_idle(moment - dt.timedelta(seconds=idle_seconds))
