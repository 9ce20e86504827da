"""JSON in and out: decimals stay exact both ways, bodies are checked before they are parsed."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import orjson
from flask import Request, Response, current_app, jsonify, request
from flask.json.provider import DefaultJSONProvider
from marshmallow import EXCLUDE, Schema, ValidationError

from api.errors import InvalidRequest, MalformedJson, UnsupportedMediaType
from api.loaders import load_with
from eligibility.values_io import pointer

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


# Types left to the app's JSON provider (ExactJSONProvider), which writes them its own way.
_ORJSON = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
_ORJSON |= orjson.OPT_APPEND_NEWLINE


def json_response(data: Any) -> Response:
    """`jsonify(data)`, written by orjson (~15x faster on an evaluation) where it can.

    orjson refuses what it would write differently from the app's provider (decimals,
    dates, dataclasses, integers beyond 64 bits); those documents go through `jsonify`.
    """
    try:
        text = orjson.dumps(data, option=_ORJSON)
    except orjson.JSONEncodeError:
        return jsonify(data)
    return current_app.response_class(text, mimetype="application/json")


def is_json_type(mimetype: str) -> bool:
    """True for application/json and application/*+json."""
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


def json_body(current: Request | None = None) -> Any:
    """The request body as JSON: 415 if it is declared as something else, 400 if malformed."""
    found = request if current is None else current
    # the common Content-Type spelled exactly, else parsed as werkzeug parses it
    if found.environ.get("CONTENT_TYPE") != "application/json" and not is_json_type(found.mimetype):
        raise UnsupportedMediaType(
            f"send the body as application/json, not {found.mimetype or 'without a type'}"
        )
    return parse_bytes(found.get_data(cache=True))


def parse_bytes(data: bytes) -> Any:
    """Parse a JSON body, mapping every parser failure to 400 (and NUL characters to 422).

    A key named twice in one object, or a lone UTF-16 surrogate (`"\\ud800"`, which no
    UTF-8 text can hold), is a 400 naming where (JSON Pointer).
    """
    if not data.strip():
        raise MalformedJson("the body is empty; send a JSON object")
    try:
        try:  # what json.loads(data, …) does, with a decoder made once
            parsed = _DECODER.decode(data.decode(json.detect_encoding(data), "surrogatepass"))
        except _Duplicated:  # parsed again, marking every object that repeats a key
            duplicated: list[bool] = []
            parsed = json.loads(
                data,
                parse_float=_decimal,
                parse_constant=_reject_constant,
                object_pairs_hook=lambda pairs: _object(pairs, duplicated),
            )
            check_texts(parsed)
            return parsed
    except RecursionError:
        raise MalformedJson("the JSON is nested too deeply") from None
    except ValueError as error:  # JSONDecodeError, UnicodeDecodeError, huge integers
        raise MalformedJson(_describe(error)) from None
    if b"\\u" in data:  # only escapes make NULs and surrogates: a walk is rare
        check_texts(parsed)
    return parsed


class _Duplicated(Exception):
    """An object of the body names a key twice (the body is parsed again to say where)."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise _Duplicated
    return found


_DECODER = json.JSONDecoder(
    parse_float=_decimal, parse_constant=_reject_constant, object_pairs_hook=_pairs
)


class _DuplicateKeys(dict[str, Any]):
    """A JSON object that named a key more than once (kept to say where, then refused)."""

    duplicate: str = ""


def _object(pairs: list[tuple[str, Any]], duplicated: list[bool]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) == len(pairs):
        return found
    seen: set[str] = set()
    marked = _DuplicateKeys(found)
    marked.duplicate = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
    duplicated.append(True)
    return marked


def visible(text: str) -> str:
    """Text safe to write back: lone surrogates shown as their escapes (`\\ud800`)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_texts(data: Any) -> None:
    """Refuse duplicate keys and lone surrogates (400), then NUL characters (422), by pointer."""
    malformed: dict[str, list[str]] = {}
    nul: dict[str, list[str]] = {}
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    while stack:
        value, at = stack.pop()
        if isinstance(value, str):
            if _lone_surrogate(value):
                malformed.setdefault(_at(at), []).append(SURROGATE)
            elif "\x00" in value:
                nul.setdefault(_at(at), []).append(NUL)
        elif isinstance(value, dict):
            if isinstance(value, _DuplicateKeys):
                message = f"the key '{visible(value.duplicate)}' is given more than once"
                malformed.setdefault(_at((*at, value.duplicate)), []).append(message)
            for key, item in value.items():
                if isinstance(key, str) and _lone_surrogate(key):
                    malformed.setdefault(_at((*at, key)), []).append(f"the key {SURROGATE}")
                elif isinstance(key, str) and "\x00" in key:
                    nul.setdefault(_at((*at, key)), []).append(f"the key {NUL}")
                stack.append((item, (*at, key)))
        elif isinstance(value, list):
            stack.extend((item, (*at, i)) for i, item in enumerate(value))
    if malformed:
        raise MalformedJson(_first(malformed), errors=malformed)
    if nul:
        raise InvalidRequest("texts must not contain NUL characters", errors=nul)


SURROGATE = "holds a lone UTF-16 surrogate, which is not a character"
NUL = "holds a NUL character"


def _at(parts: tuple[str | int, ...]) -> str:
    return visible(pointer(*parts))


def _first(found: dict[str, list[str]]) -> str:
    where, messages = min(found.items())
    return f"{where or 'the body'}: {messages[0]}"


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
    return load_with(schema, data)


def query(schema: Schema, current: Request | None = None) -> Any:
    """The query string loaded with a schema (unknown parameters are ignored).

    Every bad parameter in one 422, keyed by the parameter's name.
    """
    found = request if current is None else current
    # No query string, no arguments: werkzeug's parse of an empty one is left out.
    given = found.args.to_dict(flat=True) if found.environ.get("QUERY_STRING") else {}
    return load_query(schema, given)


def load_query(schema: Schema, given: dict[str, str]) -> Any:
    """Query parameters (each name's first value) loaded as `query` loads them."""
    try:
        return load_with(schema, given, unknown=EXCLUDE)
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
