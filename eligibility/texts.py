"""Localized texts with quoted values: `"Of your {employees} employees…"`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache

from eligibility.compiler import PLACEHOLDER
from eligibility.expressions.values import UNKNOWN, Failure, Value
from eligibility.model import Text, localize

_YES_NO = {"de": ("ja", "nein"), "es": ("sí", "no"), "fr": ("oui", "non")}
_WHY = {
    "en": "We ask this because {reference} requires it.",
    "de": "Wir fragen dies, weil {reference} es verlangt.",
    "es": "Lo preguntamos porque {reference} lo exige.",
}
_COMMA_DECIMALS = {"de", "es", "fr"}


def default_why(reference: str, locale: str) -> str:
    """The fallback "why" of a rule without its own text."""
    template = _WHY.get(locale.split("-")[0], _WHY["en"])
    return template.format(reference=reference)


def format_value(value: Value, locale: str) -> str:
    """A value as a claimant reads it."""
    if value is UNKNOWN or isinstance(value, Failure):
        return "?"
    if isinstance(value, bool):
        yes, no = _YES_NO.get(locale.split("-")[0], ("yes", "no"))
        return yes if value else no
    if isinstance(value, int | Decimal):
        text = f"{value:,.2f}" if value != int(value) else f"{value:,.0f}"
        if locale.split("-")[0] in _COMMA_DECIMALS:
            text = text.replace(",", "_").replace(".", ",").replace("_", ".")
        return text
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def render(
    text: Text | None, locale: str, default_locale: str, env: Mapping[str, Value]
) -> str | None:
    """The text in the locale, with `{name}` replaced by the value of `name`."""
    chosen = localize(text, locale, default_locale)
    if chosen is None:
        return None
    pieces = _template(chosen)
    if len(pieces) == 1:
        return chosen
    # Odd pieces are names: "a {x} b" → ("a ", "x", " b").
    return "".join(
        piece if i % 2 == 0 else format_value(env.get(piece, UNKNOWN), locale)
        for i, piece in enumerate(pieces)
    )


@lru_cache(maxsize=4096)
def _template(text: str) -> tuple[str, ...]:
    return tuple(PLACEHOLDER.split(text))
