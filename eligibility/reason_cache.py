"""Reasons that quote no value, worked out once per version, rule, outcome and language.

A goal decided late in an interview can have hundreds of reasons, and most explanation
texts quote nothing ("The applicant lives in the state."): such a reason depends only on
the version, the rule, whether it held and the language, so it is made once and shared
(reasons are frozen). A text that quotes a value (`{income}`) is written per evaluation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from eligibility.compiler import CompiledRuleSet
from eligibility.model import Rule
from eligibility.texts import quotes_a_value
from eligibility.version_tables import VersionTables

__all__ = ["reason_plan"]

T = TypeVar("T")
Outcome = bool | None  # the rule held, did not, or neither (its value is not a boolean)
# Per version and language: (rule, outcome) → its reason.
_REASONS: VersionTables[tuple[str, Outcome], Any] = VersionTables()


def reason_plan(
    compiled: CompiledRuleSet,
    rules: Iterable[str],
    env: Mapping[Any, Any],
    locale: str,
    make: Callable[[str], T],
) -> tuple[T | str, ...]:
    """The reasons of `rules` in order: the version's constant reason for a rule whose text
    quotes nothing (made by `make(rule)` the first time), else the rule's id, whose reason
    each evaluation writes with its own values."""
    table = _REASONS.of(compiled.content_hash, locale)
    found: list[T | str] = []
    for rule in rules:
        value = env[rule]
        outcome = value if value is True or value is False else None
        reason = table.get((rule, outcome))
        if reason is None:
            if not _quotes_nothing(compiled, compiled.rules_by_id[rule], outcome, locale):
                found.append(rule)
                continue
            reason = table[(rule, outcome)] = make(rule)
        found.append(reason)
    return tuple(found)


def _quotes_nothing(compiled: CompiledRuleSet, rule: Rule, outcome: Outcome, locale: str) -> bool:
    text = rule.explanation_true if outcome is True else rule.explanation_false
    return not quotes_a_value(text, locale, compiled.ruleset.default_locale)
