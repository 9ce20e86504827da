"""The allowlist of functions: their types and their (three-valued) implementations."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from eligibility.expressions import dates
from eligibility.expressions import nodes as n
from eligibility.expressions.types import Type, describe, is_numeric, unify_numeric
from eligibility.expressions.values import DECIMAL_CONTEXT, Failure, Known

MAX_PLACES = 10

Typer = Callable[[Sequence[Type], Sequence[n.Node]], Type]
Impl = Callable[..., Known | Failure]


@dataclass(frozen=True)
class Function:
    """One allowlisted function: arity, type rule and implementation on known values."""

    name: str
    min_args: int
    max_args: int | None
    typer: Typer
    impl: Impl


class SignatureError(Exception):
    """Arguments do not fit a function (turned into an ExpressionError by the type checker)."""


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise SignatureError(message)


def _places(nodes: Sequence[n.Node], func: str) -> int | None:
    if len(nodes) < 2:
        return None
    places = nodes[1]
    _require(
        isinstance(places, n.Literal)
        and type(places.value) is int
        and 0 <= places.value <= MAX_PLACES,
        f"{func}(x, places): places must be a whole number from 0 to {MAX_PLACES} written out",
    )
    assert isinstance(places, n.Literal) and isinstance(places.value, int)
    return places.value


# The rounding functions and their modes (generated code inlines them: `codegen/source.py`).
ROUNDING = {
    "round": ROUND_HALF_EVEN,
    "round_half_up": ROUND_HALF_UP,
    "floor": ROUND_FLOOR,
    "ceil": ROUND_CEILING,
}


def _rounding_typer(func: str) -> Typer:
    def typer(types: Sequence[Type], nodes: Sequence[n.Node]) -> Type:
        _require(is_numeric(types[0]), f"{func}() needs a number, got {describe(types[0])}")
        places = _places(nodes, func)
        return "integer" if places is None or types[0] == "integer" else "decimal"

    return typer


def _rounding(mode: str) -> Impl:
    def impl(x: int | Decimal, places: int | None = None) -> int | Decimal:
        if isinstance(x, int):
            return x
        exponent = Decimal(1).scaleb(-(places or 0))
        result = x.quantize(exponent, rounding=mode, context=DECIMAL_CONTEXT)
        return int(result) if places is None else result

    return impl


def _numeric_typer(func: str) -> Typer:
    def typer(types: Sequence[Type], nodes: Sequence[n.Node]) -> Type:
        if all(t == "date" for t in types) and func in ("min", "max"):
            return "date"
        for t in types:
            _require(is_numeric(t), f"{func}() needs numbers, got {describe(t)}")
        result: Type = types[0]
        for t in types[1:]:
            result = unify_numeric(result, t)
        return result

    return typer


def _date_typer(func: str, result: Type, arity: int) -> Typer:
    def typer(types: Sequence[Type], nodes: Sequence[n.Node]) -> Type:
        for t in types:
            _require(t == "date", f"{func}() needs {arity} date(s), got {describe(t)}")
        return result

    return typer


def _signature_typer(func: str, result: Type, *expected: Type) -> Typer:
    """A function whose arguments have fixed types, e.g. add_months(a date, a whole number)."""
    words = " and ".join(describe(t) for t in expected)

    def typer(types: Sequence[Type], nodes: Sequence[n.Node]) -> Type:
        for got, want in zip(types, expected, strict=True):
            _require(got == want, f"{func}() needs {words}, got {describe(got)}")
        return result

    return typer


FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        *(
            Function(name, 1, 2, _rounding_typer(name), _rounding(mode))
            for name, mode in ROUNDING.items()
        ),
        Function("min", 2, None, _numeric_typer("min"), min),
        Function("max", 2, None, _numeric_typer("max"), max),
        Function("abs", 1, 1, _numeric_typer("abs"), abs),
        Function("year", 1, 1, _date_typer("year", "integer", 1), lambda d: d.year),
        Function("month", 1, 1, _date_typer("month", "integer", 1), lambda d: d.month),
        Function("day", 1, 1, _date_typer("day", "integer", 1), lambda d: d.day),
        Function(
            "start_of_month",
            1,
            1,
            _date_typer("start_of_month", "date", 1),
            lambda d: d.replace(day=1),
        ),
        Function(
            "end_of_month", 1, 1, _date_typer("end_of_month", "date", 1), dates.end_of_month
        ),
        Function(
            "add_months",
            2,
            2,
            _signature_typer("add_months", "date", "date", "integer"),
            dates.add_months,
        ),
        Function(
            "add_days",
            2,
            2,
            _signature_typer("add_days", "date", "date", "integer"),
            dates.add_days,
        ),
        Function(
            "months_between",
            2,
            2,
            _date_typer("months_between", "integer", 2),
            dates.months_between,
        ),
        Function("age", 2, 2, _date_typer("age", "integer", 2), dates.age),
        Function(
            "age_completed_on",
            2,
            2,
            _signature_typer("age_completed_on", "date", "date", "integer"),
            dates.age_completed_on,
        ),
        Function(
            "days_between",
            2,
            2,
            _date_typer("days_between", "integer", 2),
            lambda a, b: (b - a).days,
        ),
    )
}
