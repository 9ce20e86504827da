"""Schemas of a version file's top level, its collections and its scenarios."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates, validates_schema

from eligibility.model import ASKING_ORDERS, COMPLETENESS
from eligibility.ruleset_schema.entries import LegalBasisSchema
from eligibility.ruleset_schema.field_types import (
    LOCALE_PATTERN,
    MESSAGES,
    NAME_PATTERN,
    RULESET_PATTERN,
    CountedTitle,
    DateValue,
    LocalizedText,
    StrictSchema,
    VersionId,
    list_of,
    mapping,
    nested,
    one_of,
    text_field,
)


class ScenarioSchema(StrictSchema):
    """A test case: answers and expected goals."""

    name = text_field(required=True)
    answers = mapping(required=True)
    expect = mapping()
    as_of = DateValue()
    expect_next = list_of(fields.String())
    expect_refused = list_of(fields.String())
    today = DateValue()

    @validates_schema
    def _expects_something(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "expect" not in data and not data.get("expect_refused"):
            raise ValidationError(
                "give the expected goals (expect), or the questions refused (expect_refused)",
                "expect",
            )
        if data.get("expect_refused") and (data.get("expect") or "expect_next" in data):
            raise ValidationError(
                "a refused scenario has no goals or next questions to expect", "expect_refused"
            )


MAX_INSTANCES = 100_000  # the largest bound a collection may declare


def _entity_name(**kwargs: Any) -> fields.String:
    return fields.String(
        validate=validate.Regexp(NAME_PATTERN, error="use lower-case letters, digits and _"),
        **kwargs,
    )


class CollectionSchema(StrictSchema):
    """A collection of entities under the root (children, employees), with its own parts."""

    entity = _entity_name()
    item_label = LocalizedText()
    add_label = LocalizedText()
    title = CountedTitle()
    min = fields.Integer(
        strict=True,
        validate=validate.Range(0, MAX_INSTANCES, error=f"must be from 0 to {MAX_INSTANCES}"),
    )
    max = fields.Integer(
        strict=True,
        validate=validate.Range(1, MAX_INSTANCES, error=f"must be from 1 to {MAX_INSTANCES}"),
    )
    completeness = one_of(COMPLETENESS)
    completeness_question = _entity_name(required=True, error_messages=MESSAGES)
    order = one_of(ASKING_ORDERS)
    questions = mapping(required=True)
    derived = mapping()
    rules = mapping()
    goals = mapping()
    collections = mapping()

    @validates_schema
    def _bounds(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("min", 0) > data.get("max", MAX_INSTANCES):
            raise ValidationError("max is smaller than min", "max")


class VersionSchema(StrictSchema):
    """The top level of a version file (parts by id are checked entry by entry)."""

    ruleset = fields.String(
        required=True,
        validate=validate.Regexp(RULESET_PATTERN, error="use lower-case letters, digits, - and _"),
        error_messages=MESSAGES,
    )
    version = VersionId(required=True, error_messages=MESSAGES)
    extends = VersionId(allow_none=True)
    status = one_of(("draft", "published", "retired"))
    effective_from = DateValue(required=True, error_messages=MESSAGES)
    effective_to = DateValue(allow_none=True)
    default_locale = fields.String(
        validate=validate.Regexp(LOCALE_PATTERN, error="expected a language code such as en or de")
    )
    title = LocalizedText(required=True, error_messages=MESSAGES)
    description = LocalizedText()
    legal_basis = list_of(nested(LegalBasisSchema))
    sections = mapping()
    questions = mapping(required=True)
    parameters = mapping()
    derived = mapping()
    rules = mapping()
    goals = mapping(required=True)
    entity = _entity_name()
    collections = mapping()
    scenarios = list_of(fields.Raw())
    dated_by = fields.Raw(allow_none=True)
    supersedes = VersionId(allow_none=True)
    correction_reason = LocalizedText()

    @validates("dated_by")
    def _dated_by(self, value: Any, **kwargs: Any) -> None:
        if value is None or isinstance(value, str):
            return
        if not isinstance(value, dict) or set(value) - {"question", "period"}:
            raise ValidationError("expected a question id, or {question: …, period: day|month}")
        if not isinstance(value.get("question"), str):
            raise ValidationError("name the date question that dates the claim", "question")
        if value.get("period", "day") not in ("day", "month"):
            raise ValidationError("must be one of day, month", "period")

    @validates_schema
    def _window(self, data: dict[str, Any], **kwargs: Any) -> None:
        start, end = data.get("effective_from"), data.get("effective_to")
        if start and end and end < start:
            raise ValidationError("must not be before effective_from", "effective_to")

    @validates_schema
    def _correction(self, data: dict[str, Any], **kwargs: Any) -> None:
        supersedes, reason = data.get("supersedes"), data.get("correction_reason")
        if supersedes is not None and not reason:
            raise ValidationError("a correction states its reason", "correction_reason")
        if reason and supersedes is None:
            raise ValidationError("name the version this one corrects", "supersedes")
        if supersedes is not None and supersedes == data.get("version"):
            raise ValidationError("a version cannot supersede itself", "supersedes")
