"""What the root and each collection share: named values declared, parsed, ordered and typed."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any, Protocol, TypeVar

from eligibility.compiled_parts import Kind
from eligibility.errors import ExpressionError
from eligibility.expressions import nodes as n
from eligibility.expressions.parser import parse
from eligibility.expressions.typecheck import Scope, typecheck
from eligibility.expressions.types import Type, describe

K = TypeVar("K", bound=Hashable)


class ReportProblem(Protocol):
    """Records a problem at a path of the rule file (Compilation.problem)."""

    def __call__(
        self,
        path: str,
        message: str,
        suggestion: str | None = None,
        error: ExpressionError | None = None,
    ) -> None:
        """Record a located problem."""


def declared_kinds(owner: Any) -> tuple[dict[str, str], dict[str, Kind]]:
    """The declared type and the kind of each named value of the root or of a collection."""
    declared: dict[str, str] = {r.id: "boolean" for r in owner.rules}
    declared.update({g.id: g.type for g in owner.goals})
    declared.update({d.id: d.type for d in owner.derived if d.type})
    kinds: dict[str, Kind] = {d.id: "derived" for d in owner.derived}
    kinds.update({r.id: "rule" for r in owner.rules})
    kinds.update({g.id: "goal" for g in owner.goals})
    return declared, kinds


def parse_named(
    owner: Any,
    prefix: str,
    asts: dict[str, n.Node],
    paths: dict[str, str],
    problem: ReportProblem,
) -> None:
    """Parse the derived values, rules and goals of the root or a collection, at their paths."""
    for part, items, attr in (
        ("derived", owner.derived, "expression"),
        ("rules", owner.rules, "condition"),
        ("goals", owner.goals, "expression"),
    ):
        for item in items:
            path = f"{prefix}{part}.{item.id}.{'when' if part == 'rules' else 'value'}"
            paths[item.id] = path
            try:
                asts[item.id] = parse(getattr(item, attr))
            except ExpressionError as error:
                problem(path, error.message, error.suggestion, error)


def topological_order(
    roots: Iterable[K], reads: Callable[[K], list[K]], circular: Callable[[list[K]], None]
) -> list[K]:
    """Every root and what it reads, each after what it reads (depth first, roots in order).

    A circle is handed to `circular` (from the value met again round to it) and cut there.
    """
    order: list[K] = []
    state: dict[K, int] = {}
    for root in roots:
        stack: list[tuple[K, list[K], bool]] = [(root, [], False)]
        while stack:
            key, trail, done = stack.pop()
            if done:
                order.append(key)
                state[key] = 2
                continue
            if state.get(key) == 2:
                continue
            if state.get(key) == 1:
                circular([*trail[trail.index(key) :], key])
                continue
            state[key] = 1
            stack.append((key, trail, True))
            for dep in reversed(reads(key)):
                if state.get(dep) != 2:
                    stack.append((dep, [*trail, key], False))
    return order


def checked_type(
    ast: n.Node, scope: Scope, wanted: str | None, path: str, problem: ReportProblem
) -> Type:
    """The type a named value takes: the declared one if any, else its expression's."""
    try:
        found = typecheck(ast, scope)
    except ExpressionError as error:
        problem(path, error.message, error.suggestion, error)
        return wanted or "boolean"
    if wanted and not fits(found, wanted):
        problem(path, f"gives {describe(found)} but must give {describe(wanted)}")
    return wanted or found


def fits(found: Type, wanted: str) -> bool:
    """Whether a value of type `found` may stand where `wanted` is declared."""
    if wanted == "decimal":
        return found in ("integer", "decimal")
    return found == wanted
