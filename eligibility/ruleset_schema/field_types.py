"""The rule-file format's building blocks: patterns, field types and the strict base schema."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from eligibility.expressions.typecheck import suggest

CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")

NAME_PATTERN = re.compile(r"^[a-z_][a-z0-9_]*$")
LOCALE_PATTERN = re.compile(r"^([a-z]{2,3}(-[A-Za-z]{2,4})?|\*)$")
RULESET_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
MAX_TEXT = 5000

MESSAGES: dict[str, Any] = {"required": "is required", "null": "may not be empty"}


def messages(**extra: str) -> dict[str, Any]:
    """The authors' wording of marshmallow's messages, with some of a field's own."""
    return {**MESSAGES, **extra}


MAPPING = "expected entries written as key: value"
LIST = "expected a list (lines starting with -)"


def mapping(**kwargs: Any) -> fields.Dict:
    """Entries by id or by key (`key: value` lines), with an author's error message."""
    return fields.Dict(keys=fields.String(), error_messages=messages(invalid=MAPPING), **kwargs)


def list_of(item: fields.Field[Any]) -> fields.List[Any]:
    """A list (`- item` lines), with an author's error message."""
    return fields.List(item, error_messages=messages(invalid=LIST))


def nested(schema: type[Schema]) -> fields.Nested:
    """One nested part, with an author's error message."""
    return fields.Nested(schema, error_messages=messages(type=MAPPING))


def text_field(**kwargs: Any) -> fields.String:
    """A text of at most MAX_TEXT characters, with an author's error message."""
    return fields.String(
        validate=validate.Length(max=MAX_TEXT),
        error_messages=messages(invalid="expected a text"),
        **kwargs,
    )


def one_of(choices: Sequence[str], **kwargs: Any) -> fields.String:
    """One of a few fixed words (a type, an order, a status), with an author's error message."""
    return fields.String(
        validate=validate.OneOf(choices, error="must be one of {choices}"), **kwargs
    )


def decimal_places_field() -> fields.Integer:
    """How many decimal places an amount is written with: a whole number from 0 to 10."""
    error = "must be a whole number from 0 to 10"
    return fields.Integer(strict=True, validate=validate.Range(0, 10, error=error))


class LocalizedText(fields.Field[dict[str, str]]):
    """A text per language (`{en: …, de: …}`) or one text without a language."""

    default_error_messages = MESSAGES

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


class CountedTitle(fields.Field[dict[str, dict[str, str]]]):
    """What instances are called, for one and for several, per language (or without one)."""

    default_error_messages = MESSAGES
    FORMS = ("one", "other")

    def _deserialize(
        self, value: Any, attr: Any, data: Any, **kwargs: Any
    ) -> dict[str, dict[str, str]]:
        if isinstance(value, dict) and set(value) == set(self.FORMS):
            value = {"*": value}  # one title without a language
        if not isinstance(value, dict) or not value:
            raise ValidationError(
                "expected the title by language: {en: {one: child, other: children}}"
            )
        for locale, forms in value.items():
            if not isinstance(locale, str) or not LOCALE_PATTERN.match(locale):
                raise ValidationError(f"'{locale}' is not a language code such as en or de")
            if not isinstance(forms, dict) or set(forms) != set(self.FORMS):
                raise ValidationError(
                    f"the {locale} title needs the word for one and for several: "
                    f"{locale}: {{one: …, other: …}}"
                )
            if not all(isinstance(w, str) and 0 < len(w) <= MAX_TEXT for w in forms.values()):
                raise ValidationError(f"the {locale} title's words must be texts")
        return {locale: dict(forms) for locale, forms in value.items()}


class Expression(fields.Field[str]):
    """An expression of the rule language (parsed and type-checked later, by the compiler)."""

    default_error_messages = MESSAGES

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

    error_messages = {"type": MAPPING}  # noqa: RUF012

    def handle_error(self, error: ValidationError, data: Any, **kwargs: Any) -> None:
        messages = error.messages if isinstance(error.messages, dict) else {}
        for key, problems in list(messages.items()):
            if problems == ["Unknown field."]:
                hint = suggest(str(key), self.fields)
                messages[key] = [
                    f"unknown key '{key}'" + (f" (did you mean '{hint}'?)" if hint else "")
                ]
        raise error
