"""Marshmallow schemas of the rule-file format: the shape of each part, in authors' words."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    validate,
    validates,
    validates_schema,
)

from eligibility.expressions.typecheck import suggest
from eligibility.model import ASKING_ORDERS, COMPLETENESS, QUESTION_TYPES, VALUE_TYPES

CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")

NAME_PATTERN = re.compile(r"^[a-z_][a-z0-9_]*$")
LOCALE_PATTERN = re.compile(r"^([a-z]{2,3}(-[A-Za-z]{2,4})?|\*)$")
RULESET_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
MAX_TEXT = 5000

_MESSAGES: dict[str, Any] = {"required": "is required", "null": "may not be empty"}


def _messages(**extra: str) -> dict[str, Any]:
    return {**_MESSAGES, **extra}


_MAPPING = "expected entries written as key: value"
_LIST = "expected a list (lines starting with -)"


def _mapping(**kwargs: Any) -> fields.Dict:
    """Entries by id or by key (`key: value` lines), with an author's error message."""
    return fields.Dict(keys=fields.String(), error_messages=_messages(invalid=_MAPPING), **kwargs)


def _list(item: fields.Field[Any]) -> fields.List[Any]:
    """A list (`- item` lines), with an author's error message."""
    return fields.List(item, error_messages=_messages(invalid=_LIST))


def _nested(schema: type[Schema]) -> fields.Nested:
    """One nested part, with an author's error message."""
    return fields.Nested(schema, error_messages=_messages(type=_MAPPING))


def _text_field(**kwargs: Any) -> fields.String:
    return fields.String(
        validate=validate.Length(max=MAX_TEXT),
        error_messages=_messages(invalid="expected a text"),
        **kwargs,
    )


class LocalizedText(fields.Field[dict[str, str]]):
    """A text per language (`{en: …, de: …}`) or one text without a language."""

    default_error_messages = _MESSAGES

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dict[str, str]:
        if isinstance(value, str):
            return {"*": value}
        if not isinstance(value, dict) or not value:
            raise ValidationError("expected a text, or texts by language such as {en: …, de: …}")
        for locale, text in value.items():
            if not isinstance(locale, str) or not LOCALE_PATTERN.match(locale):
                raise ValidationError(f"'{locale}' is not a language code such as en or de")
            if not isinstance(text, str) or len(text) > MAX_TEXT:
                raise ValidationError(
                    f"the {locale} text must be a text of at most {MAX_TEXT} characters"
                )
        return dict(value)


class Expression(fields.Field[str]):
    """An expression of the rule language (parsed and type-checked later, by the compiler)."""

    default_error_messages = _MESSAGES

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | Decimal):
            return str(value)
        if not isinstance(value, str) or not value.strip():
            raise ValidationError("expected an expression, e.g. age >= 65")
        return value


class DateValue(fields.Field[dt.date]):
    """A date written 2020-03-01 (with or without quotes)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dt.date:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValidationError(f"expected a date written YYYY-MM-DD, got '{value}'") from None


class VersionId(fields.Field[str]):
    """A version id: text; a date written unquoted is taken as its ISO text."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        if isinstance(value, dt.date):
            return value.isoformat()
        if not isinstance(value, str | int) or not str(value).strip():
            raise ValidationError('expected a version id such as "2020-03-01"')
        return str(value)


class StrictSchema(Schema):
    """Rejects unknown keys with a "did you mean" built from the known ones."""

    class Meta:
        unknown = RAISE

    error_messages = {"type": _MAPPING}  # noqa: RUF012

    def handle_error(self, error: ValidationError, data: Any, **kwargs: Any) -> None:
        messages = error.messages if isinstance(error.messages, dict) else {}
        for key, problems in list(messages.items()):
            if problems == ["Unknown field."]:
                hint = suggest(str(key), self.fields)
                messages[key] = [
                    f"unknown key '{key}'" + (f" (did you mean '{hint}'?)" if hint else "")
                ]
        raise error


class LegalBasisSchema(StrictSchema):
    """One law the version rests on."""

    reference = _text_field(required=True)
    title = LocalizedText()
    url = fields.Url(error_messages=_messages(invalid="expected a web address"))


class SectionSchema(StrictSchema):
    """A group of questions."""

    title = LocalizedText(required=True)


class CheckSchema(StrictSchema):
    """A condition an answer must meet, given the earlier answers."""

    when = Expression(required=True)
    message = LocalizedText(required=True)


def _currency(value: str) -> None:
    if not CURRENCY_PATTERN.match(value):
        raise ValidationError(
            f"expected a currency code of three capital letters such as EUR or USD, got '{value}'"
        )


def _amount_only(data: dict[str, Any], what: str) -> None:
    """Only numbers are amounts: a currency on a yes/no question or a date makes no sense."""
    if "currency" in data and data.get("type") not in ("decimal", "integer"):
        raise ValidationError(
            f"only decimal and integer {what}s are amounts with a currency, "
            f"not {data.get('type')} {what}s",
            "currency",
        )


