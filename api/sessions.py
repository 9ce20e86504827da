"""`/v1/sessions`: interviews kept server-side for front ends that keep no state (chatbots).

Every change names the state it was made on (`If-Match: <ETag>`; a stale one gets 412),
and a session idle longer than SESSION_IDLE_SECONDS is gone (404).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass

from flask import Blueprint, Response, g, request, url_for

from api.auth import principal, require
from api.decisions import decision_response
from api.errors import InvalidRequest
from api.jsonio import json_body, load, query
from api.languages import localized, wanted_locales
from api.openapi import header, operation
from api.record_schemas import (
    AnswersPatchSchema,
    DecisionSchema,
    SessionCreateSchema,
    SessionQuerySchema,
    SessionSchema,
)
from api.state import state
from eligibility import services
from eligibility.errors import NotFound
from eligibility.evaluation import Evaluation
from eligibility.records import InterviewSession

bp = Blueprint("sessions", __name__, url_prefix="/v1/sessions")
IF_MATCH = header("If-Match", "The session's ETag; a stale one is refused with 412.")
IDEMPOTENCY_KEY = header("Idempotency-Key", "Retries with the same key record one decision.")
ETAG_OUT = {"ETag": {"schema": {"type": "string"}, "description": "The session's state."}}
EXPIRY_SWEEP_SECONDS = 60
_last_sweep = [0.0]
_sweep_lock = threading.Lock()


@dataclass(frozen=True)
class SessionView:
    """A session with its evaluation, as the API shows it."""

    session: InterviewSession
    evaluation: Evaluation
    expires_at: dt.datetime


def _idle() -> int:
    return state().config.session_idle_seconds


def _owned(session_id: str) -> InterviewSession:
    """The caller's session (someone else's is as good as missing)."""
    session = services.get_session(state().storage, session_id, _idle())
    if session.client != principal().client:
        raise NotFound("session", session_id)
    return session


def _respond(session: InterviewSession, status: int = 200) -> Response:
    wanted = wanted_locales(query(SessionQuerySchema()).get("locale"))
    app = state()
    evaluation = services.evaluate_session(app.storage, session, wanted, app.evaluator)
    expires = session.updated_at + dt.timedelta(seconds=_idle())
    response = localized(
        SessionSchema().dump(SessionView(session, evaluation, expires)), evaluation.locale, status
    )
    response.headers["ETag"] = session.etag
    if status == 201:
        response.headers["Location"] = url_for(".get_session", session_id=session.id)
    return response


def _sweep_expired() -> None:
    """Delete idle sessions, at most once a minute per process."""
    with _sweep_lock:
        if time.monotonic() - _last_sweep[0] < EXPIRY_SWEEP_SECONDS:
            return
        _last_sweep[0] = time.monotonic()
    services.expire_sessions(state().storage, _idle())


@bp.post("")
@operation(
    SessionSchema,
    status=201,
    body=SessionCreateSchema,
    query=SessionQuerySchema,
    errors=(404,),
    storage=True,
    localized=True,
    tag="sessions",
    headers_out={**ETAG_OUT, "Location": {"schema": {"type": "string"}}},
)
@require("client")
def create_session() -> Response:
    """Start an interview pinned to one version (named, or covering `as_of`)."""
    body = load(SessionCreateSchema(), json_body())
    _sweep_expired()
    session = services.create_session(
        state().storage,
        body["ruleset"],
        version=body.get("version"),
        as_of=body.get("as_of"),
        locale=body.get("locale"),
        answers=body["answers"],
        client=principal().client,
        evaluator=state().evaluator,
    )
    return _respond(session, 201)


@bp.get("/<session_id>")
@operation(
    SessionSchema,
    query=SessionQuerySchema,
    errors=(404,),
    storage=True,
    localized=True,
    tag="sessions",
    headers_out=ETAG_OUT,
)
@require("client")
def get_session(session_id: str) -> Response:
    """The session's answers, goals and next questions."""
    return _respond(_owned(session_id))


@bp.patch("/<session_id>/answers")
@operation(
    SessionSchema,
    body=AnswersPatchSchema,
    query=SessionQuerySchema,
    errors=(404, 409, 412),
    storage=True,
    localized=True,
    tag="sessions",
    headers_in=(IF_MATCH,),
    headers_out=ETAG_OUT,
    body_media_types=("application/json", "application/merge-patch+json"),
)
@require("client")
def answer(session_id: str) -> Response:
    """Add or change one or more answers (null removes one); all are checked at once."""
    g.answers_pointer = ""  # the body is the answers document itself
    answers = json_body()
    if not isinstance(answers, dict):
        raise InvalidRequest(
            "send the answers as a JSON object", errors={"": ["not an object"]}
        )
    _owned(session_id)
    session = services.answer(
        state().storage,
        session_id,
        answers,
        request.headers.get("If-Match"),
        _idle(),
        state().evaluator,
    )
    return _respond(session)


@bp.delete("/<session_id>/answers/<question>")
@operation(
    SessionSchema,
    query=SessionQuerySchema,
    errors=(404, 409, 412),
    storage=True,
    localized=True,
    tag="sessions",
    headers_in=(IF_MATCH,),
    headers_out=ETAG_OUT,
)
@require("client")
def forget_answer(session_id: str, question: str) -> Response:
    """Remove one answer (the interview goes back to asking it, if it still matters)."""
    _owned(session_id)
    session = services.forget_answer(
        state().storage, session_id, question, request.headers.get("If-Match"), _idle()
    )
    return _respond(session)


@bp.post("/<session_id>/decision")
@operation(
    DecisionSchema,
    status=201,
    errors=(404, 409, 412),
    storage=True,
    tag="sessions",
    headers_in=(IF_MATCH, IDEMPOTENCY_KEY),
    extra_responses={200: "The session was submitted before: its decision"},
)
@require("client")
def submit(session_id: str) -> Response:
    """Record the session's answers as a decision (once; later calls return the same one)."""
    _owned(session_id)
    recorded = services.submit_session(
        state().storage,
        session_id,
        principal().client,
        request.headers.get("Idempotency-Key"),
        request.headers.get("If-Match"),
        _idle(),
        state().evaluator,
    )
    return decision_response(recorded)
