"""Conversions between plain data (YAML, JSON) and typed values, and back to JSON-safe data."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from eligibility.expressions.values import UNKNOWN, Failure, Known, Value

_INTEGER_TEXT = re.compile(r"^-?[0-9]+$")
_DECIMAL_TEXT = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


class ConversionError(ValueError):
    """A value does not have the expected type; the message says what was expected."""


def describe_value(value: object) -> str:
    """A value as quoted in error messages."""
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_typed(value: Any, type_name: str) -> Known:
    """Convert plain data to a value of the language type, exactly (never via float)."""
    converter: Any = _CONVERTERS[type_name]
    result: Known = converter(value)
    return result


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ConversionError(f"expected true or false, got {describe_value(value)}")


MAX_MAGNITUDE_DIGITS = 30  # no number in a rule or an answer has more digits before the point


def _integer(value: Any) -> int:
    _check_magnitude(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    if isinstance(value, str) and _INTEGER_TEXT.match(value.strip()):
        return int(value)
    raise ConversionError(f"expected a whole number, got {describe_value(value)}")


def _check_magnitude(value: Any) -> None:
    """Refuse absurdly large numbers before they are converted or quoted in a message."""
    if isinstance(value, bool):
        return
    digits = None
    if isinstance(value, Decimal) and value.is_finite():
        digits = value.adjusted() + 1
    elif isinstance(value, int):
        digits = len(str(abs(value))) if abs(value) < 10**MAX_MAGNITUDE_DIGITS else None
        digits = MAX_MAGNITUDE_DIGITS + 1 if digits is None else digits
    elif isinstance(value, str):
        digits = len(value.strip().lstrip("-").split(".")[0])
    if digits is not None and digits > MAX_MAGNITUDE_DIGITS:
        raise ConversionError(f"expected a number of at most {MAX_MAGNITUDE_DIGITS} digits")


def _decimal(value: Any) -> Decimal:
    _check_magnitude(value)
    if isinstance(value, bool) or isinstance(value, float):
        raise ConversionError(f'expected an amount such as "412.50", got {describe_value(value)}')
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, str) and _DECIMAL_TEXT.match(value.strip()):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            pass
    raise ConversionError(f'expected an amount such as "412.50", got {describe_value(value)}')


def _string(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise ConversionError(f"expected a text, got {describe_value(value)}")


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ConversionError(f"expected a date written YYYY-MM-DD, got {describe_value(value)}")


_CONVERTERS = {
    "boolean": _boolean,
    "integer": _integer,
    "decimal": _decimal,
    "string": _string,
    "date": _date,
}


def infer_type(value: Any) -> str | None:
    """The language type of a plain value written without a declared type."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, Decimal):
        return "decimal"
    if isinstance(value, dt.date):
        return "date"
    return "string" if isinstance(value, str) else None


PLAIN_TYPES = frozenset({str, int, bool, float, type(None)})  # exactly these types stay as they are


def to_plain(value: Any) -> Any:
    """JSON-safe data: decimals and dates as text, keys as text, tuples as lists."""
    if type(value) in PLAIN_TYPES:  # most leaves: one lookup, not four isinstance checks
        return value
    if isinstance(value, Decimal):  # the next most common leaf: before the containers
        return format(value, "f")  # never exponent notation: "1E+2" would not read back
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def canonical_json(value: Any) -> str:
    """The one canonical text of a document: sorted keys, no spaces, decimals as text."""
    return json.dumps(to_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(value: Any) -> str:
    """sha256 of the canonical text, as hex."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def pointer(*parts: str | int) -> str:
    """A JSON Pointer (RFC 6901): pointer("answers", "a/b") is "/answers/a~1b"."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def pointer_path(text: str) -> str:
    """A JSON Pointer as a path in a rule file: "/children/c2/age" → "children.c2.age"."""
    parts = text.split("/")[1:]
    return ".".join(p.replace("~1", "/").replace("~0", "~") for p in parts)


def trace_value(value: Value) -> Any:
    """A value as a trace shows it: unknown as null, a failure as {"error": reason}."""
    if type(value) in PLAIN_TYPES:  # most values: as to_plain keeps them, at once
        return value
    if value is UNKNOWN:
        return None
    if isinstance(value, Failure):
        return {"error": value.reason}
    return to_plain(value)