class QuestionSchema(StrictSchema):
    """One question: type, texts, constraints."""

    type = fields.String(
        required=True,
        validate=validate.OneOf(QUESTION_TYPES, error="must be one of {choices}"),
        error_messages=_MESSAGES,
    )
    label = LocalizedText(required=True)
    help = LocalizedText()
    options = _mapping(values=LocalizedText())
    allow_unknown = fields.Boolean(error_messages=_messages(invalid="expected true or false"))
    min = fields.Raw()
    max = fields.Raw()
    decimal_places = fields.Integer(
        strict=True, validate=validate.Range(0, 10, error="must be a whole number from 0 to 10")
    )
    max_length = fields.Integer(
        strict=True, validate=validate.Range(1, MAX_TEXT, error=f"must be from 1 to {MAX_TEXT}")
    )
    section = fields.String()
    ask_after = _list(fields.String())
    checks = _list(_nested(CheckSchema))
    currency = fields.String(validate=_currency)

    @validates_schema
    def _options_fit_type(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("type") == "enum" and not data.get("options"):
            raise ValidationError("an enum question needs its options", "options")
        if data.get("options") and data.get("type") != "enum":
            raise ValidationError("only enum questions have options", "options")
        _amount_only(data, "question")


class ParameterSchema(StrictSchema):
    """A figure fixed by law: a single value or a table."""

    type = fields.String(validate=validate.OneOf(VALUE_TYPES, error="must be one of {choices}"))
    value = fields.Raw(allow_none=False)
    table = fields.Dict(error_messages=_messages(invalid="expected rows as {{key: value}}"))
    each_additional = fields.Raw()
    default = fields.Raw()
    legal_reference = _text_field()
    description = LocalizedText()

    @validates_schema
    def _value_or_table(self, data: dict[str, Any], **kwargs: Any) -> None:
        if ("value" in data) == ("table" in data):
            raise ValidationError("give either a value or a table", "value")
        for key in ("each_additional", "default"):
            if key in data and "table" not in data:
                raise ValidationError(f"only tables have {key}", key)


class DerivedSchema(StrictSchema):
    """A named intermediate value."""

    value = Expression(required=True)
    type = fields.String(validate=validate.OneOf(VALUE_TYPES, error="must be one of {choices}"))
    description = LocalizedText()


class ExplanationSchema(StrictSchema):
    """The reason shown when a rule holds (`true`) and when it does not (`false`)."""

    true = LocalizedText()
    false = LocalizedText()


class RuleSchema(StrictSchema):
    """A named legal condition."""

    when = Expression(required=True)
    legal_reference = _text_field(required=True)
    title = LocalizedText()
    explanation = _nested(ExplanationSchema)
    why = LocalizedText()


class GoalSchema(StrictSchema):
    """An outcome the service reports."""

    type = fields.String(
        required=True,
        validate=validate.OneOf(VALUE_TYPES, error="must be one of {choices}"),
        error_messages=_MESSAGES,
    )
    value = Expression(required=True)
    label = LocalizedText()
    description = LocalizedText()
    legal_reference = _text_field()
    why = LocalizedText()
    currency = fields.String(validate=_currency)
    decimal_places = fields.Integer(
        strict=True, validate=validate.Range(0, 10, error="must be a whole number from 0 to 10")
    )

    @validates_schema
    def _scale_fits_type(self, data: dict[str, Any], **kwargs: Any) -> None:
        _amount_only(data, "goal")
        if "decimal_places" in data and data.get("type") != "decimal":
            raise ValidationError(
                f"only decimal goals have decimal_places, not {data.get('type')} goals",
                "decimal_places",
            )


class ScenarioSchema(StrictSchema):
    """A test case: answers and expected goals."""

    name = _text_field(required=True)
    answers = _mapping(required=True)
    expect = _mapping()
    as_of = DateValue()
    expect_next = _list(fields.String())
    expect_refused = _list(fields.String())
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
    min = fields.Integer(
        strict=True,
        validate=validate.Range(0, MAX_INSTANCES, error=f"must be from 0 to {MAX_INSTANCES}"),
    )
    max = fields.Integer(
        strict=True,
        validate=validate.Range(1, MAX_INSTANCES, error=f"must be from 1 to {MAX_INSTANCES}"),
    )
    completeness = fields.String(
        validate=validate.OneOf(COMPLETENESS, error="must be one of {choices}")
    )
    completeness_question = _entity_name(required=True, error_messages=_MESSAGES)
    order = fields.String(validate=validate.OneOf(ASKING_ORDERS, error="must be one of {choices}"))
    questions = _mapping(required=True)
    derived = _mapping()
    rules = _mapping()
    goals = _mapping()
    collections = _mapping()

    @validates_schema
    def _bounds(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("min", 0) > data.get("max", MAX_INSTANCES):
            raise ValidationError("max is smaller than min", "max")


class VersionSchema(StrictSchema):
    """The top level of a version file (parts by id are checked entry by entry)."""

    ruleset = fields.String(
        required=True,
        validate=validate.Regexp(RULESET_PATTERN, error="use lower-case letters, digits, - and _"),
        error_messages=_MESSAGES,
    )
    version = VersionId(required=True, error_messages=_MESSAGES)
    extends = VersionId(allow_none=True)
    status = fields.String(
        validate=validate.OneOf(("draft", "published", "retired"), error="must be one of {choices}")
    )
    effective_from = DateValue(required=True, error_messages=_MESSAGES)
    effective_to = DateValue(allow_none=True)
    default_locale = fields.String(
        validate=validate.Regexp(LOCALE_PATTERN, error="expected a language code such as en or de")
    )
    title = LocalizedText(required=True, error_messages=_MESSAGES)
    description = LocalizedText()
    legal_basis = _list(_nested(LegalBasisSchema))
    sections = _mapping()
    questions = _mapping(required=True)
    parameters = _mapping()
    derived = _mapping()
    rules = _mapping()
    goals = _mapping(required=True)
    entity = _entity_name()
    collections = _mapping()
    scenarios = _list(fields.Raw())
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


ENTRY_SCHEMAS: dict[str, type[Schema]] = {
    "sections": SectionSchema,
    "questions": QuestionSchema,
    "parameters": ParameterSchema,
    "derived": DerivedSchema,
    "rules": RuleSchema,
    "goals": GoalSchema,
}
