"""Compiled version → durable_rules ruleset definition (the logic layer as C-side conditions).

Every boolean goal becomes three durable rules over one event per goal:
`goal:T` fires when the goal is definitely true, `goal:F` when definitely false,
and `goal:U` (lower priority) otherwise. The event carries the goal's *atoms* — the
operands of its own logic that are not logic themselves: named values it reads
(rules, boolean answers, other goals) and non-logical sub-expressions (comparisons,
calls) — as "T", "F" or "U". Rules are atoms, not inlined: Python computes each named
value once (the reasons and the relevance walk need every rule's value), durable_rules
decides each goal once from them; no logic is computed by both. Kleene logic is encoded
exactly in positive conditions: T(a and b) = T(a) ∧ T(b), F(a and b) = F(a) ∨ F(b),
T(not a) = F(a), and T(if c then a else b) = (T(c) ∧ T(a)) ∨ (F(c) ∧ T(b)) ∨ (T(a) ∧ T(b)).
An event is consumed by the first rule that matches, so exactly one rule fires per goal.

A goal too large for one durable rule (durable_rules' limits on alternatives,
operators and properties) is split: its parts become networks of their own,
posted first, whose outcomes are atoms of the goal's event (forward chaining).
The formulas and their Kleene conditions are built in `formulas.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eligibility.compiler import CompiledRuleSet
from eligibility.engine.formulas import (
    Atoms,
    Condition,
    Formula,
    all_of,
    atom_keys,
    formula,
    holds,
    operators,
    terms,
)
from eligibility.errors import EngineError
from eligibility.expressions.interpreter import Evaluator

MAX_TERMS = 64  # disjunctive terms per condition (durable_rules expands `$or` into them)
MAX_ATOMS = 240  # properties per event (durable_rules allows 253, a few are ours)
# `$and`/`$or` objects per rule: each takes two of the 32 expression slots durable_rules gives
# a rule (ERR_EXPRESSION_LIMIT_EXCEEDED, error 113, when registering); comparisons take none.
MAX_OPERATORS = 15


@dataclass(frozen=True)
class GoalNetwork:
    """The atoms of one boolean goal and the conditions for its definite values."""

    goal: str  # a goal id, or `goal.n` for a part of a goal that was split off
    # event key, environment key (or ("net", part) for a part's outcome), closure
    atoms: tuple[tuple[str, Any, Evaluator | None], ...]
    when_true: Condition
    when_false: Condition
    # The atoms' AST nodes, kept alive with the network: atoms find computed values in the
    # environment by id(node), and a freed node's id could be reused by another node of a
    # later compilation of the same version (the compile cache drops versions, this does not).
    nodes: tuple[Any, ...] = field(default=(), compare=False, repr=False)


def _rule_operators(goal: str, condition: Condition) -> int:
    """`$and`/`$or` objects of the rule `rule_definitions` builds for a condition."""
    return operators(all_of([{"goal": goal}, condition]))


def _fits(goal: str, f: Formula, atom_count: int) -> bool:
    when_true, when_false = holds(f, True), holds(f, False)
    return (
        max(terms(when_true), terms(when_false)) <= MAX_TERMS
        and atom_count <= MAX_ATOMS
        and max(_rule_operators(goal, c) for c in (when_true, when_false)) <= MAX_OPERATORS
    )


CHUNK = 8  # operands of one `and`/`or` network when a long one is split


class _Splitter:
    """Splits a goal's formula into networks that each fit one durable rule."""

    def __init__(self, goal: str, atoms: Atoms) -> None:
        self.goal, self.atoms = goal, atoms
        self.networks: list[GoalNetwork] = []
        self.parts = 0

    def network(self, name: str, f: Formula) -> GoalNetwork:
        if not _fits(name, f, len(atom_keys(f))):
            f = self.split(name, f)
        network = GoalNetwork(
            name, self.atoms.used_in(f), holds(f, True), holds(f, False), tuple(self.atoms.nodes)
        )
        self.networks.append(network)
        return network

    def split(self, name: str, f: Formula) -> Formula:
        if isinstance(f, bool) or f[0] == "atom":
            return f
        kind, body = f
        parts = [body] if kind == "not" else list(body)
        parts = [p if isinstance(p, bool) or p[0] == "atom" else self.part(p) for p in parts]
        if kind in ("and", "or") and len(parts) > CHUNK:
            groups = [parts[i : i + CHUNK] for i in range(0, len(parts), CHUNK)]
            parts = [g[0] if len(g) == 1 else self.part((kind, g)) for g in groups]
        return (kind, parts[0]) if kind == "not" else (kind, parts)

    def part(self, f: Formula) -> Formula:
        # Numbered when named, not by networks made so far: a part split further makes its
        # own parts before it is itself added, and they must not reuse its number.
        self.parts += 1
        name = f"{self.goal}.{self.parts}"
        self.network(name, f)
        return self.atoms.outcome(name)


def goal_networks(
    compiled: CompiledRuleSet, goal: str, name: str | None = None
) -> tuple[GoalNetwork, ...]:
    """The networks of one boolean goal, parts first (a goal too large for one is split).

    `compiled` may also be a collection's entity (anything with `named` and `closures`);
    `name` then names its networks apart from the root's (`children/eligible`).
    """
    name = name or goal
    atoms = Atoms(compiled)
    f = formula(compiled.named[goal].node, atoms)
    splitter = _Splitter(name, atoms)
    splitter.network(name, f)
    return tuple(splitter.networks)


def goal_network(compiled: CompiledRuleSet, goal: str) -> GoalNetwork:
    """The network that decides the goal itself (the last of `goal_networks`)."""
    return goal_networks(compiled, goal)[-1]


def single_keyed(condition: Any) -> bool:
    """True when every condition object has exactly one key (durable_rules ignores the rest)."""
    if isinstance(condition, dict):
        return len(condition) == 1 and all(single_keyed(v) for v in condition.values())
    if isinstance(condition, list):
        return all(single_keyed(item) for item in condition)
    return True


def _rules(network: GoalNetwork) -> list[tuple[str, Condition, bool | None, int]]:
    """Name, condition, outcome and priority of each rule a goal's network can fire."""
    return [
        (f"{network.goal}:{suffix}", condition, value, priority)
        for suffix, condition, value, priority in (
            ("T", network.when_true, True, 1),
            ("F", network.when_false, False, 1),
            ("U", None, None, 2),
        )
        if condition is not False
    ]


def rule_definitions(network: GoalNetwork) -> dict[str, Any]:
    """The three durable rules of one goal: definitely true, definitely false, otherwise.

    No rule has an action: the adapter reads which rule fired from durable_rules' C
    engine (see `durable_session.py`), so no Python runs inside durable_rules.
    """
    definitions: dict[str, Any] = {}
    for rule, condition, _, priority in _rules(network):
        test = all_of([{"goal": network.goal}, condition])
        if not single_keyed(test):
            raise EngineError(f"internal: a condition of goal '{network.goal}' has several keys")
        definitions[rule] = {"pri": priority, "all": [{"m": test}]}
    return definitions


def outcomes(network: GoalNetwork) -> dict[str, bool | None]:
    """What each rule of a goal's network decides, by the rule's name."""
    return {rule: value for rule, _, value, _ in _rules(network)}
