"""The body of a session's responses built directly, without a marshmallow dump.

`SessionSchema` stays the contract (it documents the response, and a test compares this
body with its dump); as for evaluations (`evaluation_body.py`), dumping a session with
hundreds of reasons through marshmallow cost several times the interview step itself.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from api.evaluation_body import evaluation_body
from eligibility.values_io import to_plain

if TYPE_CHECKING:
    from api.sessions import SessionView

_PARTS = ("goals", "next_questions", "instances", "ignored_answers")


def session_body(view: SessionView) -> dict[str, Any]:
    """The session as `SessionSchema` dumps it: its page of next questions only."""
    session, evaluation = view.session, view.evaluation
    page = dataclasses.replace(evaluation, next_questions=view.next_questions)
    lean = evaluation_body(page, _PARTS)
    return {  # the schema's order: clients see the same document either way
        "id": session.id,
        "ruleset": {
            "id": session.ruleset_id,
            "version": session.version,
            "content_hash": session.content_hash,
        },
        "as_of": None if session.as_of is None else session.as_of.isoformat(),
        "locale": evaluation.locale,
        "etag": session.etag,
        "revision": session.revision,
        "created_at": session.created_at.isoformat(),
        "updated_at": session.updated_at.isoformat(),
        "expires_at": view.expires_at.isoformat(),
        "decision_id": session.decision_id,
        "answers": {str(k): to_plain(v) for k, v in session.answers.items()},
        "status": lean["status"],
        "goals": lean["goals"],
        "next_questions": lean["next_questions"],
        "next_questions_total": view.next_questions_total,
        "instances": lean["instances"],
        "ignored_answers": lean["ignored_answers"],
    }
