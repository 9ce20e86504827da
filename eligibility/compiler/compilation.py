"""Compiling the root entity: scope and problems, every expression parsed, ordered and typed."""

from __future__ import annotations

from eligibility.compiler.named_values import (
    checked_type,
    declared_kinds,
    parse_named,
    topological_order,
)
from eligibility.errors import ExpressionError, Problem
from eligibility.expressions import nodes as n
from eligibility.expressions.typecheck import Scope
from eligibility.expressions.types import TableType, Type
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
        """Parse every expression of the root's named values (problems are recorded)."""
        parse_named(self.ruleset, "", self.asts, self.paths, self.problem)

    def graph_order(self) -> list[str]:
        """Topological order of named values; cycles are reported as problems."""

        def reads(name: str) -> list[str]:
            return [dep for dep in n.names(self.asts[name]) if dep in self.asts]

        return topological_order(self.asts, reads, self._circular)

    def _circular(self, cycle: list[str]) -> None:
        self.problem(self.paths[cycle[-1]], "circular definition: " + " → ".join(cycle))

    def check_types(self, order: list[str]) -> dict[str, Type]:
        """Type-check the named values in order (each type known before it is read)."""
        declared, _ = declared_kinds(self.ruleset)
        for name in order:
            scope = Scope(self.types, self.options)
            wanted = declared.get(name)
            self.types[name] = checked_type(
                self.asts[name], scope, wanted, self.paths[name], self.problem
            )
        return self.types
