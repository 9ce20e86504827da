"""The writer of generated code, and the strict operations (arithmetic, comparison, calls,
table lookups): UNKNOWN or a failure in, the pending value out; otherwise computed.

Each operation takes the usual case directly where the runtime helper would cost more than
the work: a table's row read from one dict, a decimal rounded by one `quantize`, operands of
one class compared with `==`, integers added in Python, a constant divisor not tested for
zero (`fast.py`); everything else goes to the helper, as before. An operation already
written on the same operands in the same scope is not written again (they are pure).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container, Mapping
from decimal import Decimal
from typing import Any

from eligibility.codegen.fast import exponent, flat_rows
from eligibility.expressions import nodes as n
from eligibility.expressions.functions import FUNCTIONS, ROUNDING
from eligibility.model import Table

_ORDER = {"<": "<", "<=": "<=", ">": ">", ">=": ">="}
_INT_OPS = {"+": "+", "-": "-", "*": "*"}
_DECIMAL_OPS = {"+": "ADD", "-": "SUBTRACT", "*": "MULTIPLY"}


class Writer:
    """Lines of one generated function, its constants, and the strict operations it writes."""

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
        # A strict operation already computed on the same operands → the local holding it
        # (operations are pure: the same operands give the same value).
        self.computed: dict[tuple[Any, ...], str] = {}
        self.count = 0
        self.indent = 1
        self._bound: dict[tuple[str, Any], str] = {}
        self._flat: dict[tuple[int, int], tuple[str, tuple[type, ...]] | None] = {}
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

    def _class_is(self, value: str, cls: type) -> str:
        """A test that the value is of exactly that class ("True"/"False" for a constant)."""
        if value in self.known:
            return str(self.namespace[value].__class__ is cls)
        return f"{value}.__class__ is {self.bind(cls)}"

    def _strict(self, values: list[str], target: str) -> None:
        """`if` any operand is not known: the target is the pending value (`else` follows)."""
        test = " or ".join(f"{v}.__class__ in PENDING" for v in values if v not in self.known)
        test = test or "False"
        self.emit(f"if {test}:")
        self.emit(f"    {target} = pending({', '.join(values)})")

    def _fast(self, fast: str, body: list[str], values: list[str], target: str) -> None:
        """`if` the operands are of the usual classes, `body`; `elif` one is not known, the
        pending value (`else` follows: the general case). Without a fast test, `_strict`."""
        if fast == "False":
            self._strict(values, target)
            return
        self.emit(f"if {fast}:")
        for line in body:
            self.emit(f"    {line}")
        test = " or ".join(f"{v}.__class__ in PENDING" for v in values if v not in self.known)
        if test:
            self.emit(f"elif {test}:")
            self.emit(f"    {target} = pending({', '.join(values)})")

    def _computed(self, key: tuple[Any, ...]) -> tuple[str, bool]:
        """The local of a strict operation on these operands, and whether it is computed."""
        found = self.computed.get(key)
        if found is not None:
            return found, True
        target = self.computed[key] = self.fresh()
        return target, False

    def _guarded(self, target: str, call: str, failure: str) -> None:
        """`target = call`, a decimal exception giving the failure (in an `else` block)."""
        self.emit("    try:")
        self.emit(f"        {target} = {call}")
        self.emit("    except DecimalException as error:")
        self.emit(f"        {target} = {failure}")

    @staticmethod
    def _all(tests: list[str]) -> str:
        """The conjunction of class tests, folded where a test is a constant."""
        if "False" in tests:
            return "False"
        return " and ".join(t for t in tests if t != "True") or "True"

    def _negate(self, node: n.Negate) -> str:
        value, target = self.node(node.operand), self.fresh()
        self.emit(f"{target} = {value} if {value}.__class__ in PENDING else -{value}")
        return target

    def _arith(self, node: n.Arith) -> str:
        a, b = self.node(node.left), self.node(node.right)
        target, done = self._computed(("arith", node.op, a, b))
        if done:
            return target
        if node.op == "/":
            return self._division(a, b, target)
        self._strict([a, b], target)
        ints = self._all([self._class_is(a, int), self._class_is(b, int)])
        if ints != "False":
            self.emit(f"elif {ints}:")
            self.emit(f"    {target} = {a} {_INT_OPS[node.op]} {b}")
        self.emit("else:")
        self._guarded(target, f"{_DECIMAL_OPS[node.op]}({a}, {b})", "arithmetic_error(error)")
        return target

    def _division(self, a: str, b: str, target: str) -> str:
        self._strict([a, b], target)
        self.emit("else:")
        if b in self.known and self.namespace[b] != 0:  # a constant divisor: never zero
            self._guarded(target, f"DIVIDE({a}, {b})", "arithmetic_error(error)")
        else:
            self.emit(f"    {target} = division({a}, {b})")
        return target

    def _compare(self, node: n.Compare) -> str:
        a, b = self.node(node.left), self.node(node.right)
        target, done = self._computed(("compare", node.op, a, b))
        if done:
            return target
        self._strict([a, b], target)
        if node.op in _ORDER:
            self.emit("else:")
            self.emit(f"    {target} = {a} {_ORDER[node.op]} {b}")
            return target
        negate = "not " if node.op == "!=" else ""
        # Operands of one class compare as `==` does (same_value only tells bools from numbers)
        same = self._same_class(a, b)
        if same != "False":
            self.emit(f"elif {same}:")
            self.emit(f"    {target} = {negate}{a} == {b}")
        self.emit("else:")
        self.emit(f"    {target} = {negate}same_value({a}, {b})")
        return target

    def _same_class(self, a: str, b: str) -> str:
        if a in self.known and b in self.known:
            return str(self.namespace[a].__class__ is self.namespace[b].__class__)
        if b in self.known:
            return self._class_is(a, self.namespace[b].__class__)
        if a in self.known:
            return self._class_is(b, self.namespace[a].__class__)
        return f"{a}.__class__ is {b}.__class__"

    def _call(self, node: n.Call) -> str:
        args = [self.node(a) for a in node.args]
        target, done = self._computed(("call", node.func, *args))
        if done:
            return target
        impl = self.bind(FUNCTIONS[node.func].impl, "f")
        failure = f"call_error({self.bind(node.func)}, error)"
        mode = ROUNDING.get(node.func)
        if mode is None:
            self._strict(args, target)
        else:  # a decimal rounded by one quantize (an integer stays the function's)
            places = self.namespace[args[1]] if len(args) > 1 else None
            step, how = self.bind(exponent(places)), self.bind(mode)
            rounded = f"QUANTIZE({args[0]}, {step}, {how}, CONTEXT)"
            rounded = rounded if places is not None else f"int({rounded})"
            body = ["try:", f"    {target} = {rounded}", "except DecimalException as error:",
                    f"    {target} = {failure}"]  # fmt: skip
            self._fast(self._class_is(args[0], Decimal), body, args, target)
        self.emit("else:")
        self._guarded(target, f"{impl}({', '.join(args)})", failure)
        return target

    def _lookup(self, node: n.Lookup) -> str:
        keys: list[n.Node] = []
        target_node: n.Node = node
        while isinstance(target_node, n.Lookup):
            keys.insert(0, target_node.key)
            target_node = target_node.target
        assert isinstance(target_node, n.Name)
        values = [self.node(k) for k in keys]
        target, done = self._computed(("lookup", target_node.name, *values))
        if done:
            return target
        table = self.tables[target_node.name]
        where = f"{self.bind(table, 't')}, ({', '.join(values)},), {self.bind(target_node.name)}"
        rows = f"rows({where})"
        flat = self._flat_rows(table, len(values))
        fast, body = "False", []
        if flat is not None:  # keys of the rows' classes: the row read from one dict
            get, classes = flat
            fast = self._all([self._class_is(v, c) for v, c in zip(values, classes, strict=True)])
            key = values[0] if len(values) == 1 else f"({', '.join(values)})"
            body = [f"{target} = {get}({key})", f"if {target} is None:", f"    {target} = {rows}"]
            if len(values) == 1 and table.each_additional is None and table.default is not None:
                # no row and nothing extends the table: its default, as `lookup` gives it
                body = [f"{target} = {get}({key}, {self.bind(table.default)})"]
        self._fast(fast, body, values, target)
        self.emit("else:")
        self.emit(f"    {target} = {rows}")
        return target

    def _flat_rows(self, table: Table, depth: int) -> tuple[str, tuple[type, ...]] | None:
        """The `get` of the table's direct rows, and its keys' classes (see `fast.flat_rows`)."""
        key = (id(table), depth)
        if key not in self._flat:
            made = flat_rows(table, depth)
            self._flat[key] = None if made is None else (self.bind(made[0].get, "f"), made[1])
        return self._flat[key]

    def node(self, node: n.Node) -> str:
        """Statements computing the node; the local (or constant) holding its value."""
        raise NotImplementedError
