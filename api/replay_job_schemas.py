"""HTTP payload schemas of batch replays (what-if) and of their impact in aggregate."""

from __future__ import annotations

import datetime as dt
from typing import Any

from marshmallow import Schema, fields, validate

from api.fields import HEARTBEAT
from api.record_schemas import Moment, MomentEnd
from api.replay_schemas import WhatIfMixin
from api.schemas import ID, STATUSES, RequestSchema
from eligibility.records import LISTED_IDS


class ReplayFiltersSchema(RequestSchema):
    """Which of the rule set's decisions a batch replay takes."""

    version = fields.String(validate=ID)
    from_ = Moment(data_key="from")
    to = MomentEnd()
    eligible = fields.Boolean()
    status = fields.String(
        validate=validate.OneOf(STATUSES),
        metadata={"description": "complete or incomplete, as recorded."},
    )


class ReplayJobRequestSchema(WhatIfMixin):
    """A batch replay (what-if) of a rule set's decisions."""

    ruleset = fields.String(required=True, validate=ID)
    filters = fields.Nested(ReplayFiltersSchema, load_default=dict)


LABELS = {"description": "The label of each goal that changed"}
AMOUNTS = {"description": "Each numeric goal summed over the replayed decisions"}
JOB_STATUSES = ["pending", "running", "done", "failed", "cancelled"]


class RuleCountSchema(Schema):
    """A rule that made the difference, and in how many decisions."""

    label = fields.String(required=True)
    legal_reference = fields.String(allow_none=True, required=True)
    decisions = fields.Integer(required=True)


class AmountSchema(Schema):
    """A numeric goal summed before and after (decimal strings)."""

    recorded = fields.String(required=True)
    replayed = fields.String(required=True)
    difference = fields.String(required=True)
    decisions = fields.Integer(required=True)


class FailedPartitionSchema(Schema):
    """A partition (a range of decision sequence numbers) that did not complete, and why."""

    index = fields.Integer(required=True)
    from_ = fields.Integer(required=True, data_key="from", attribute="from")
    to = fields.Integer(required=True)
    rows = fields.Integer(required=True)
    error = fields.String(required=True)


def _outcome_counts() -> tuple[fields.Integer, fields.Integer, fields.Integer]:
    """How many decisions kept their outcome, changed it, or could not be replayed."""
    return (
        fields.Integer(required=True),
        fields.Integer(required=True),
        fields.Integer(required=True),
    )


def _changes_by_goal(metadata: dict[str, str] | None = None) -> fields.Dict:
    """Per goal, how many decisions changed which way (`true → false`)."""
    changes = fields.Dict(keys=fields.String(), values=fields.Integer())
    return fields.Dict(keys=fields.String(), values=changes, required=True, metadata=metadata)


def _labels_and_rules() -> tuple[fields.Dict, fields.Dict]:
    """The label of each goal that changed, and the rules that made the differences."""
    labels = fields.Dict(
        keys=fields.String(), values=fields.String(), required=True, metadata=LABELS
    )
    by_rule = fields.Dict(
        keys=fields.String(), values=fields.Nested(RuleCountSchema), required=True
    )
    return labels, by_rule


def _failures() -> fields.Dict:
    """How many decisions failed with each kind of error (every one counted)."""
    return fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        required=True,
        metadata={"description": "Decisions that could not be replayed, by kind of error"},
    )


class ReplaySummarySchema(Schema):
    """Counts of a batch replay."""

    total = fields.Integer(required=True)
    unchanged, changed, failed = _outcome_counts()
    by_goal = _changes_by_goal()
    changed_ids = fields.List(
        fields.String(),
        required=True,
        metadata={
            "description": f"The first {LISTED_IDS} decisions whose outcome changed, "
            "in the order recorded (`changed` counts them all; `…/results` lists each)"
        },
    )
    failed_ids = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={"description": f"The first {LISTED_IDS} decisions that failed, and why"},
    )
    failures = _failures()
    labels, by_rule = _labels_and_rules()
    amounts = fields.Dict(
        keys=fields.String(), values=fields.Nested(AmountSchema), required=True, metadata=AMOUNTS
    )
    failed_partitions = fields.List(
        fields.Nested(FailedPartitionSchema),
        metadata={"description": "Ranges of decisions that did not complete (not counted)"},
    )


def _rate(job: Any) -> float:
    """Decisions per second from the start to the end (or now)."""
    if job.started_at is None:
        return 0.0
    end = job.finished_at or dt.datetime.now(dt.UTC)
    seconds = (end - job.started_at).total_seconds()
    return round(job.processed / seconds, 1) if seconds > 0 else 0.0


class ReplayReportQuerySchema(Schema):
    """Format of a replay's impact report (else chosen by the Accept header)."""

    format = fields.String(validate=validate.OneOf(["json", "html"]))


class ReplayJobSchema(Schema):
    """A batch replay and how far it got."""

    id = fields.String(required=True)
    ruleset = fields.String(required=True, attribute="ruleset_id")
    target_version = fields.String(allow_none=True)
    target_as_of = fields.Date(allow_none=True)
    status = fields.String(required=True, metadata={"enum": JOB_STATUSES})
    total = fields.Integer(
        required=True,
        metadata={"description": "Decisions it replays, counted when it starts (0 while pending)"},
    )
    processed = fields.Integer(required=True)
    rate = fields.Function(
        _rate,
        metadata={"type": "number", "description": "Decisions replayed per second so far"},
    )
    summary = fields.Nested(ReplaySummarySchema, required=True)
    created_at = fields.DateTime(required=True)
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    heartbeat_at = fields.DateTime(allow_none=True, metadata={"description": HEARTBEAT})
    error = fields.String(allow_none=True)


class ReplayJobListSchema(Schema):
    """Every batch replay, newest first."""

    items = fields.List(fields.Nested(ReplayJobSchema), required=True)


class ResultsQuerySchema(Schema):
    """Format of a replay job's results."""

    format = fields.String(load_default="csv", validate=validate.OneOf(["csv", "jsonl"]))


class ImpactRequestSchema(RequestSchema):
    """Which recorded decisions to try the version on (default: all of the rule set)."""

    filters = fields.Nested(ReplayFiltersSchema, load_default=dict)


class ImpactSchema(Schema):
    """A what-if in aggregate: counts, changes by goal, rules, sums; no decision, no answer."""

    id = fields.String(required=True)
    ruleset = fields.String(required=True, attribute="ruleset_id")
    target_version = fields.String(allow_none=True, required=True)
    status = fields.String(required=True, metadata={"enum": JOB_STATUSES})
    total = fields.Integer(required=True)
    processed = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    finished_at = fields.DateTime(allow_none=True, required=True)
    unchanged, changed, failed = _outcome_counts()
    by_goal = _changes_by_goal(
        {"description": "How each goal changed: `true → false`, or amounts `higher`"}
    )
    labels, by_rule = _labels_and_rules()
    amounts = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(AmountSchema, allow_none=True),
        required=True,
        metadata={"description": "Sums per numeric goal; null below min_group decisions"},
    )
    failures = _failures()
    min_group = fields.Integer(required=True)
