"""Request bodies and queries loaded without marshmallow's machinery where a schema allows it.

A schema made only of plain fields (texts, dates, booleans, maps of answers) is compiled
once into a function that gives exactly what `schema.load` gives, in a few dict
operations (a SNAP evaluation body: ~29 µs through marshmallow). When it is not sure
(a field missing, of another type, an unknown key, a validator that fails) it answers
None and the schema loads the document itself, so every error is marshmallow's own,
word for word. A schema with anything else (nested schemas, numbers, hooks) is never
compiled: marshmallow loads it. tests/api/test_api_loaders.py holds the two to each
other on every request schema of the app.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable, Mapping
from typing import Any

from marshmallow import (
    EXCLUDE,
    INCLUDE,
    RAISE,
    Schema,
    ValidationError,
    fields,
    missing,
    validate,
)
from marshmallow.decorators import POST_LOAD, PRE_LOAD, VALIDATES, VALIDATES_SCHEMA
from marshmallow.types import UnknownOption

from api.fields import Scalar

Loader = Callable[[Mapping[str, Any]], dict[str, Any] | None]
Check = Callable[[Any], Any]


class _Unsure(Exception):
    """The compiled loader cannot vouch for this value: marshmallow decides."""


_LOADERS: weakref.WeakKeyDictionary[Schema, dict[UnknownOption | None, Loader | None]] = (
    weakref.WeakKeyDictionary()
)


def load_with(schema: Schema, data: Mapping[str, Any], unknown: UnknownOption | None = None) -> Any:
    """`schema.load(data, unknown=unknown)`, through the schema's compiled loader if it has one."""
    by_unknown = _LOADERS.get(schema)
    if by_unknown is None:
        by_unknown = _LOADERS[schema] = {}
    if unknown not in by_unknown:
        by_unknown[unknown] = compile_loader(schema, unknown)
    loader = by_unknown[unknown]
    loaded = loader(data) if loader is not None else None
    return loaded if loaded is not None else schema.load(data, unknown=unknown)


def compile_loader(schema: Schema, unknown: UnknownOption | None = None) -> Loader | None:
    """A function loading documents as `schema.load` does, or None if the schema has more."""
    hooks = getattr(schema, "_hooks", None)  # marshmallow's registry of decorated methods
    if hooks is None or any(hooks.get(tag) for tag in (PRE_LOAD, POST_LOAD, VALIDATES)):
        return None
    if hooks.get(VALIDATES_SCHEMA) or schema.many or schema.partial:
        return None
    unknown = schema.unknown if unknown is None else unknown
    plan = []
    for name, field in schema.load_fields.items():
        check = _field_check(field)
        key = field.attribute or name
        if check is None or "." in key:
            return None
        data_key = field.data_key if field.data_key is not None else name
        plan.append((data_key, key, check, field))
    known = frozenset(data_key for data_key, *_ in plan)
    return _loader(tuple(plan), known, unknown)


def _loader(plan: tuple[Any, ...], known: frozenset[str], unknown: str) -> Loader | None:
    if unknown not in (RAISE, EXCLUDE, INCLUDE):
        return None

    def load(data: Mapping[str, Any]) -> dict[str, Any] | None:
        if unknown == RAISE and not known.issuperset(data):
            return None
        loaded: dict[str, Any] = {}
        try:
            for data_key, key, check, field in plan:
                value = data.get(data_key, missing)
                if value is missing:
                    if field.required:
                        return None
                    default = field.load_default
                    if default is not missing:
                        loaded[key] = default() if callable(default) else default
                elif value is None:
                    if not field.allow_none:
                        return None
                    loaded[key] = None
                else:
                    loaded[key] = check(value)
        except (_Unsure, ValidationError):
            return None
        if unknown == INCLUDE:
            for extra in set(data) - known:  # as marshmallow adds them
                loaded[extra] = data[extra]
        return loaded

    return load


def _field_check(field: fields.Field[Any]) -> Check | None:
    """What loading one present, non-null value does: its type's check, then its validators."""
    if field.pre_load or field.post_load:
        return None
    convert = _convert(field)
    if convert is None:
        return None
    validators = tuple(field.validators)
    if not validators:
        return convert

    def check(value: Any) -> Any:
        output = convert(value)
        for validator in validators:
            validator(output)  # a ValidationError: marshmallow words it
        return output

    return check


def _convert(field: fields.Field[Any]) -> Check | None:
    # Exact classes only: a subclass may load its own way.
    kind = type(field)
    if kind is fields.String:
        return _text
    if kind in (fields.Raw, Scalar):
        return _same
    if kind is fields.Date and isinstance(field, fields.Date):
        return _date if field.format in (None, "iso", "iso8601") else None
    if kind is fields.Boolean and isinstance(field, fields.Boolean):
        return _boolean(field.truthy, field.falsy) if field.truthy else None
    if kind is fields.Dict and isinstance(field, fields.Dict):
        return _mapping(field)
    return None


def _same(value: Any) -> Any:
    return value


def _text(value: Any) -> str:
    if type(value) is not str:  # noqa: E721 (a str subclass or bytes: marshmallow decides)
        raise _Unsure
    return value


def _date(value: Any) -> dt.date:
    if type(value) is not str:  # noqa: E721
        raise _Unsure
    try:
        return dt.date.fromisoformat(value)  # what fields.Date does with "iso"
    except ValueError:
        raise _Unsure from None


def _boolean(truthy: set[Any], falsy: set[Any]) -> Check:
    def convert(value: Any) -> bool:
        try:
            if value in truthy:
                return True
            if value in falsy:
                return False
        except TypeError:
            pass
        raise _Unsure

    return convert


def _mapping(field: fields.Dict) -> Check | None:
    """A dict whose keys are texts (with length bounds) and whose values pass as they are."""
    keys, values = field.key_field, field.value_field
    if values is not None and (
        type(values) not in (fields.Raw, Scalar)
        or values.validators
        or values.pre_load
        or values.post_load
    ):
        return None
    allow_none = values is None or values.allow_none
    lowest, highest = 0, None
    if keys is not None:
        if type(keys) is not fields.String or keys.pre_load or keys.post_load:
            return None
        for validator in keys.validators:
            if type(validator) is not validate.Length or validator.equal is not None:
                return None
            lowest = max(lowest, validator.min or 0)
            if validator.max is not None:
                highest = validator.max if highest is None else min(highest, validator.max)

    def convert(value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise _Unsure
        for key, item in value.items():
            if type(key) is not str or len(key) < lowest:  # noqa: E721
                raise _Unsure
            if highest is not None and len(key) > highest:
                raise _Unsure
            if item is None and not allow_none:
                raise _Unsure
        return dict(value)

    return convert
