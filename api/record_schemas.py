"""HTTP payload schemas of stored things: interview sessions and decisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from marshmallow import INCLUDE, Schema, fields, validate

from api.fields import Inline, Scalar, pick
from api.schemas import (
    ID,
    LOCALE,
    STATUSES,
    GoalSchema,
    InstanceSchema,
    NextQuestionSchema,
    ReasonSchema,
    RequestSchema,
    RulesetRefSchema,
    TraceStepSchema,
    answers_field,
)
from eligibility.records import DecisionFilter


class Moment(fields.DateTime):
    """A point in time given as a date (its start, UTC) or an ISO date-time (UTC if naive)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dt.datetime:
        if isinstance(value, str) and len(value) == 10:
            try:
                day = dt.date.fromisoformat(value)
            except ValueError:
                raise self.make_error("invalid", input=value, obj_type="datetime") from None
            return dt.datetime.combine(day, dt.time(), dt.UTC)
        moment: dt.datetime = super()._deserialize(value, attr, data, **kwargs)
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


class MomentEnd(Moment):
    """Like Moment, but a date means the end of that day (the next day's start)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dt.datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        if isinstance(value, str) and len(value) == 10:
            return moment + dt.timedelta(days=1)
        return moment


# --- sessions -------------------------------------------------------------------------------


class SessionCreateSchema(RequestSchema):
    """Start an interview: the rule set and the version (named, or covering `as_of`)."""

    ruleset = fields.String(required=True, validate=ID, metadata={"example": "snap"})
    version = fields.String(validate=ID)
    as_of = fields.Date()
    locale = fields.String(validate=LOCALE)
    answers = answers_field()


class AnswersPatchSchema(Schema):
    """Answers to add or change, by question id; null removes an answer (JSON merge patch)."""

    class Meta:
        unknown = INCLUDE


class SessionRulesetSchema(Schema):
    """The version a session is pinned to."""

    id = fields.String(required=True, attribute="ruleset_id")
    version = fields.String(required=True)
    content_hash = fields.String(required=True)


class SessionSchema(Schema):
    """An interview: its answers, and the goals and next questions they give."""

    id = fields.String(required=True, attribute="session.id")
    ruleset = fields.Nested(SessionRulesetSchema, required=True, attribute="session")
    as_of = fields.Date(allow_none=True, attribute="session.as_of")
    locale = fields.String(required=True, attribute="evaluation.locale")
    etag = fields.String(required=True, attribute="session.etag")
    revision = fields.Integer(required=True, attribute="session.revision")
    created_at = fields.DateTime(required=True, attribute="session.created_at")
    updated_at = fields.DateTime(required=True, attribute="session.updated_at")
    expires_at = fields.DateTime(required=True)
    decision_id = fields.String(allow_none=True, attribute="session.decision_id")
    answers = fields.Dict(
        keys=fields.String(), values=Scalar(), required=True, attribute="session.answers"
    )
    status = pick(
        lambda v: "complete" if v.evaluation.complete else "incomplete",
        "string",
        True,
        enum=STATUSES,
    )
    goals = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(GoalSchema),
        required=True,
        attribute="evaluation.goals",
    )
    next_questions = fields.List(
        fields.Nested(NextQuestionSchema),
        required=True,
        metadata={"description": "In asking order; only the page asked for (`offset`, `limit`)."},
    )
    next_questions_total = fields.Integer(
        required=True,
        metadata={"description": "How many next questions there are, on every page."},
    )
    instances = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Nested(InstanceSchema)),
        required=True,
        attribute="evaluation.instances",
        metadata={"description": "Per collection, each instance with its goals."},
    )
    ignored_answers = fields.List(
        fields.String(), required=True, attribute="evaluation.ignored_answers"
    )


class SessionQuerySchema(Schema):
    """Query of the session endpoints."""

    locale = fields.String(validate=LOCALE, metadata={"description": "Language of the texts."})
    limit = fields.Integer(
        validate=validate.Range(1, 1000),
        metadata={
            "description": "At most this many next questions, in asking order from `offset` "
            "(only those are worded, so a front end that shows one question asks for 1); "
            "`next_questions_total` says how many there are. Default: all of them.",
            "example": 1,
        },
    )
    offset = fields.Integer(
        load_default=0,
        validate=validate.Range(0),
        metadata={"description": "Skip this many next questions (with `limit`: a later page)."},
    )


# --- decisions ------------------------------------------------------------------------------


class SubmitSchema(RequestSchema):
    """How to submit a session (the body is optional)."""

    allow_incomplete = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Record the decision even if some goal is still undecided "
            "(status incomplete); without it, such a submit gets 422 incomplete-decision."
        },
    )


class DecisionGoalSchema(Schema):
    """A recorded goal: its value and whether it was decided."""

    value = Scalar(allow_none=True, required=True)
    decided = fields.Boolean(required=True)
    currency = fields.String(
        metadata={"description": "The amount's ISO 4217 code, when its version declares one."}
    )


class DecisionSchema(Schema):
    """A recorded decision: answers, version and content hash, outcome, trace, chain hashes."""

    id = fields.String(required=True)
    sequence = fields.Integer(required=True)
    recorded_at = fields.DateTime(required=True)
    ruleset = Inline(RulesetRefSchema, required=True)  # the version it was made under
    as_of = fields.Date(required=True)
    locale = fields.String(required=True)
    client = fields.String(required=True)
    eligible = fields.Boolean(allow_none=True)
    status = fields.String(
        allow_none=True,
        required=True,
        metadata={
            "enum": ["complete", "incomplete", None],
            "description": "complete: every goal was decided; incomplete: some goal was "
            "open and the client asked to record it anyway (allow_incomplete). Covered by "
            "the hash. null in records made before statuses were recorded.",
        },
    )
    session_id = fields.String(
        allow_none=True,
        metadata={
            "description": "The interview session this decision submitted (one decision per "
            "session), covered by the hash; null for decisions recorded directly."
        },
    )
    answers = fields.Dict(keys=fields.String(), values=Scalar(), required=True)
    goals = fields.Dict(
        keys=fields.String(), values=fields.Nested(DecisionGoalSchema), required=True
    )
    reasons = fields.Dict(
        keys=fields.String(), values=fields.List(fields.Nested(ReasonSchema)), required=True
    )
    trace = fields.List(fields.Nested(TraceStepSchema), required=True)
    ignored_answers = fields.List(fields.String(), required=True)
    idempotency_key = fields.String(allow_none=True)
    prev_hash = fields.String(required=True)
    hash = fields.String(required=True)


class DecisionFilterQuerySchema(Schema):
    """Which decisions: by rule set, version, time recorded and outcome."""

    ruleset = fields.String(validate=ID)
    version = fields.String(validate=ID)
    from_ = Moment(data_key="from", metadata={"description": "Recorded at or after (date/time)."})
    to = MomentEnd(
        metadata={"description": "Recorded before this time (a date: through that day)."}
    )
    eligible = fields.Boolean()
    status = fields.String(
        validate=validate.OneOf(STATUSES),
        metadata={"description": "complete or incomplete, as recorded."},
    )


def decision_filter(loaded: dict[str, Any]) -> DecisionFilter:
    """The core's filter from loaded filters (query or body): rule set, version, time, outcome."""
    return DecisionFilter(
        ruleset_id=loaded.get("ruleset"),
        version=loaded.get("version"),
        recorded_from=loaded.get("from_"),
        recorded_to=loaded.get("to"),
        eligible=loaded.get("eligible"),
        status=loaded.get("status"),
    )


class DecisionListQuerySchema(DecisionFilterQuerySchema):
    """Filters and paging of the decision list."""

    cursor = fields.String(validate=validate.Length(max=200))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))


class ExportQuerySchema(DecisionFilterQuerySchema):
    """Format and filters of the export."""

    format = fields.String(load_default="jsonl", validate=validate.OneOf(["jsonl", "csv"]))


class ReportQuerySchema(Schema):
    """Format of a decision report (else chosen by the Accept header)."""

    format = fields.String(validate=validate.OneOf(["html", "pdf"]))


class DecisionPageSchema(Schema):
    """One page of decisions, oldest first; `next_cursor` is null on the last page."""

    items = fields.List(fields.Nested(DecisionSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)
    next = fields.String(allow_none=True, required=True)
