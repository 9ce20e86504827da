"""Marshmallow fields of the HTTP payloads: JSON scalars (decimals as text), flattening, picks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import fields

from eligibility.values_io import to_plain

# What a value of the rule language looks like on the wire: decimals and dates are text.
SCALAR_TYPES = ["string", "number", "boolean", "null"]
# A job's heartbeat_at (replay, batch and verification jobs alike).
HEARTBEAT = (
    "Until it ends, when its process last gave a sign of life (every few seconds); one "
    "silent for a minute was interrupted (its process stopped) and reads failed"
)


class Scalar(fields.Field[Any]):
    """A value of the rule language as JSON: boolean, integer, decimal as text, date as text."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return to_plain(value)

    def _deserialize(
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> Any:  # answers are checked by the core, which reports every bad field at once
        return value


class AnyJson(fields.Field[Any]):
    """Any JSON value (a trace result, a parameter table), made JSON-safe on the way out."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return to_plain(value)


class Inline(fields.Nested):
    """A nested object built from the parent object itself (flat core data → nested JSON)."""

    def get_value(
        self,
        obj: Any,
        attr: str,
        accessor: Callable[[Any, str, Any], Any] | None = None,
        default: Any = None,
    ) -> Any:
        return obj


def pick(
    getter: Callable[[Any], Any], json_type: str | list[str], required: bool = False, **meta: Any
) -> fields.Field[Any]:
    """A computed field with its JSON type declared for the OpenAPI document."""
    return fields.Function(getter, required=required, metadata={"type": json_type, **meta})


def text_map(**kwargs: Any) -> fields.Dict:
    """Localized text by language code (`*` when written without a language)."""
    return fields.Dict(keys=fields.String(), values=fields.String(), **kwargs)


def scalar_schema_properties(
    converter: object, field: fields.Field[Any], **kwargs: Any
) -> dict[str, Any]:
    """apispec attribute function: the JSON types of the custom fields."""
    if isinstance(field, Scalar):
        return {"type": list(SCALAR_TYPES)}
    return {}
