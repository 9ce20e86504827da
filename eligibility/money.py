"""Amounts: a question's or goal's declared currency and scale, and how an amount is written.

An amount is a number (decimal or integer) whose question or goal declares a `currency`
(an ISO 4217 code) or, for a decimal goal, `decimal_places`. Its value is shown with its
scale: zeros are added (`250` → `250.00`), never taken away — a value with more places
than declared is shown as it is, because rounding is the rule's business (`round`), not
the display's. Nothing is ever converted through float.

Old versions declare neither, so what they produce (and the decisions recorded under
them) is written exactly as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Context, Decimal, getcontext

from eligibility.model import Goal, Question

DEFAULT_PLACES = 2  # a currency without declared decimal places: cents
_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}
_COMMA_DECIMALS = frozenset({"de", "es", "fr", "it", "nl", "pt"})


@dataclass(frozen=True)
class Money:
    """How a question's or goal's amounts are written: currency (if any) and decimal places."""

    currency: str | None
    places: int | None


def money_of(item: Question | Goal) -> Money | None:
    """The declared currency and scale of a question or goal; None when it declares neither."""
    currency = item.currency
    declared = item.decimal_places if isinstance(item, Goal) else None
    if currency is None and declared is None:
        return None
    if item.type == "integer":
        return Money(currency, 0)
    places = item.decimal_places if item.decimal_places is not None else DEFAULT_PLACES
    return Money(currency, places)


def amounts(items: Iterable[Question | Goal]) -> dict[str, Money]:
    """The declared money of every question and goal that has one, by id."""
    return {item.id: found for item in items if (found := money_of(item)) is not None}


def scaled(value: Decimal, places: int | None) -> Decimal:
    """`value` with at least `places` decimal places (zeros added, never rounded)."""
    if places is None or not value.is_finite():
        return value
    digits, exponent = value.as_tuple()[1:]
    if isinstance(exponent, int) and -exponent >= places:
        return value
    # Only zeros are added, so the result needs its digits and the places: a context that
    # holds them all (the default 28 digits refuse a large amount with InvalidOperation).
    room = _room(max(len(digits) + places + 1, getcontext().prec))
    return value.quantize(_step(places), context=room)


def _room(prec: int) -> Context:
    """A context of that precision, made once (making one costs more than the quantize)."""
    found = _ROOMS.get(prec)
    if found is None:
        found = _ROOMS[prec] = Context(prec=prec)
    return found


def _step(places: int) -> Decimal:
    """10 ** -places, made once."""
    found = _STEPS.get(places)
    if found is None:
        found = _STEPS[places] = Decimal(1).scaleb(-places)
    return found


# Made once each: contexts by precision and steps by places, a few dozen at most (the digits
# of an amount, the places a version declares).
_ROOMS: dict[int, Context] = {}
_STEPS: dict[int, Decimal] = {}


def scale_answers(answers: dict[str, object], money: Mapping[str, Money]) -> dict[str, object]:
    """Answers with the amounts of money questions at their scale (`answers` itself when
    none of them answers a money question: most claims' answers, on the hot path)."""
    if money.keys().isdisjoint(answers):
        return answers
    return {
        qid: scaled(value, money[qid].places)
        if qid in money and isinstance(value, Decimal)
        else value
        for qid, value in answers.items()
    }


def format_amount(value: Decimal | int, money: Money, locale: str) -> str:
    """An amount as a claimant reads it: `$1,234.50`, `1.234,50 €`, `1,234.50 CHF`."""
    number = scaled(Decimal(value), money.places)
    places = max(-int(number.as_tuple().exponent), 0)
    text = f"{abs(number):,.{places}f}"
    language = locale.split("-")[0].lower()
    if language in _COMMA_DECIMALS:
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    sign = "-" if number < 0 else ""
    if money.currency is None:
        return sign + text
    symbol = _SYMBOLS.get(money.currency)
    if symbol is not None and language == "en":
        return f"{sign}{symbol}{text}"
    return f"{sign}{text}\u00a0{symbol or money.currency}"
