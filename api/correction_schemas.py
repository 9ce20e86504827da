"""HTTP payloads of corrections: the what-if of a correction over recorded decisions."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from api.fields import pick, text_map

DIRECTIONS = ["paid_too_much", "paid_too_little", "outcome_changed"]


def _amounts(decision: Any) -> dict[str, dict[str, str | None]]:
    return {
        goal: {
            "recorded": None if old is None else str(old),
            "corrected": None if new is None else str(new),
        }
        for goal, (old, new) in decision.amounts.items()
    }


class CorrectedDecisionSchema(Schema):
    """A recorded decision the correction changes: who was paid too much or too little."""

    decision_id = fields.String(required=True)
    sequence = fields.Integer(required=True)
    recorded_at = fields.DateTime(required=True)
    recorded_version = fields.String(required=True)
    as_of = fields.Date(required=True)
    direction = fields.String(required=True, metadata={"enum": DIRECTIONS})
    difference = fields.String(
        required=True,
        metadata={"description": "Corrected minus recorded, summed over the amount goals"},
    )
    amounts = pick(
        _amounts,
        "object",
        True,
        description="Each amount goal that changed: recorded and corrected (decimal strings)",
    )
    changes = fields.List(fields.String(), required=True)


class DirectionTotalSchema(Schema):
    """How many decisions moved one way, and by how much in all (a positive decimal string)."""

    decisions = fields.Integer(required=True)
    amount = fields.String(required=True)


def _totals(impact: Any) -> dict[str, dict[str, Any]]:
    return {
        direction: {"decisions": impact.count(direction), "amount": str(impact.amount(direction))}
        for direction in DIRECTIONS
    }


class CorrectionImpactSchema(Schema):
    """A correction tried over the decisions recorded under the versions it supersedes."""

    ruleset = fields.String(required=True, attribute="ruleset_id")
    version = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": ["draft", "published", "retired"]})
    supersedes = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "The version corrected, then those it corrected in turn"},
    )
    reason = text_map(required=True)
    published_at = fields.DateTime(allow_none=True, required=True)
    total = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)
    changed = pick(lambda impact: len(impact.decisions), "integer", True)
    totals = pick(_totals, "object", True, description="By direction: decisions and amount")
    decisions = fields.List(fields.Nested(CorrectedDecisionSchema), required=True)
    failed = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
