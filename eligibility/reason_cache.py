"""Reasons that quote no value, worked out once per version, rule, outcome and language.

A goal decided late in an interview can have hundreds of reasons, and most explanation
texts quote nothing ("The applicant lives in the state."): such a reason depends only on
the version, the rule, whether it held and the language, so it is made once and shared
(reasons are frozen). A text that quotes a value (`{income}`) is rendered every time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from eligibility.compiler import PLACEHOLDER, CompiledRuleSet
from eligibility.model import Rule, localize

__all__ = ["MAX_REASONS", "constant_reason"]

T = TypeVar("T")
# (content hash, rule, outcome, language) → the reason. Cleared when full (bounded memory).
_REASONS: dict[tuple[str, str, bool | None, str], object] = {}
MAX_REASONS = 50_000


def constant_reason(
    compiled: CompiledRuleSet,
    rule: Rule,
    outcome: bool | None,
    locale: str,
    make: Callable[[], T],
) -> T:
    """The reason `make` gives, made once when the rule's text in `locale` quotes nothing."""
    key = (compiled.content_hash, rule.id, outcome, locale)
    found = _REASONS.get(key)
    if found is not None:
        return found  # type: ignore[return-value]
    made = make()
    text = rule.explanation_true if outcome is True else rule.explanation_false
    chosen = localize(text, locale, compiled.ruleset.default_locale)
    if chosen is None or not PLACEHOLDER.search(chosen):
        if len(_REASONS) >= MAX_REASONS:
            _REASONS.clear()
        _REASONS[key] = made
    return made
