"""Builders for unit tests: small rule documents as data, and single expressions run directly."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from eligibility import CompiledRuleSet, RuleSet, compiled, document_from_data, load_document
from eligibility.expressions.interpreter import compile_expression
from eligibility.expressions.parser import parse
from eligibility.expressions.typecheck import Scope, type_of, typecheck
from eligibility.expressions.types import Type
from eligibility.expressions.values import Value
from eligibility.model import Table

BASE: dict[str, Any] = {
    "ruleset": "unit",
    "version": "1",
    "status": "published",
    "effective_from": "2024-01-01",
    "title": {"en": "Unit", "de": "Einheit"},
    "questions": {
        "age": {"type": "integer", "min": 0, "max": 130, "label": {"en": "Age?", "de": "Alter?"}},
        "resident": {"type": "boolean", "label": "Resident?"},
    },
    "rules": {
        "adult": {"when": "age >= 18", "legal_reference": "Act § 1"},
    },
    "goals": {
        "eligible": {"type": "boolean", "value": "adult and resident", "label": "Eligible"},
    },
}


def document(**parts: Any) -> dict[str, Any]:
    """The base document with top-level parts replaced (None removes a part)."""
    data = copy.deepcopy(BASE)
    for key, value in parts.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def load(data: Mapping[str, Any]) -> RuleSet:
    """A document given as data, validated into a RuleSet."""
    return load_document(document_from_data(dict(data)))


def build(**parts: Any) -> CompiledRuleSet:
    """The base document with some parts replaced, loaded and compiled."""
    return compiled(load(document(**parts)))


def run(
    text: str,
    env: Mapping[str, Value] | None = None,
    types: Mapping[str, Type] | None = None,
    tables: Mapping[str, Table] | None = None,
) -> Value:
    """Parse, type-check and evaluate one expression against an environment."""
    env = dict(env or {})
    scope_types: dict[str, Type] = dict(types or {})
    for name, value in env.items():
        scope_types.setdefault(name, type_of(value))
    node = parse(text)
    typecheck(node, Scope(scope_types))
    return compile_expression(node, tables or {})(env)
