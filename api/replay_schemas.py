"""HTTP payload schemas of replaying one decision: what under, and what changed."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validates_schema

from api.fields import AnyJson, pick
from api.schemas import ID, RequestSchema


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
