"""`/v1/sessions`: interviews kept server-side for front ends that keep no state (chatbots).

Every change names the state it was made on (`If-Match: <ETag>`; a stale one gets 412),
and a session idle longer than SESSION_IDLE_SECONDS is gone (404).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, g, request, url_for

from api.auth import principal, require
from api.decisions import decision_reply
from api.errors import InvalidRequest
from api.jsonio import json_body
from api.languages import wanted_locales
from api.openapi import Reply, header, operation
from api.record_schemas import (
    AnswersPatchSchema,
    DecisionSchema,
    SessionCreateSchema,
    SessionQuerySchema,
    SessionSchema,
    SubmitSchema,
)
from api.session_body import session_body
from api.state import state
from eligibility import services
from eligibility.evaluation import Evaluation, NextQuestion
from eligibility.records import InterviewSession

bp = Blueprint("sessions", __name__, url_prefix="/v1/sessions")
IF_MATCH = header("If-Match", "The session's ETag; a stale one is refused with 412.")
IDEMPOTENCY_KEY = header("Idempotency-Key", "Retries with the same key record one decision.")
ETAG_OUT = {"ETag": {"schema": {"type": "string"}, "description": "The session's state."}}


@dataclass(frozen=True)
class SessionView:
    """A session with its evaluation, as the API shows it."""

    session: InterviewSession
    evaluation: Evaluation
    expires_at: dt.datetime
    page: slice = field(default_factory=lambda: slice(None))  # `offset`, `limit`

    @property
    def next_questions(self) -> Sequence[NextQuestion]:
        """The page of next questions asked for; only these are worded."""
        return self.evaluation.next_questions[self.page]

    @property
    def next_questions_total(self) -> int:
        """How many next questions there are in all."""
        return len(self.evaluation.next_questions)


def _idle() -> int:
    return state().config.session_idle_seconds


def _owner() -> str:
    """Whose sessions the caller may see: its own (someone else's is as good as missing)."""
    return principal().client


def _reply(session: InterviewSession, query: dict[str, Any], status: int = 200) -> Reply:
    """The session with its evaluation, in the language wanted, under its ETag."""
    app = state()
    wanted = wanted_locales(query.get("locale"))
    evaluation = services.evaluate_session(app.storage, session, wanted, app.evaluator)
    expires = session.updated_at + dt.timedelta(seconds=_idle())
    headers = {"ETag": session.etag}
    if status == 201:
        headers["Location"] = url_for(".get_session", session_id=session.id)
    start = query.get("offset", 0)
    limit = query.get("limit")
    page = slice(start, None if limit is None else start + limit)
    view = SessionView(session, evaluation, expires, page)
    return Reply(session_body(view), status, headers, locale=evaluation.locale, dumped=True)


@bp.post("")
@require("client")
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
def create_session(body: dict[str, Any], query: dict[str, Any]) -> Reply:
    """Start an interview pinned to one version (named, or covering `as_of`)."""
    session = services.create_session(
        state().storage,
        body["ruleset"],
        version=body.get("version"),
        as_of=body.get("as_of"),
        locale=body.get("locale"),
        answers=body["answers"],
        client=principal().client,
        evaluator=state().evaluator,
        idle_seconds=_idle(),  # idle sessions are swept as new ones start
    )
    return _reply(session, query, 201)


@bp.get("/<session_id>")
@require("client")
@operation(
    SessionSchema,
    query=SessionQuerySchema,
    errors=(404,),
    storage=True,
    localized=True,
    tag="sessions",
    headers_out=ETAG_OUT,
)
def get_session(session_id: str, query: dict[str, Any]) -> Reply:
    """The session's answers, goals and next questions."""
    session = services.get_session(state().storage, session_id, _idle(), owner=_owner())
    return _reply(session, query)


@bp.patch("/<session_id>/answers")
@require("client")
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
    load_body=False,  # the body is the answers document: checked by the core, all at once
)
def answer(session_id: str, query: dict[str, Any]) -> Reply:
    """Add or change one or more answers (null removes one); all are checked at once.

    A key that is a JSON Pointer reaches into a collection: `{"/children/c3": {"name":
    "Cleo"}}` adds an instance (or answers in it), `{"/children/c2/age": 7}` answers one of
    its questions, `{"/children/c2": null}` removes it.
    """
    g.answers_pointer = ""  # the body is the answers document itself
    answers = json_body()
    if not isinstance(answers, dict):
        raise InvalidRequest("send the answers as a JSON object", errors={"": ["not an object"]})
    session = services.answer(
        state().storage,
        session_id,
        answers,
        request.headers.get("If-Match"),
        _idle(),
        state().evaluator,
        owner=_owner(),
    )
    return _reply(session, query)


@bp.delete("/<session_id>/answers/<path:question>")
@require("client")
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
def forget_answer(session_id: str, question: str, query: dict[str, Any]) -> Reply:
    """Remove one answer (the interview goes back to asking it, if it still matters).

    In a claim about several people, `children/c2` removes that instance and its answers
    and `children/c2/age` one of its answers.
    """
    session = services.forget_answer(
        state().storage,
        session_id,
        f"/{question}" if "/" in question else question,
        request.headers.get("If-Match"),
        _idle(),
        state().evaluator,
        owner=_owner(),
    )
    return _reply(session, query)


@bp.post("/<session_id>/decision")
@require("client")
@operation(
    DecisionSchema,
    status=201,
    body=SubmitSchema,
    body_required=False,
    errors=(404, 409, 412, 422),
    storage=True,
    tag="sessions",
    headers_in=(IF_MATCH, IDEMPOTENCY_KEY),
    extra_responses={200: "The session was submitted before: its decision"},
)
def submit(session_id: str, body: dict[str, Any]) -> Reply:
    """Record the session's answers as a decision (once; later calls return the same one).

    A session with an undecided goal gets 422 `incomplete-decision` (and stays open)
    unless the body says `{"allow_incomplete": true}`.
    """
    recorded = services.submit_session(
        state().storage,
        session_id,
        principal().client,
        request.headers.get("Idempotency-Key"),
        request.headers.get("If-Match"),
        _idle(),
        state().evaluator,
        allow_incomplete=bool(body.get("allow_incomplete", False)),
        owner=_owner(),
    )
    return decision_reply(recorded)
