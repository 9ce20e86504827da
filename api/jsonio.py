"""JSON in and out: decimals stay exact both ways, bodies are checked before they are parsed."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from flask import request
from flask.json.provider import DefaultJSONProvider
from marshmallow import EXCLUDE, Schema, ValidationError

from api.errors import InvalidRequest, MalformedJson, UnsupportedMediaType

MAX_EXPONENT = 100  # no amount needs more; larger ones only cost time and memory downstream


class NumberOutOfRange(ValueError):
    """A JSON number too large or too small to be an answer."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _decimal(text: str) -> Decimal:
    value = Decimal(text)
    if abs(value.adjusted()) > MAX_EXPONENT:
        raise NumberOutOfRange(f"the number {text[:20]} is out of range")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        value = Decimal(format(value, "f"))  # 1e3 → 1000: written back as "1000", not "1E+3"
    return value


def loads_exact(data: str | bytes) -> Any:
    """Parse JSON with every non-integer number as a Decimal (never a float)."""
    return json.loads(data, parse_float=_decimal, parse_constant=_reject_constant)


class ExactJSONProvider(DefaultJSONProvider):
    """JSON with Decimal parsing, decimals and dates written as ISO text, key order kept."""

    sort_keys = False
    ensure_ascii = False

    @staticmethod
    def default(o: Any) -> Any:  # noqa: D102 - json.JSONEncoder.default
        if isinstance(o, Decimal):
            return str(o)
        if isinstance(o, dt.date):
            return o.isoformat()
        return DefaultJSONProvider.default(o)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse with decimals kept exact."""
        return loads_exact(s)


def is_json_type(mimetype: str) -> bool:
    """True for application/json and application/*+json."""
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


def json_body() -> Any:
    """The request body as JSON: 415 if it is declared as something else, 400 if malformed."""
    if not is_json_type(request.mimetype):
        raise UnsupportedMediaType(
            f"send the body as application/json, not {request.mimetype or 'without a type'}"
        )
    return parse_bytes(request.get_data(cache=True))


def parse_bytes(data: bytes) -> Any:
    """Parse a JSON body, mapping every parser failure to 400 (and NUL characters to 422)."""
    if not data.strip():
        raise MalformedJson("the body is empty; send a JSON object")
    try:
        parsed = loads_exact(data)
    except RecursionError:
        raise MalformedJson("the JSON is nested too deeply") from None
    except ValueError as error:  # JSONDecodeError, UnicodeDecodeError, huge integers
        raise MalformedJson(_describe(error)) from None
    reject_nul(parsed)
    return parsed


def has_nul(data: Any) -> bool:
    """True when a text anywhere in the data (keys too) holds a NUL character."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return True
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def reject_nul(data: Any) -> None:
    """422 for NUL characters: no answer or name needs one, and databases refuse them."""
    if has_nul(data):
        message = "texts must not contain NUL characters"
        raise InvalidRequest(message, errors={"": [message]})


def _describe(error: ValueError) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"{error.msg} at line {error.lineno}, column {error.colno}"
    if isinstance(error, NumberOutOfRange):
        return str(error)
    if isinstance(error, UnicodeDecodeError):
        return "the body is not valid UTF-8"
    return "the body is not valid JSON"


def load(schema: Schema, data: Any) -> Any:
    """Load data with a schema; every bad field in one 422."""
    if not isinstance(data, dict):
        raise InvalidRequest("the body must be a JSON object", errors={"": ["not an object"]})
    return schema.load(data)


def query(schema: Schema) -> Any:
    """The query string loaded with a schema (unknown parameters are ignored).

    Every bad parameter in one 422, keyed by the parameter's name.
    """
    try:
        return schema.load(request.args.to_dict(flat=True), unknown=EXCLUDE)
    except ValidationError as error:
        raise InvalidRequest(
            "some query parameters are invalid", errors=parameter_errors(error)
        ) from None


def parameter_errors(error: ValidationError) -> dict[str, list[str]]:
    """Marshmallow's messages for query parameters, keyed by the parameter's name."""
    messages = error.messages if isinstance(error.messages, dict) else {"": error.messages}
    return {
        ("" if name == "_schema" else str(name)): [
            str(m) for m in (texts if isinstance(texts, list) else [texts])
        ]
        for name, texts in messages.items()
    }
