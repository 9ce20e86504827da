"""AST → Python closures that evaluate with Kleene three-valued logic.

Each node compiles once, at load time, into a closure over the per-evaluation
environment (name → value). The closures apply the operators of `operators.py`
(Kleene logic, exact arithmetic, table rows) and the aggregates of `aggregates.py`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Container, Mapping
from decimal import DecimalException
from typing import Any

from eligibility.expressions import aggregates as agg
from eligibility.expressions import nodes as n
from eligibility.expressions.functions import FUNCTIONS
from eligibility.expressions.operators import (
    arithmetic,
    choose,
    conjunction,
    disjunction,
    lookup,
    strict,
)
from eligibility.expressions.values import Failure, Value, same_value
from eligibility.model import Table

# name → value, and id(node) → value for every evaluated sub-expression (read by the relevance walk)
Env = dict[Any, Value]
Evaluator = Callable[[Env], Value]

_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


class Compiler:
    """Compiles AST nodes to closures; tables are resolved once, here."""

    def __init__(
        self,
        tables: Mapping[str, Table],
        closures: dict[int, Evaluator] | None = None,
        keep: Container[int] = (),
    ) -> None:
        self.tables = tables
        self.closures = closures if closures is not None else {}
        self.keep = keep

    def compile(self, node: n.Node) -> Evaluator:
        method: Callable[[n.Node], Evaluator] = getattr(self, f"_{type(node).__name__.lower()}")
        closure = method(node)
        if id(node) in self.keep and not isinstance(node, n.Literal | n.Name):
            closure = _storing(id(node), closure)
        self.closures[id(node)] = closure
        return closure

    def _literal(self, node: n.Literal) -> Evaluator:
        value = node.value
        return lambda env: value

    def _name(self, node: n.Name) -> Evaluator:
        name = node.name
        return lambda env: env[name]

    def _negate(self, node: n.Negate) -> Evaluator:
        operand = self.compile(node.operand)

        def run(env: Env) -> Value:
            value = operand(env)
            return value if strict((value,)) is not None else -value  # type: ignore[operator]

        return run

    def _arith(self, node: n.Arith) -> Evaluator:
        left, right, op = self.compile(node.left), self.compile(node.right), node.op

        def run(env: Env) -> Value:
            a, b = left(env), right(env)
            pending = strict((a, b))
            return arithmetic(op, a, b) if pending is None else pending  # type: ignore[arg-type]

        return run

    def _compare(self, node: n.Compare) -> Evaluator:
        left, right, op = self.compile(node.left), self.compile(node.right), node.op
        test = _COMPARE.get(op)

        def run(env: Env) -> Value:
            a, b = left(env), right(env)
            pending = strict((a, b))
            if pending is not None:
                return pending
            if test is not None:
                return bool(test(a, b))
            return same_value(a, b) == (op == "=")

        return run

    def _in(self, node: n.In) -> Evaluator:
        needle = self.compile(node.needle)
        items = [self.compile(i) for i in node.items]
        negated = node.negated

        def run(env: Env) -> Value:
            value, candidates = needle(env), [i(env) for i in items]
            pending = strict((value,))
            if pending is not None:
                return pending
            found = disjunction(
                [same_value(value, v) if strict((v,)) is None else v for v in candidates]
            )
            return (not found) if negated and isinstance(found, bool) else found

        return run

    def _not(self, node: n.Not) -> Evaluator:
        operand = self.compile(node.operand)

        def run(env: Env) -> Value:
            value = operand(env)
            return (not value) if isinstance(value, bool) else value

        return run

    def _and(self, node: n.And) -> Evaluator:
        operands = [self.compile(o) for o in node.operands]
        return lambda env: conjunction([o(env) for o in operands])

    def _or(self, node: n.Or) -> Evaluator:
        operands = [self.compile(o) for o in node.operands]
        return lambda env: disjunction([o(env) for o in operands])

    def _if(self, node: n.If) -> Evaluator:
        cond, then, otherwise = (self.compile(c) for c in (node.cond, node.then, node.otherwise))

        def run(env: Env) -> Value:
            test = cond(env)
            if test is True:
                return then(env)
            if test is False:
                return otherwise(env)
            return choose(test, then(env), otherwise(env))

        return run

    def _call(self, node: n.Call) -> Evaluator:
        impl = FUNCTIONS[node.func].impl
        args = [self.compile(a) for a in node.args]

        def run(env: Env) -> Value:
            values = [a(env) for a in args]
            pending = strict(values)
            if pending is not None:
                return pending
            try:
                return impl(*values)
            except DecimalException as error:
                return Failure(f"{node.func}(): {type(error).__name__}")

        return run

    def _parentref(self, node: n.ParentRef) -> Evaluator:
        return agg.parent_reader(node.up, node.name)

    def _aggregate(self, node: n.Aggregate) -> Evaluator:
        keep = self.compile(node.filter) if node.filter is not None else None
        read = self.compile(node.value) if node.value is not None else None
        return agg.evaluator(node.func, agg.collection_key(node.collection), read, keep)

    def _lookup(self, node: n.Lookup) -> Evaluator:
        keys: list[Evaluator] = []
        target: n.Node = node
        while isinstance(target, n.Lookup):
            keys.insert(0, self.compile(target.key))
            target = target.target
        assert isinstance(target, n.Name)
        name, table = target.name, self.tables[target.name]

        def run(env: Env) -> Value:
            values = [key(env) for key in keys]  # all of them: the relevance walk reads each
            pending = strict(values)
            if pending is not None:
                return pending
            row: Value | Table = table
            for value in values:
                assert isinstance(row, Table)
                row = lookup(row, value, name)
                if isinstance(row, Failure):
                    return row
            assert not isinstance(row, Table)
            return row

        return run


def _storing(key: int, closure: Evaluator) -> Evaluator:
    """Wrap a closure so its value is kept in the environment under the node's id."""

    def run(env: Env) -> Value:
        value = env[key] = closure(env)
        return value

    return run


def compile_expression(
    node: n.Node,
    tables: Mapping[str, Table],
    closures: dict[int, Evaluator] | None = None,
    keep: Container[int] = (),
) -> Evaluator:
    """Compile one type-checked AST into a closure; `closures` collects every sub-node's.

    The values of the nodes in `keep` are also kept in the environment under `id(node)`,
    for the relevance walk to read.
    """
    return Compiler(tables, closures, keep).compile(node)
