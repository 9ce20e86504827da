"""Typed AST → Python source of one function per chunk of named values (three-valued, inlined).

The source never contains author text: every name, literal, table and function of the
rule file is bound in the function's namespace under a generated identifier (`c3`,
`t0`, `f1`), values live in locals `v0, v1, …`, and environment keys are read through
those constants. Each construct computes what its closure computes (the reference in
`expressions/interpreter.py`), in the same order and with the same laziness (`if`
evaluates a branch only when the condition does not settle it; `and`/`or` evaluate every
operand), and stores the same sub-expression values in the environment for the
relevance walk, so the environment after a run equals the closures' one.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, DecimalException
from typing import Any

from eligibility.codegen import runtime
from eligibility.codegen.strict import Writer
from eligibility.expressions import nodes as n
from eligibility.expressions.operators import choose
from eligibility.expressions.values import DECIMAL_CONTEXT, UNKNOWN, Failure, same_value

SUPPORTED = (
    n.Literal, n.Name, n.Negate, n.Arith, n.Compare, n.In,
    n.Not, n.And, n.Or, n.If, n.Call, n.Lookup,
)  # fmt: skip


class Unsupported(Exception):
    """The version uses a construct the generator does not write (the closures run it)."""


def runtime_namespace() -> dict[str, Any]:
    """The helpers every generated function may call."""
    return {
        "UNKNOWN": UNKNOWN,
        "Failure": Failure,
        "PENDING": runtime.PENDING,
        "ADD": runtime.ADD,
        "SUBTRACT": runtime.SUBTRACT,
        "MULTIPLY": runtime.MULTIPLY,
        "DecimalException": DecimalException,
        "QUANTIZE": Decimal.quantize,
        "CONTEXT": DECIMAL_CONTEXT,
        "DIVIDE": runtime.DIVIDE,
        "pending": runtime.pending,
        "arithmetic_error": runtime.arithmetic_error,
        "call_error": runtime.call_error,
        "division": runtime.division,
        "rows": runtime.rows,
        "choose": choose,
        "same_value": same_value,
    }


class Chunk(Writer):
    """The source of one function computing some named values in order, and its constants."""

    def named(self, name: str, node: n.Node) -> None:
        """Compute one named value into the environment (and a local for later readers)."""
        value = self.node(node)
        self.emit(f"env[{self.bind(name)}] = {value}")
        self.locals[name] = value

    def returning(self, node: n.Node) -> None:
        """Compute a node and return its value (a check: nothing stored in the environment)."""
        self.emit(f"return {self.node(node)}")

    def source(self, function: str) -> str:
        return "\n".join([f"def {function}(env):", *self.lines, "    return None", ""])

    def node(self, node: n.Node) -> str:
        """Statements computing the node; the local (or constant) holding its value."""
        if not isinstance(node, SUPPORTED):
            raise Unsupported(type(node).__name__)
        method = getattr(self, f"_{type(node).__name__.lower()}")
        value: str = method(node)
        if id(node) in self.keep and not isinstance(node, n.Literal | n.Name):
            self.emit(f"env[{id(node)}] = {value}")
        return value

    def _literal(self, node: n.Literal) -> str:
        return self._constant(node.value)

    def _constant(self, value: Any) -> str:
        found = self.bind(value)
        self.known.add(found)
        return found

    def _name(self, node: n.Name) -> str:
        if node.name in self.locals:
            return self.locals[node.name]
        if node.name in self.constants:
            return self._constant(self.constants[node.name])
        target = self.fresh()
        self.emit(f"{target} = env[{self.bind(node.name)}]")
        self.locals[node.name] = target
        return target

    def _in(self, node: n.In) -> str:
        needle = self.node(node.needle)
        items = [self.node(i) for i in node.items]
        target = self.fresh()
        self.emit(f"if {needle}.__class__ in PENDING:")
        self.emit(f"    {target} = {needle}")
        self.emit("else:")
        self.indent += 1
        found = self._junction([f"same_value({needle}, {v})" for v in items], items, "True")
        self.emit(f"{target} = {found}")
        if node.negated:
            self.emit(f"{target} = (not {target}) if {target}.__class__ is bool else {target}")
        self.indent -= 1
        return target

    def _junction(self, tests: list[str], values: list[str], absorbing: str) -> str:
        """Kleene `or` (absorbing True) or `and` (False) of operands, each known or not."""
        target = self.fresh()
        pairs = zip(tests, values, strict=True)
        parts = [f"({v} if {v}.__class__ in PENDING else {t})" for t, v in pairs]
        self.emit(f"{target} = ({', '.join(parts)},)")
        other = "False" if absorbing == "True" else "True"
        self.emit(
            f"{target} = {absorbing} if {absorbing} in {target} else "
            f"({other} if {target}.count({other}) == {len(parts)} else pending(*{target}))"
        )
        return target

    def _not(self, node: n.Not) -> str:
        value, target = self.node(node.operand), self.fresh()
        self.emit(f"{target} = (not {value}) if {value}.__class__ is bool else {value}")
        return target

    def _and(self, node: n.And) -> str:
        return self._logic([self.node(o) for o in node.operands], "False")

    def _or(self, node: n.Or) -> str:
        return self._logic([self.node(o) for o in node.operands], "True")

    def _logic(self, values: list[str], absorbing: str) -> str:
        target, other = self.fresh(), "True" if absorbing == "False" else "False"
        absorbed = " or ".join(f"{v} is {absorbing}" for v in values)
        settled = " and ".join(f"{v} is {other}" for v in values)
        self.emit(f"if {absorbed}:")
        self.emit(f"    {target} = {absorbing}")
        self.emit(f"elif {settled}:")
        self.emit(f"    {target} = {other}")
        self.emit("else:")
        self.emit(f"    {target} = pending({', '.join(values)})")
        return target

    def _if(self, node: n.If) -> str:
        cond = self.node(node.cond)
        then, otherwise = self.fresh(), self.fresh()
        self.emit(f"if {cond} is not False:")
        self.indent += 1
        self.emit(f"{then} = {self._scoped(node.then)}")
        self.indent -= 1
        self.emit(f"if {cond} is not True:")
        self.indent += 1
        self.emit(f"{otherwise} = {self._scoped(node.otherwise)}")
        self.indent -= 1
        target = self.fresh()
        self.emit(
            f"{target} = {then} if {cond} is True else "
            f"({otherwise} if {cond} is False else choose({cond}, {then}, {otherwise}))"
        )
        return target

    def _scoped(self, node: n.Node) -> str:
        """A branch: what is first read or computed inside it is not known outside it."""
        names, computed = dict(self.locals), dict(self.computed)
        value = self.node(node)
        self.locals, self.computed = names, computed
        return value


def supported(asts: Iterable[n.Node]) -> str | None:
    """The first construct the generator does not write, or None when it writes them all."""
    for ast in asts:
        for node in n.walk(ast):
            if not isinstance(node, SUPPORTED):
                return type(node).__name__
    return None
