"""HTTP payloads of `…/versions/{version}/changes`: what changed since another version."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from api.fields import pick
from eligibility.diff import ABSENT, Change


class ChangesQuerySchema(Schema):
    """Query of the changes endpoint: the version to compare with."""

    since = fields.String(
        required=True,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "The earlier version (usually the one in force).",
                  "example": "2020-03-01"},
    )  # fmt: skip


class ComparedVersionSchema(Schema):
    """One side of the comparison: which version, its status and content hash."""

    version = fields.String(required=True)
    status = fields.String(required=True)
    content_hash = fields.String(required=True)


def _fields(change: Change) -> dict[str, dict[str, Any]]:
    """Each field that differs: `old` and `new`, either left out where that side has none."""
    return {
        name: {k: v for k, v in (("old", old), ("new", new)) if v is not ABSENT}
        for name, (old, new) in change.fields.items()
    }


class VersionChangeSchema(Schema):
    """One entry added, removed or changed, with the fields that differ by their path."""

    part = fields.String(
        required=True,
        metadata={"example": "questions", "description": "version, legal_basis, sections, "
                  "questions, parameters, derived, rules, goals or scenarios"},
    )  # fmt: skip
    id = fields.String(required=True, metadata={"example": "age"})
    kind = fields.String(required=True, validate=validate.OneOf(["added", "removed", "changed"]))
    fields_ = fields.Function(
        _fields,
        data_key="fields",
        required=True,
        metadata={
            "type": "object",
            "description": "By path (label.de, options.NORTH.en, table.standard.4): "
            "{old, new}; a side without the field has no key.",
            "example": {"label.de": {"old": "Wie alt sind Sie?", "new": "Wie alt bist du?"}},
        },
    )


class VersionChangesSchema(Schema):
    """What changed from `since` to `version`: texts in every language, legal basis,
    questions, figures, rules, goals and scenarios."""

    ruleset = pick(lambda c: c.ruleset_id, "string", True)
    since = fields.Nested(ComparedVersionSchema, required=True)
    version = fields.Nested(ComparedVersionSchema, required=True)
    changes = fields.List(fields.Nested(VersionChangeSchema), required=True)


class MissedOutcomeSchema(Schema):
    """An outcome of the rules that no scenario exercises."""

    path = fields.String(required=True, metadata={"example": "rules.low_income.when"})
    kind = fields.String(required=True, validate=validate.OneOf(["goal", "rule", "branch"]))
    expression = fields.String(
        required=True, metadata={"example": "monthly_income_rounded <= income_limit"}
    )
    outcome = pick(
        lambda o: o.value,
        "string",
        True,
        enum=["true", "false", "unknown", "decided"],
        example="false",
    )
    detail = pick(
        lambda o: o.describe(), "string", True, example="no scenario makes rule 'low_income' false"
    )


class ShareSchema(Schema):
    """How many outcomes of one kind the scenarios exercise, of how many."""

    exercised = fields.Integer(required=True)
    total = fields.Integer(required=True)


class VersionCoverageSchema(Schema):
    """What a version's scenarios exercise: goals, rules and branches, and what they miss."""

    ruleset = fields.String(required=True)
    version = fields.String(required=True)
    scenarios = fields.Integer(required=True, metadata={"description": "How many it has."})
    complete = fields.Boolean(
        required=True,
        metadata={"description": "Every outcome exercised (what PUBLISH_REQUIRE_COVERAGE asks)."},
    )
    counts = fields.Function(
        lambda report: report.shares(),
        required=True,
        metadata={
            "type": "object",
            "description": "goals, rules and branches: {exercised, total}",
            "example": {"goals": {"exercised": 4, "total": 5}},
        },
    )
    missed = fields.List(fields.Nested(MissedOutcomeSchema), required=True)
