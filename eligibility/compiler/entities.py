"""Compiling a version with collections: every entity's expressions, ordered across entities.

A root value may read aggregates of instance values, and an instance value may read its
parent's values, so the order of evaluation is one topological order over (entity, name)
pairs. Expressions are resolved against the entity tree (`expressions/scopes.py`), then
type-checked in that order, each in its entity's scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from eligibility.compiled_parts import Kind, ScopePath
from eligibility.compiler.compilation import Compilation
from eligibility.compiler.named_values import (
    checked_type,
    declared_kinds,
    parse_named,
    topological_order,
)
from eligibility.errors import ExpressionError
from eligibility.expressions import nodes as n
from eligibility.expressions.scopes import EntityScope, resolve
from eligibility.expressions.typecheck import Scope
from eligibility.expressions.types import Type
from eligibility.model import Collection, Question

Step = tuple[ScopePath, str]


@dataclass
class Unit:
    """One entity kind being compiled: its expressions, types and scopes."""

    path: ScopePath
    prefix: str  # where its parts are in the file: "" or "collections.children."
    collection: Collection | None
    asts: dict[str, n.Node]
    paths: dict[str, str]
    types: dict[str, Type]
    options: dict[str, tuple[str, ...]]
    declared: dict[str, str]
    kinds: dict[str, Kind]
    children: dict[str, Unit] = field(default_factory=dict)
    entity: EntityScope | None = None
    scope: Scope | None = None


def _questions(items: Iterable[Question]) -> tuple[dict[str, Type], dict[str, tuple[str, ...]]]:
    types: dict[str, Type] = {q.id: q.value_type for q in items}
    options = {q.id: q.option_values for q in items if q.type == "enum"}
    return types, options


class EntityCompilation:
    """Resolves, orders and type-checks the expressions of every entity of a version."""

    def __init__(self, job: Compilation) -> None:
        self.job = job
        declared, kinds = declared_kinds(job.ruleset)
        self.root = Unit((), "", None, job.asts, job.paths, job.types, job.options, declared, kinds)
        self.units: dict[ScopePath, Unit] = {(): self.root}
        for c in job.ruleset.collections:
            self.root.children[c.id] = self._unit(c, (c.id,), f"collections.{c.id}.")
        self._scopes(self.root, None, None)

    def _unit(self, c: Collection, path: ScopePath, prefix: str) -> Unit:
        types, options = _questions(c.questions)
        declared, kinds = declared_kinds(c)
        unit = Unit(path, prefix, c, {}, {}, types, options, declared, kinds)
        parse_named(c, prefix, unit.asts, unit.paths, self.job.problem)
        for nested in c.collections:
            unit.children[nested.id] = self._unit(
                nested, (*path, nested.id), f"{prefix}collections.{nested.id}."
            )
        self.units[path] = unit
        return unit

    def _scopes(self, unit: Unit, parent: Unit | None, _: None) -> None:
        questions = {q.id for q in self.job.ruleset.questions}
        if parent is None:
            constants = frozenset(unit.types) - questions
            entity = self.job.ruleset.entity
        else:
            assert parent.entity is not None and unit.collection is not None
            constants, entity = parent.entity.constants, unit.collection.entity
        names = (frozenset(unit.types) | frozenset(unit.kinds)) - constants
        unit.entity = EntityScope(entity, names, {}, parent.entity if parent else None, constants)
        unit.scope = Scope(unit.types, unit.options, {}, parent.scope if parent else None)
        for cid, child in unit.children.items():
            self._scopes(child, unit, None)
            unit.entity.collections[cid] = child.entity  # type: ignore[index]
            unit.scope.collections[cid] = child.scope  # type: ignore[index]

    def root_scopes(self) -> tuple[EntityScope, Scope]:
        """The root entity's names and types, for the checks of the root's questions."""
        assert self.root.entity is not None and self.root.scope is not None
        return self.root.entity, self.root.scope

    def resolve_all(self) -> None:
        """Resolve entity references in every expression (problems are recorded)."""
        for unit in self.units.values():
            assert unit.entity is not None
            for name, ast in list(unit.asts.items()):
                try:
                    unit.asts[name] = resolve(ast, unit.entity)
                except ExpressionError as error:
                    self.job.problem(unit.paths[name], error.message, error.suggestion, error)
                    del unit.asts[name]

    def reads(self, unit: Unit, node: n.Node) -> list[Step]:
        """The (entity, name) pairs an expression reads that are computed, not answered."""
        found: dict[Step, None] = {}
        stack: list[tuple[n.Node, Unit]] = [(node, unit)]
        while stack:
            current, where = stack.pop()
            for sub in n.walk(current):
                if isinstance(sub, n.Name) and sub.name in where.asts:
                    found[(where.path, sub.name)] = None
                elif isinstance(sub, n.ParentRef):
                    above = self.units[where.path[: len(where.path) - sub.up]]
                    if sub.name in above.asts:
                        found[(above.path, sub.name)] = None
                elif isinstance(sub, n.Aggregate):
                    inner = where.children[sub.collection]
                    stack.extend((part, inner) for part in n.scoped(sub))
        return list(found)

    def order(self) -> list[Step]:
        """Every computed value of every entity in an order that respects what each reads."""
        steps = [(unit.path, name) for unit in self.units.values() for name in unit.asts]
        return topological_order(steps, self._step_reads, self._circular)

    def _step_reads(self, step: Step) -> list[Step]:
        unit = self.units[step[0]]
        return self.reads(unit, unit.asts[step[1]])

    def _circular(self, cycle: list[Step]) -> None:
        path, name = cycle[-1]
        names = " → ".join(step[1] for step in cycle)
        self.job.problem(self.units[path].paths[name], "circular definition: " + names)

    def check_types(self, order: list[Step]) -> None:
        """Type-check every expression in its entity, in order (types fill in as they go)."""
        for path, name in order:
            unit = self.units[path]
            assert unit.scope is not None
            wanted = unit.declared.get(name)
            unit.types[name] = checked_type(
                unit.asts[name], unit.scope, wanted, unit.paths[name], self.job.problem
            )

    def all_asts(self, path: ScopePath) -> list[n.Node]:
        """The expressions evaluated in one entity: its own and aggregates' operands over it."""
        found = list(self.units[path].asts.values())
        for unit in self.units.values():
            for ast in unit.asts.values():
                found.extend(_scoped_over(ast, unit, path))
        return found


def _scoped_over(ast: n.Node, unit: Unit, path: ScopePath) -> list[n.Node]:
    """The operands of aggregates in `ast` (of entity `unit`) that are evaluated in `path`."""
    found: list[n.Node] = []
    stack: list[tuple[n.Node, ScopePath]] = [(ast, unit.path)]
    while stack:
        node, where = stack.pop()
        for sub in n.walk(node):
            if isinstance(sub, n.Aggregate):
                inner = (*where, sub.collection)
                for part in n.scoped(sub):
                    if inner == path:
                        found.append(part)
                    stack.append((part, inner))
    return found
