"""Compiling the root entity: scope and problems, every expression parsed, ordered and typed."""

from __future__ import annotations

from eligibility.errors import ExpressionError, Problem
from eligibility.expressions import nodes as n
from eligibility.expressions.parser import parse
from eligibility.expressions.typecheck import Scope, typecheck
from eligibility.expressions.types import TableType, Type, describe
from eligibility.model import Location, RuleSet, Table


def _table_type(table: Table, value_type: str) -> TableType:
    first = next(iter(table.rows.values()), None)
    inner: Type = _table_type(first, value_type) if isinstance(first, Table) else value_type
    return TableType(table.key_type, inner)


class Compilation:
    """The state of compiling one rule set: scope, problems and compiled pieces."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.problems: list[Problem] = []
        self.types: dict[str, Type] = {"as_of": "date"}
        self.options: dict[str, tuple[str, ...]] = {}
        self.asts: dict[str, n.Node] = {}
        self.paths: dict[str, str] = {}
        self.tables = {p.id: p.table for p in ruleset.parameters if p.table is not None}
        for q in ruleset.questions:
            self.types[q.id] = q.value_type
            if q.type == "enum":
                self.options[q.id] = q.option_values
        for p in ruleset.parameters:
            self.types[p.id] = _table_type(p.table, p.type) if p.table else p.type

    def problem(
        self,
        path: str,
        message: str,
        suggestion: str | None = None,
        error: ExpressionError | None = None,
    ) -> None:
        where = self._locate(path)
        line, column = where.line, where.column
        if error is not None and line is not None:
            line, column = line + error.line - 1, (column or 1) + error.column - 1
        elif error is not None:  # a document sent as data: say where inside the expression
            message += f" (line {error.line}, column {error.column} of the expression)"
        self.problems.append(
            Problem(message, path, where.file or self.ruleset.source, line, column, suggestion)
        )

    def _locate(self, path: str) -> Location:
        positions = self.ruleset.positions
        probe = path
        while probe and probe not in positions:
            probe = probe.rsplit(".", 1)[0] if "." in probe else ""
        return positions.get(probe, Location(self.ruleset.source))

    def parse_all(self) -> None:
        for kind, items, attr in (
            ("derived", self.ruleset.derived, "expression"),
            ("rules", self.ruleset.rules, "condition"),
            ("goals", self.ruleset.goals, "expression"),
        ):
            key = "when" if kind == "rules" else "value"
            for item in items:
                path = f"{kind}.{item.id}.{key}"
                self.paths[item.id] = path
                try:
                    self.asts[item.id] = parse(getattr(item, attr))
                except ExpressionError as error:
                    self.problem(path, error.message, error.suggestion, error)

    def graph_order(self) -> list[str]:
        """Topological order of named values; cycles are reported as problems."""
        order: list[str] = []
        state: dict[str, int] = {}
        for root in self.asts:
            self._visit(root, state, order)
        return order

    def _visit(self, root: str, state: dict[str, int], order: list[str]) -> None:
        stack: list[tuple[str, list[str]]] = [(root, [])]
        while stack:
            name, trail = stack.pop()
            if name == "":
                order.append(trail[-1])
                state[trail[-1]] = 2
                continue
            if state.get(name) == 2:
                continue
            if state.get(name) == 1:
                cycle = trail[trail.index(name) :] + [name]
                self.problem(self.paths[name], "circular definition: " + " → ".join(cycle))
                continue
            state[name] = 1
            stack.append(("", [*trail, name]))
            for dep in reversed(n.names(self.asts[name])):
                if dep in self.asts and state.get(dep) != 2:
                    stack.append((dep, [*trail, name]))

    def check_types(self, order: list[str]) -> dict[str, Type]:
        declared = self._declared_types()
        for name in order:
            try:
                found = typecheck(self.asts[name], Scope(self.types, self.options))
            except ExpressionError as error:
                self.problem(self.paths[name], error.message, error.suggestion, error)
                self.types[name] = declared.get(name) or "boolean"
                continue
            wanted = declared.get(name)
            if wanted and not fits(found, wanted):
                self.problem(
                    self.paths[name], f"gives {describe(found)} but must give {describe(wanted)}"
                )
            self.types[name] = wanted or found
        return self.types

    def _declared_types(self) -> dict[str, str]:
        declared: dict[str, str] = {r.id: "boolean" for r in self.ruleset.rules}
        declared.update({g.id: g.type for g in self.ruleset.goals})
        declared.update({d.id: d.type for d in self.ruleset.derived if d.type})
        return declared


def fits(found: Type, wanted: str) -> bool:
    """Whether a value of type `found` may stand where `wanted` is declared."""
    if wanted == "decimal":
        return found in ("integer", "decimal")
    return found == wanted
