"""Static type checking of an AST against the names a rule set defines."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from eligibility.errors import ExpressionError
from eligibility.expressions import nodes as n
from eligibility.expressions.functions import FUNCTIONS, SignatureError
from eligibility.expressions.types import (
    TableType,
    Type,
    compatible,
    describe,
    is_numeric,
    unify_numeric,
)

MAX_NODES = 500  # sub-expressions in one expression


@dataclass(frozen=True)
class Scope:
    """What an expression may refer to: names with their types, and enum options."""

    types: Mapping[str, Type]
    options: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    collections: Mapping[str, Scope] = field(default_factory=dict)
    parent: Scope | None = None

    def up(self, levels: int) -> Scope:
        """The scope of the entity `levels` above this one."""
        scope = self
        for _ in range(levels):
            assert scope.parent is not None  # resolved references never go above the root
            scope = scope.parent
        return scope


def suggest(word: str, candidates: object) -> str | None:
    """The closest candidate to a misspelt word, if one is close enough."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)  # type: ignore[call-overload]
    return matches[0] if matches else None


def _fail(node: n.Node, message: str, suggestion: str | None = None) -> ExpressionError:
    return ExpressionError(message, node.pos[0], node.pos[1], suggestion)


class _Checker:
    """Computes the type of each node, raising ExpressionError on the first mismatch."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def check(self, node: n.Node) -> Type:
        method = getattr(self, f"_{type(node).__name__.lower()}")
        result: Type = method(node)
        return result

    def scalar(self, node: n.Node) -> str:
        t = self.check(node)
        if isinstance(t, TableType):
            raise _fail(
                node, f"{_name_of(node)} is a table; look up a row with {_name_of(node)}[key]"
            )
        return t

    def expect(self, node: n.Node, wanted: str, role: str) -> None:
        t = self.scalar(node)
        if t != wanted and not (wanted == "decimal" and is_numeric(t)):
            raise _fail(node, f"{role} must be {describe(wanted)}, got {describe(t)}")

    def _literal(self, node: n.Literal) -> Type:
        return type_of(node.value)

    def _name(self, node: n.Name) -> Type:
        if node.name in self.scope.types:
            return self.scope.types[node.name]
        hint = suggest(node.name, self.scope.types)
        raise _fail(node, f"unknown name '{node.name}'", hint)

    def _negate(self, node: n.Negate) -> Type:
        t = self.scalar(node.operand)
        if not is_numeric(t):
            raise _fail(node, f"'-' needs a number, got {describe(t)}")
        return t

    def _arith(self, node: n.Arith) -> Type:
        left, right = self.scalar(node.left), self.scalar(node.right)
        if not (is_numeric(left) and is_numeric(right)):
            bad = left if not is_numeric(left) else right
            raise _fail(node, f"'{node.op}' needs numbers on both sides, got {describe(bad)}")
        return "decimal" if node.op == "/" else unify_numeric(left, right)

    def _compare(self, node: n.Compare) -> Type:
        left, right = self.scalar(node.left), self.scalar(node.right)
        if not compatible(left, right):
            raise _fail(node, f"cannot compare {describe(left)} with {describe(right)}")
        if node.op not in ("=", "!=") and not (is_numeric(left) or left == "date"):
            raise _fail(node, f"'{node.op}' compares numbers or dates, not {describe(left)}")
        self._check_options(node.left, node.right)
        self._check_options(node.right, node.left)
        return "boolean"

    def _in(self, node: n.In) -> Type:
        needle = self.scalar(node.needle)
        for item in node.items:
            t = self.scalar(item)
            if not compatible(needle, t):
                raise _fail(item, f"cannot compare {describe(needle)} with {describe(t)}")
            self._check_options(node.needle, item)
        return "boolean"

    def _check_options(self, named: n.Node, literal: n.Node) -> None:
        if not (isinstance(named, n.Name) and isinstance(literal, n.Literal)):
            return
        options = self.scope.options.get(named.name)
        if options and literal.value not in options:
            hint = suggest(str(literal.value), options)
            raise _fail(literal, f"'{literal.value}' is not an option of {named.name}", hint)

    def _not(self, node: n.Not) -> Type:
        self.expect(node.operand, "boolean", "the operand of 'not'")
        return "boolean"

    def _and(self, node: n.And) -> Type:
        for operand in node.operands:
            self.expect(operand, "boolean", "each side of 'and'")
        return "boolean"

    def _or(self, node: n.Or) -> Type:
        for operand in node.operands:
            self.expect(operand, "boolean", "each side of 'or'")
        return "boolean"

    def _if(self, node: n.If) -> Type:
        self.expect(node.cond, "boolean", "the condition after 'if'")
        then, otherwise = self.scalar(node.then), self.scalar(node.otherwise)
        if not compatible(then, otherwise):
            raise _fail(
                node,
                f"'then' gives {describe(then)} but 'else' gives {describe(otherwise)}",
            )
        return unify_numeric(then, otherwise) if is_numeric(then) else then

    def _call(self, node: n.Call) -> Type:
        function = FUNCTIONS.get(node.func)
        if function is None:
            raise _fail(node, f"unknown function '{node.func}'", suggest(node.func, FUNCTIONS))
        count = len(node.args)
        if count < function.min_args or (
            function.max_args is not None and count > function.max_args
        ):
            raise _fail(node, f"{node.func}() cannot take {count} argument(s)")
        types = [self.scalar(arg) for arg in node.args]
        try:
            return function.typer(types, node.args)
        except SignatureError as error:
            raise _fail(node, str(error)) from None

    def _parentref(self, node: n.ParentRef) -> Type:
        return _Checker(self.scope.up(node.up))._name(n.Name(node.name, pos=node.pos))

    def _aggregate(self, node: n.Aggregate) -> Type:
        inner = _Checker(self.scope.collections[node.collection])
        if node.filter is not None:
            inner.expect(node.filter, "boolean", f"the filter of {node.func}()")
        if node.value is None:
            return "integer"
        if node.func in ("any", "all"):
            inner.expect(node.value, "boolean", f"what {node.func}() tests")
            return "boolean"
        found = inner.scalar(node.value)
        if not (is_numeric(found) or (found == "date" and node.func != "sum")):
            kinds = "numbers" if node.func == "sum" else "numbers or dates"
            raise _fail(node.value, f"{node.func}() takes {kinds}, got {describe(found)}")
        return found

    def _lookup(self, node: n.Lookup) -> Type:
        table = self.check(node.target)
        if not isinstance(table, TableType):
            raise _fail(node, f"{_name_of(node.target)} is not a table; only tables have rows")
        key = self.scalar(node.key)
        if key != table.key:
            raise _fail(
                node.key,
                f"rows of {_name_of(node.target)} are looked up by {describe(table.key)}, "
                f"got {describe(key)}",
            )
        return table.value


def type_of(value: object) -> str:
    """The language type of a known Python value."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, Decimal):
        return "decimal"
    return "string" if isinstance(value, str) else "date"


def _name_of(node: n.Node) -> str:
    if isinstance(node, n.Name):
        return node.name
    if isinstance(node, n.Lookup):
        return f"{_name_of(node.target)}[…]"
    return "this value"


def typecheck(node: n.Node, scope: Scope) -> Type:
    """The type of the expression (a value, never a whole table), or ExpressionError."""
    if len(n.walk(node)) > MAX_NODES:
        raise ExpressionError(f"the expression has more than {MAX_NODES} parts; split it up")
    return _Checker(scope).scalar(node)
