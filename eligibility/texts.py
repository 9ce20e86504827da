"""Localized texts with quoted values: `"Of your {employees} employees…"`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from eligibility.compiler import PLACEHOLDER, CompiledRuleSet
from eligibility.expressions.aggregates import PARENT
from eligibility.expressions.values import UNKNOWN, Failure, Value
from eligibility.model import Text, localize
from eligibility.money import Money, format_amount

_YES_NO = {"de": ("ja", "nein"), "es": ("sí", "no"), "fr": ("oui", "non")}
_WHY = {
    "en": "We ask this because {reference} requires it.",
    "de": "Wir fragen dies, weil {reference} es verlangt.",
    "es": "Lo preguntamos porque {reference} lo exige.",
}
_TO_WORK_OUT = {
    "en": "We ask this to work out “{label}”.",
    "de": "Wir fragen dies, um „{label}“ zu ermitteln.",
    "es": "Lo preguntamos para determinar «{label}».",
}
_COMMA_DECIMALS = {"de", "es", "fr"}


def default_why(reference: str, locale: str) -> str:
    """The fallback "why" of a rule without its own text."""
    template = _WHY.get(locale.split("-")[0], _WHY["en"])
    return template.format(reference=reference)


# (content hash, rule or goal, language) → why_asked's answer: a constant of the version,
# asked for every next question of every evaluation. Cleared when full (bounded memory).
_WHYS: dict[tuple[str, str, str], tuple[str | None, str]] = {}
MAX_WHYS = 50_000


def why_asked(
    compiled: CompiledRuleSet, name: str, locale: str, scope: Any = None
) -> tuple[str | None, str]:
    """Why a question feeding the rule or goal `name` is asked: (legal reference, a sentence).

    The rule's or goal's own `why`; else "We ask this because <reference> requires it", from
    the rule's reference, the goal's, or the version's first legal basis; never a bare label.
    Worked out once per version (by content hash), rule or goal, and language.
    """
    if scope is not None:  # a collection's rule: names are the collection's own
        return _why_asked(compiled, name, locale, scope)
    key = (compiled.content_hash, name, locale)
    found = _WHYS.get(key)
    if found is None:
        if len(_WHYS) >= MAX_WHYS:
            _WHYS.clear()
        found = _WHYS[key] = _why_asked(compiled, name, locale, None)
    return found


def _why_asked(
    compiled: CompiledRuleSet, name: str, locale: str, scope: Any
) -> tuple[str | None, str]:
    default = compiled.ruleset.default_locale
    owner = scope if scope is not None else compiled  # a collection's rules and goals
    rule = owner.rules_by_id.get(name)
    if rule is not None:
        own = localize(rule.why, locale, default)
        return rule.legal_reference, own or default_why(rule.legal_reference, locale)
    goal = owner.goals_by_id[name]
    basis = compiled.ruleset.legal_basis
    reference = goal.legal_reference or (basis[0].reference if basis else None)
    own = localize(goal.why, locale, default)
    if own or reference:
        return reference, own or default_why(reference or "", locale)
    label = localize(goal.label, locale, default) or name
    return None, _TO_WORK_OUT.get(locale.split("-")[0], _TO_WORK_OUT["en"]).format(label=label)


def format_value(value: Value, locale: str, money: Money | None = None) -> str:
    """A value as a claimant reads it (an amount with its declared scale and currency)."""
    kind = type(value)  # the common exact types first; anything else takes the long way
    if kind is str:
        return value  # type: ignore[return-value]
    if kind is int or kind is Decimal:
        if money is not None:
            return format_amount(value, money, locale)  # type: ignore[arg-type]
        return _number(value, locale)  # type: ignore[arg-type]
    return _format_other(value, locale, money)


def _format_other(value: Value, locale: str, money: Money | None) -> str:
    if value is UNKNOWN or isinstance(value, Failure):
        return "?"
    if money is not None and isinstance(value, int | Decimal) and not isinstance(value, bool):
        return format_amount(value, money, locale)
    if isinstance(value, bool):
        yes, no = _YES_NO.get(locale.split("-")[0], ("yes", "no"))
        return yes if value else no
    if isinstance(value, int | Decimal):
        return _number(value, locale)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _number(value: int | Decimal, locale: str) -> str:
    text = f"{value:,.2f}" if value != int(value) else f"{value:,.0f}"
    if locale.split("-")[0] in _COMMA_DECIMALS:
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text


def quotes_a_value(text: Text | None, locale: str, default_locale: str) -> bool:
    """Whether the text, in the language `render` picks, quotes a value (`{name}`)."""
    chosen = localize(text, locale, default_locale)
    return chosen is not None and PLACEHOLDER.search(chosen) is not None


def render(
    text: Text | None,
    locale: str,
    default_locale: str,
    env: Mapping[str, Value],
    money: Mapping[str, Money] | None = None,
    parents: tuple[str, ...] = (),
) -> str | None:
    """The text in the locale, with `{name}` replaced by the value of `name`.

    `money` gives the declared currency and scale of the names that are amounts; in an
    instance, `parents` names the enclosing entities (nearest first) for `{household.state}`.
    """
    if text and locale in text:  # what localize picks first, without its list of keys
        chosen: str | None = text[locale]
    else:
        chosen = localize(text, locale, default_locale)
    if chosen is None:
        return None
    pieces = _template(chosen)
    if len(pieces) == 1:
        return chosen
    declared = money or _NO_MONEY
    # Odd pieces are names: "a {x} b" → ("a ", "x", " b").
    written = list(pieces)
    for at in range(1, len(written), 2):
        name = written[at]
        if "." in name:
            written[at] = _quoted(name, env, parents, locale, declared)
        else:  # the entity's own value (what _quoted does first), without its partition
            written[at] = format_value(env.get(name, UNKNOWN), locale, declared.get(name))
    return "".join(written)


_NO_MONEY: Mapping[str, Money] = {}


def _quoted(
    name: str,
    env: Mapping[Any, Value],
    parents: tuple[str, ...],
    locale: str,
    money: Mapping[str, Money],
) -> str:
    """One quoted value: the entity's own, or an enclosing entity's (`household.state`)."""
    entity, dot, own = name.partition(".")
    if not dot:
        return format_value(env.get(name, UNKNOWN), locale, money.get(name))
    if entity not in parents:  # the compiler refuses it; a text is never worth a crash
        return format_value(UNKNOWN, locale)
    up = parents.index(entity) + 1
    for _ in range(up):
        env = env[PARENT]  # type: ignore[assignment]
    declared = money.get(own) if up == len(parents) else None  # amounts declared at the root
    return format_value(env.get(own, UNKNOWN), locale, declared)


@dataclass(frozen=True)
class Texts:
    """The texts of one evaluation: its language, values and the amounts' declarations."""

    locale: str
    default_locale: str
    env: Mapping[str, Value]
    money: Mapping[str, Money]
    parents: tuple[str, ...] = ()  # in an instance: the enclosing entities, nearest first

    @classmethod
    def of(
        cls, locale: str, default_locale: str, env: Mapping[str, Value], money: Mapping[str, Money]
    ) -> Texts:
        """The root's texts, made without `__init__` (a setattr per field): one per evaluation."""
        made = object.__new__(cls)
        made.__dict__.update(
            locale=locale, default_locale=default_locale, env=env, money=money, parents=()
        )
        return made

    def render(self, text: Text | None) -> str | None:
        """A text in this evaluation's language with its quoted values."""
        return render(text, self.locale, self.default_locale, self.env, self.money, self.parents)

    def within(self, env: Mapping[Any, Value], parents: tuple[str, ...]) -> Texts:
        """The same texts with the values of one instance (`parents`: its enclosing entities)."""
        return Texts(self.locale, self.default_locale, env, self.money, parents)


@lru_cache(maxsize=4096)
def _template(text: str) -> tuple[str, ...]:
    return tuple(PLACEHOLDER.split(text))
