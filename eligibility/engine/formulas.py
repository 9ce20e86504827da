"""A goal's logic as a Kleene formula over atoms, and the positive conditions for its values."""

from __future__ import annotations

from typing import Any

from eligibility.compiler import CompiledRuleSet
from eligibility.errors import EngineError
from eligibility.expressions import nodes as n
from eligibility.expressions.interpreter import Evaluator

Formula = tuple[str, Any] | bool
Condition = dict[str, Any] | None | bool  # None: always holds; False: never holds


class Atoms:
    """Numbers the leaves of a goal's formula (the same node or name is one atom)."""

    def __init__(self, compiled: CompiledRuleSet) -> None:
        self.compiled = compiled
        self.keys: dict[Any, str] = {}
        self.evaluators: list[tuple[str, Any, Evaluator | None]] = []
        self.nodes: list[n.Node] = []

    def atom(self, node: n.Node) -> Formula:
        ident = ("name", node.name) if isinstance(node, n.Name) else id(node)  # a name: one atom
        key = self.keys.get(ident)
        if key is None:
            key = f"a{len(self.keys)}"
            self.keys[ident] = key
            env_key = node.name if isinstance(node, n.Name) else id(node)
            self.nodes.append(node)
            self.evaluators.append((key, env_key, self.compiled.closures[id(node)]))
        return ("atom", key)

    def outcome(self, part: str) -> Formula:
        """An atom standing for the outcome of a network split off under the name `part`."""
        key = f"a{len(self.keys)}"
        self.keys[("net", part)] = key
        self.evaluators.append((key, ("net", part), None))
        return ("atom", key)

    def used_in(self, f: Formula) -> tuple[tuple[str, Any, Evaluator | None], ...]:
        """The atoms a formula reads."""
        keys = atom_keys(f)
        return tuple(entry for entry in self.evaluators if entry[0] in keys)


def atom_keys(f: Formula) -> set[str]:
    """The keys of the atoms a formula reads."""
    found: set[str] = set()
    stack = [f]
    while stack:
        item = stack.pop()
        if isinstance(item, bool):
            continue
        kind, body = item
        if kind == "atom":
            found.add(body)
        elif kind == "not":
            stack.append(body)
        else:
            stack.extend(body)
    return found


def formula(node: n.Node, atoms: Atoms, depth: int = 0) -> Formula:
    """The logical structure of a boolean node, with constants folded (names are atoms)."""
    if depth > 200:
        raise EngineError("the rule network is nested too deeply for durable_rules")
    if isinstance(node, n.Literal) and isinstance(node.value, bool):
        return node.value
    if isinstance(node, n.Not):
        inner = formula(node.operand, atoms, depth + 1)
        return (not inner) if isinstance(inner, bool) else ("not", inner)
    if isinstance(node, n.And | n.Or):
        return _junction(node, atoms, depth)
    if isinstance(node, n.If):
        parts = [formula(p, atoms, depth + 1) for p in (node.cond, node.then, node.otherwise)]
        if isinstance(parts[0], bool):
            return parts[1] if parts[0] else parts[2]
        return ("if", parts)
    return atoms.atom(node)


def _junction(node: n.And | n.Or, atoms: Atoms, depth: int) -> Formula:
    absorbing = isinstance(node, n.Or)  # true absorbs an `or`, false an `and`
    parts: list[Formula] = []
    for operand in node.operands:
        part = formula(operand, atoms, depth + 1)
        if part is absorbing:
            return absorbing
        if part is not (not absorbing):
            parts.append(part)
    if not parts:
        return not absorbing
    return parts[0] if len(parts) == 1 else ("or" if absorbing else "and", parts)


def all_of(items: list[Condition]) -> Condition:
    """Conjunction of conditions (None = always, False = never)."""
    kept = [i for i in items if i is not None]
    if any(i is False for i in kept):
        return False
    return None if not kept else kept[0] if len(kept) == 1 else {"$and": kept}


def any_of(items: list[Condition]) -> Condition:
    """Disjunction of conditions (None = always, False = never)."""
    if any(i is None for i in items):
        return None
    kept = [i for i in items if i is not False]
    return False if not kept else kept[0] if len(kept) == 1 else {"$or": kept}


def holds(f: Formula, truth: bool) -> Condition:
    """The condition under which the formula is definitely `truth` (Kleene)."""
    if isinstance(f, bool):
        return None if f is truth else False
    kind, body = f
    if kind == "atom":
        return {body: "T" if truth else "F"}
    if kind == "not":
        return holds(body, not truth)
    if kind in ("and", "or"):
        combine = all_of if (kind == "and") == truth else any_of
        return combine([holds(part, truth) for part in body])
    cond, then, otherwise = body
    branch = [holds(then, truth), holds(otherwise, truth)]
    return any_of(
        [
            all_of([holds(cond, True), branch[0]]),
            all_of([holds(cond, False), branch[1]]),
            all_of(branch),
        ]
    )


def terms(condition: Condition) -> int:
    """How many alternatives durable_rules expands a condition into."""
    if not isinstance(condition, dict):
        return 1
    ((key, body),) = condition.items()
    if key == "$and":
        product = 1
        for item in body:
            product *= terms(item)
        return product
    return sum(terms(item) for item in body) if key == "$or" else 1


def operators(condition: Condition) -> int:
    """How many `$and`/`$or` objects a condition holds."""
    if not isinstance(condition, dict):
        return 0
    ((key, body),) = condition.items()
    return 1 + sum(operators(item) for item in body) if key in ("$and", "$or") else 0
