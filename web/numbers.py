"""Numbers, amounts and dates as a claimant reads and types them, in English, German or Spanish."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

NBSP = "\u00a0"
# Languages that write 1.234,50 (the others write 1,234.50).
COMMA_DECIMALS = frozenset({"de", "es"})
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}
MONTHS = {
    "en": "January February March April May June July August September October November December",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre",
}
_GROUPED = re.compile(r"^\d{1,3}(\d{3})*$")


def language(locale: str) -> str:
    """The language part of a locale tag (`de-AT` → `de`)."""
    return locale.split("-")[0].lower()


def _separators(locale: str) -> tuple[str, str]:
    """(decimal mark, group separator) of a language."""
    return (",", ".") if language(locale) in COMMA_DECIMALS else (".", ",")


def format_number(value: Decimal | int, locale: str, places: int | None = None) -> str:
    """`1234.5` → `1,234.50` (en) or `1.234,50` (de), with `places` decimals if given."""
    number = Decimal(value)
    text = f"{number:,.{places}f}" if places is not None else f"{number:,f}"
    mark, group = _separators(locale)
    return text.replace(",", "\0").replace(".", mark).replace("\0", group)


def format_amount(value: Decimal | int, currency: str | None, locale: str) -> str:
    """An amount with its currency: `$1,234.50`, `1.234,50 €`; whole amounts without cents."""
    number = Decimal(value)
    places = 0 if number == number.to_integral_value() else 2
    text = format_number(number, locale, places)
    if currency is None:
        return text
    symbol = SYMBOLS.get(currency, currency)
    if language(locale) == "en":
        return f"-{symbol}{text[1:]}" if text.startswith("-") else f"{symbol}{text}"
    return f"{text}{NBSP}{symbol}"


def format_share(value: Decimal | int, locale: str) -> str:
    """A share as a percentage: `0.60` → `60 %` (`60%` in English)."""
    percent = (Decimal(value) * 100).normalize()
    text = format_number(percent, locale, decimal_places(percent))
    return f"{text}%" if language(locale) == "en" else f"{text}{NBSP}%"


def format_date(day: dt.date, locale: str) -> str:
    """`1 April 2020`, `1. April 2020`, `1 de abril de 2020`."""
    month = MONTHS.get(language(locale), MONTHS["en"]).split()[day.month - 1]
    if language(locale) == "de":
        return f"{day.day}. {month} {day.year}"
    if language(locale) == "es":
        return f"{day.day} de {month} de {day.year}"
    return f"{day.day} {month} {day.year}"


def parse_number(text: str, locale: str) -> Decimal | None:
    """A number as typed (`1,234.50` in English, `1.234,50` in German), or None if it is not one.

    The language's decimal mark is always decimal; its group separator only groups whole
    thousands (so `1.5` typed in German is one and a half, not fifteen).
    """
    cleaned = re.sub(r"[\s\u00a0\u202f_'€$£]", "", text)
    mark, group = _separators(locale)
    whole, _, fraction = cleaned.partition(mark)
    if group in whole:
        sign = whole[:1] if whole[:1] in "+-" else ""
        if not _GROUPED.match(whole[len(sign) :].replace(group, "")) or not all(
            len(part) == 3 for part in whole[len(sign) :].split(group)[1:]
        ):
            if fraction or whole.count(group) > 1:
                return None
            whole, fraction = whole.split(group)  # a lone foreign mark: `1.5` in German
        whole = whole.replace(group, "")
    candidate = f"{whole}.{fraction}" if fraction else whole
    if not re.fullmatch(r"[+-]?\d+(\.\d+)?", candidate):
        return None
    try:
        return Decimal(candidate)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only numbers
        return None


def decimal_places(number: Decimal) -> int:
    """How many decimals a typed number has (`12.50` → 2)."""
    exponent = number.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0
