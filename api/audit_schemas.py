"""HTTP payload schemas of replays (one decision, batch jobs, impact) and of the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.fields import AnyJson, pick
from api.record_schemas import Moment, MomentEnd
from api.schemas import ID, STATUSES, RequestSchema


class WhatIfMixin(RequestSchema):
    """Replay under another version: named (drafts too) or the one covering `as_of`."""

    version = fields.String(validate=ID)
    as_of = fields.Date()

    @validates_schema
    def _one_target(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "version" in data and "as_of" in data:
            raise ValidationError("give version or as_of, not both", "version")


class ReplayRequestSchema(WhatIfMixin):
    """What to replay one decision under (nothing: its recorded version)."""


class DifferenceSchema(Schema):
    """One place where the replayed outcome differs."""

    path = fields.String(required=True)
    recorded = AnyJson(required=True)
    replayed = AnyJson(required=True)


class RuleChangeSchema(Schema):
    """A rule that made the difference: a reason of the goal whose value changed."""

    rule = fields.String(required=True)
    label = fields.String(required=True, metadata={"description": "The rule's title, or its id"})
    recorded = AnyJson(required=True)
    replayed = AnyJson(required=True)
    legal_reference = fields.String(allow_none=True, required=True)
    inputs = pick(
        lambda r: {k: {"recorded": o, "replayed": n} for k, (o, n) in r.inputs.items()},
        "object",
        True,
        description="The rule's inputs that changed (a parameter, a value): "
        "name → {recorded, replayed}.",
    )


class GoalChangeSchema(Schema):
    """One goal whose outcome (or reasons) changed: its label and the old and new value."""

    goal = fields.String(required=True)
    label = fields.String(required=True, metadata={"description": "In the decision's language"})
    recorded = AnyJson(required=True, metadata={"description": "null: undecided"})
    replayed = AnyJson(required=True)
    outcome_changed = fields.Boolean(required=True)
    text = pick(lambda c: c.describe(), "string", True, example="Reduced licence: true → false")
    rules = fields.List(fields.Nested(RuleChangeSchema), required=True)


class ReplaySchema(Schema):
    """A decision re-evaluated: identical, or one entry per changed goal (details below)."""

    decision_id = fields.String(required=True)
    ruleset = fields.String(required=True, attribute="ruleset_id")
    recorded_version = fields.String(required=True)
    replayed_version = fields.String(required=True)
    replayed_content_hash = fields.String(required=True, attribute="replayed_hash")
    as_of = fields.Date(required=True)
    identical = fields.Boolean(required=True)
    differences = fields.List(fields.Nested(GoalChangeSchema), required=True, attribute="changes")
    details = fields.List(
        fields.Nested(DifferenceSchema),
        required=True,
        attribute="differences",
        metadata={"description": "Every leaf that differs (goals, reasons, trace paths)."},
    )
    error = fields.String(allow_none=True)


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


class ReplaySummarySchema(Schema):
    """Counts of a batch replay."""

    total = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)
    changed = fields.Integer(required=True)
    failed = fields.Integer(required=True)
    by_goal = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.Integer()),
        required=True,
    )
    changed_ids = fields.List(fields.String(), required=True)
    failed_ids = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    labels = fields.Dict(
        keys=fields.String(), values=fields.String(), required=True, metadata=LABELS
    )
    by_rule = fields.Dict(
        keys=fields.String(), values=fields.Nested(RuleCountSchema), required=True
    )
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
    status = fields.String(
        required=True, metadata={"enum": ["pending", "running", "done", "failed", "cancelled"]}
    )
    total = fields.Integer(required=True)
    processed = fields.Integer(required=True)
    rate = fields.Function(
        _rate,
        metadata={"type": "number", "description": "Decisions replayed per second so far"},
    )
    summary = fields.Nested(ReplaySummarySchema, required=True)
    created_at = fields.DateTime(required=True)
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    error = fields.String(allow_none=True)


class ReplayJobListSchema(Schema):
    """Every batch replay, newest first."""

    items = fields.List(fields.Nested(ReplayJobSchema), required=True)


class BrokenRecordSchema(Schema):
    """The first record (or checkpoint) that fails verification."""

    sequence = fields.Integer(required=True)
    id = fields.String(allow_none=True)
    reason = fields.String(required=True)
    fields_ = fields.List(fields.String(), data_key="fields", attribute="fields", required=True)
    checkpoint = fields.String(
        allow_none=True,
        metadata={"description": "The checkpoint the chain fails to match (or cannot trust)."},
    )


class VerificationSchema(Schema):
    """The outcome of verifying the hash chain (and the signed checkpoints, when kept)."""

    ok = fields.Boolean(required=True)
    checked = fields.Integer(required=True)
    broken = fields.Nested(BrokenRecordSchema, allow_none=True, required=True)
    checkpoints = fields.Integer(
        required=True, metadata={"description": "Checkpoints the chain was compared with."}
    )
    latest_checkpoint = fields.String(allow_none=True, required=True)
    after_latest = fields.Integer(
        required=True,
        metadata={"description": "Records after the latest checkpoint (the chain alone vouches)."},
    )
    message = pick(str, "string", True)


class CheckpointSchema(Schema):
    """A signed checkpoint of the chain head (verify `signature` over the other members)."""

    format = fields.String(required=True, metadata={"example": "eligibility-checkpoint/1"})
    sequence = fields.Integer(required=True)
    head_hash = fields.String(required=True)
    created_at = fields.String(required=True, metadata={"format": "date-time"})
    key_id = fields.String(required=True, metadata={"example": "ed25519:0123456789abcdef"})
    signature = fields.String(
        required=True, metadata={"description": "Base64 Ed25519 signature of the payload."}
    )
    name = fields.String(required=True)
    public_key = fields.String(
        allow_none=True,
        metadata={"description": "The PEM public key of key_id, if trusted here."},
    )


class AuditHeadSchema(Schema):
    """The chain head now and the latest signed checkpoint."""

    sequence = fields.Integer(required=True)
    hash = fields.String(required=True)
    latest_checkpoint = fields.Nested(CheckpointSchema, allow_none=True, required=True)
    records_since_checkpoint = fields.Integer(required=True)


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
    status = fields.String(
        required=True, metadata={"enum": ["pending", "running", "done", "failed", "cancelled"]}
    )
    total = fields.Integer(required=True)
    processed = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    finished_at = fields.DateTime(allow_none=True, required=True)
    unchanged = fields.Integer(required=True)
    changed = fields.Integer(required=True)
    failed = fields.Integer(required=True)
    by_goal = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.Integer()),
        required=True,
        metadata={"description": "How each goal changed: `true → false`, or amounts `higher`"},
    )
    labels = fields.Dict(
        keys=fields.String(), values=fields.String(), required=True, metadata=LABELS
    )
    by_rule = fields.Dict(
        keys=fields.String(), values=fields.Nested(RuleCountSchema), required=True
    )
    amounts = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(AmountSchema, allow_none=True),
        required=True,
        metadata={"description": "Sums per numeric goal; null below min_group decisions"},
    )
    failures = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        required=True,
        metadata={"description": "Decisions that could not be replayed, by kind of error"},
    )
    min_group = fields.Integer(required=True)
