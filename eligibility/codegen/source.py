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

import datetime as dt
from collections.abc import Container, Iterable, Mapping
from decimal import Decimal, DecimalException
from typing import Any

from eligibility.codegen import runtime
from eligibility.expressions import nodes as n
from eligibility.expressions.functions import FUNCTIONS
from eligibility.expressions.operators import choose
from eligibility.expressions.values import UNKNOWN, Failure, same_value
from eligibility.model import Table

SUPPORTED = (
    n.Literal, n.Name, n.Negate, n.Arith, n.Compare, n.In,
    n.Not, n.And, n.Or, n.If, n.Call, n.Lookup,
)  # fmt: skip
_ORDER = {"<": "<", "<=": "<=", ">": ">", ">=": ">="}
_INT_OPS = {"+": "+", "-": "-", "*": "*"}
_DECIMAL_OPS = {"+": "ADD", "-": "SUBTRACT", "*": "MULTIPLY"}


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
        "pending": runtime.pending,
        "arithmetic_error": runtime.arithmetic_error,
        "call_error": runtime.call_error,
        "division": runtime.division,
        "rows": runtime.rows,
        "choose": choose,
        "same_value": same_value,
    }


class Chunk:
    """The source of one function computing some named values in order, and its constants."""

    def __init__(
        self,
        namespace: dict[str, Any],
        tables: Mapping[str, Table],
        constants: Mapping[str, Any],
        keep: Container[int],
    ) -> None:
        self.namespace = namespace
        self.tables, self.constants, self.keep = tables, constants, keep
        self.lines: list[str] = []
        self.locals: dict[str, str] = {}  # env name → local holding its value in this chunk
        self.count = 0
        self.indent = 1
        self._bound: dict[tuple[str, Any], str] = {}
        self.known: set[str] = set()  # identifiers of constants: never UNKNOWN nor a Failure

    def bind(self, value: Any, prefix: str = "c") -> str:
        """A namespace identifier for a value of the rule file (never written into the source)."""
        # Literals by type and text (1.0 and 1.00 are equal but print differently); the rest
        # (tables, functions) by identity, held alive by the namespace.
        literal = isinstance(value, bool | int | str | Decimal | dt.date)
        key = (type(value).__name__, repr(value)) if literal else ("id", id(value))
        found = self._bound.get(key)
        if found is None:
            found = f"{prefix}{len(self.namespace)}"
            self.namespace[found] = value
            self._bound[key] = found
        return found

    def emit(self, line: str) -> None:
        self.lines.append("    " * self.indent + line)

    def fresh(self) -> str:
        self.count += 1
        return f"v{self.count}"

    def named(self, name: str, node: n.Node) -> None:
        """Compute one named value into the environment (and a local for later readers)."""
        value = self.node(node)
        self.emit(f"env[{self.bind(name)}] = {value}")
        self.locals[name] = value

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

    def _strict(self, values: list[str], target: str) -> None:
        """`if` any operand is not known: the target is the pending value (`else` follows)."""
        test = " or ".join(f"{v}.__class__ in PENDING" for v in values if v not in self.known)
        test = test or "False"
        self.emit(f"if {test}:")
        self.emit(f"    {target} = pending({', '.join(values)})")

    def _negate(self, node: n.Negate) -> str:
        value, target = self.node(node.operand), self.fresh()
        self.emit(f"{target} = {value} if {value}.__class__ in PENDING else -{value}")
        return target

    def _arith(self, node: n.Arith) -> str:
        a, b = self.node(node.left), self.node(node.right)
        target = self.fresh()
        self._strict([a, b], target)
        if node.op == "/":
            self.emit("else:")
            self.emit(f"    {target} = division({a}, {b})")
            return target
        self.emit(f"elif {a}.__class__ is int and {b}.__class__ is int:")
        self.emit(f"    {target} = {a} {_INT_OPS[node.op]} {b}")
        self.emit("else:")
        self.emit("    try:")
        self.emit(f"        {target} = {_DECIMAL_OPS[node.op]}({a}, {b})")
        self.emit("    except DecimalException as error:")
        self.emit(f"        {target} = arithmetic_error(error)")
        return target

    def _compare(self, node: n.Compare) -> str:
        a, b = self.node(node.left), self.node(node.right)
        target = self.fresh()
        self._strict([a, b], target)
        self.emit("else:")
        if node.op in _ORDER:
            self.emit(f"    {target} = {a} {_ORDER[node.op]} {b}")
        else:
            negate = "not " if node.op == "!=" else ""
            self.emit(f"    {target} = {negate}same_value({a}, {b})")
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
        """A branch: names first read inside it are not known to be read outside it."""
        before = dict(self.locals)
        value = self.node(node)
        self.locals = before
        return value

    def _call(self, node: n.Call) -> str:
        args = [self.node(a) for a in node.args]
        impl = self.bind(FUNCTIONS[node.func].impl, "f")
        target = self.fresh()
        self._strict(args, target)
        self.emit("else:")
        self.emit("    try:")
        self.emit(f"        {target} = {impl}({', '.join(args)})")
        self.emit("    except DecimalException as error:")
        self.emit(f"        {target} = call_error({self.bind(node.func)}, error)")
        return target

    def _lookup(self, node: n.Lookup) -> str:
        keys: list[n.Node] = []
        target_node: n.Node = node
        while isinstance(target_node, n.Lookup):
            keys.insert(0, target_node.key)
            target_node = target_node.target
        assert isinstance(target_node, n.Name)
        values = [self.node(k) for k in keys]
        table = self.bind(self.tables[target_node.name], "t")
        target = self.fresh()
        self._strict(values, target)
        self.emit("else:")
        self.emit(
            f"    {target} = rows({table}, ({', '.join(values)},), {self.bind(target_node.name)})"
        )
        return target


def supported(asts: Iterable[n.Node]) -> str | None:
    """The first construct the generator does not write, or None when it writes them all."""
    for ast in asts:
        for node in n.walk(ast):
            if not isinstance(node, SUPPORTED):
                return type(node).__name__
    return None
