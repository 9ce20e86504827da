"""Relevance: which unanswered questions can still change an undecided goal, and why.

One walk over the goals' expressions, guided by the values already computed:
- a node whose value is known is walked only through the operands that made it
  so (the false operands of a false `and`, the taken branch of an `if`); the
  answers reached this way are *used*, and the rules reached are the reasons;
- a node whose value is unknown is walked through every operand that could
  still change it; the unanswered questions reached are *relevant*. Questions
  reached only through the branches of an `if` whose condition is still open
  come after those that settle the condition (stage 1 rather than 0). A question
  reached from several rules names them in evaluation order (the rules it feeds
  before the rules built on them), whatever path reached it first.
Answers never reached are *ignored*: they influence no goal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from eligibility.compiler import CompiledRuleSet
from eligibility.dependencies import dependencies
from eligibility.expressions import nodes as n
from eligibility.expressions.values import Failure, Unknown, Value, is_known


@dataclass
class Walk:
    """What the walk found: relevant questions (stage, rules), used answers, reasons per goal."""

    relevant: dict[str, tuple[int, list[str]]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    reasons: dict[str, list[str]] = field(default_factory=dict)
    # The relevant questions already in asking order (an interview's walk keeps them so).
    order: list[str] | None = field(default=None, compare=False)
    # The goals' results as far as they are the same for every claim taking this walk, by
    # language (worked out by evaluation.goals on first use).
    written: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def next_questions(self, rank: Mapping[str, int]) -> list[str]:
        """Relevant questions in asking order: settling conditions first, then authors' order."""
        if self.order is not None:
            return list(self.order)
        return sorted(self.relevant, key=lambda q: (self.relevant[q][0], rank[q]))


def value_of(env: Mapping[Any, Value], node: n.Node) -> Value:
    """A node's value in an evaluation's environment."""
    if isinstance(node, n.Name):
        return env[node.name]
    if isinstance(node, n.Literal):
        return node.value
    return env[id(node)]


def decisive(env: Mapping[Any, Value], node: n.Node, value: Value) -> list[n.Node]:
    """The operands that made a known node's value what it is."""
    if isinstance(node, n.And | n.Or) and value is (isinstance(node, n.Or)):
        return [o for o in node.operands if value_of(env, o) is value]
    if isinstance(node, n.If):
        return taken(env, node)
    return [c for c in n.operands(node) if is_known(value_of(env, c))]


def taken(env: Mapping[Any, Value], node: n.If) -> list[n.Node]:
    """The condition and the branch it chose; both branches when it is open."""
    cond = value_of(env, node.cond)
    if cond is True:
        return [node.cond, node.then]
    if cond is False:
        return [node.cond, node.otherwise]
    return [node.then, node.otherwise]


# (node, stage, innermost rule or goal, named value whose expression holds the node)
_Item = tuple[n.Node, int, str, str]


class _Walker:
    """Walks the goals of one evaluation; see the module docstring."""

    def __init__(
        self, compiled: CompiledRuleSet, env: Mapping[Any, Value], dont_know: frozenset[str]
    ) -> None:
        self.compiled, self.env, self.dont_know = compiled, env, dont_know
        self.result = Walk()
        self.seen: set[tuple[str, int, str]] = set()
        self.entered: dict[str, dict[str, None]] = {}  # named → named it entered (ordered)
        self.below: dict[str, dict[str, None]] = {}  # named → rules reached below it
        self.stack: list[_Item] = []

    def value(self, node: n.Node) -> Value:
        return value_of(self.env, node)

    def run(self) -> Walk:
        for goal in self.compiled.goal_ids:
            self.enter(goal, 0, goal, "")
            while self.stack:
                self.step(*self.stack.pop())
        for goal in self.compiled.goal_ids:
            self.result.reasons[goal] = self.rules_below(goal)
        rank = dependencies(self.compiled).position
        for _, contexts in self.result.relevant.values():
            contexts.sort(key=rank.__getitem__)
        return self.result

    def enter(self, name: str, stage: int, context: str, owner: str) -> None:
        named = self.compiled.named[name]
        if owner:
            self.entered.setdefault(owner, {})[name] = None
        if named.kind == "rule":
            context = name
        # A known value is walked only through known parts, where stage and context never
        # matter (they only label relevant questions): walk it once.
        known = is_known(self.env[name])
        key = (name, 0, "") if known else (name, min(stage, 1), context)
        if key not in self.seen:
            self.seen.add(key)
            self.stack.append((named.node, min(stage, 1), context, name))

    def step(self, node: n.Node, stage: int, context: str, owner: str) -> None:
        strict = self.compiled.strict_parts.get(id(node))
        if strict is not None:
            questions, named = strict
            for question in questions:
                self.question(question, stage, context)
            for name in named:
                self.enter(name, stage, context, owner)
            return
        value = self.value(node)
        if is_known(value):
            self.push(self.decisive(node, value), stage, context, owner)
        elif isinstance(node, n.If) and not is_known(self.value(node.cond)):
            self.push([node.cond], stage, context, owner)
            self.push([node.then, node.otherwise], stage + 1, context, owner)
        elif isinstance(node, n.If):
            self.push(self.taken(node), stage, context, owner)
        else:
            self.push(n.operands(node), stage, context, owner)

    def push(self, nodes: Sequence[n.Node], stage: int, context: str, owner: str) -> None:
        self.stack.extend((child, stage, context, owner) for child in reversed(nodes))

    def decisive(self, node: n.Node, value: Value) -> list[n.Node]:
        return decisive(self.env, node, value)

    def taken(self, node: n.If) -> list[n.Node]:
        return taken(self.env, node)

    def question(self, question: str, stage: int, context: str) -> None:
        if question in self.dont_know or is_known(self.env[question]):
            self.result.used.add(question)
            return
        best, contexts = self.result.relevant.get(question, (stage, []))
        if context not in contexts:
            contexts.append(context)
        self.result.relevant[question] = (min(best, stage), contexts)

    def rules_below(self, goal: str) -> list[str]:
        """Rules with a known value that the walk reached from a goal, in order."""
        return known_rules_below(
            goal, lambda name: self.entered.get(name, {}), self.compiled, self.env, self.below
        )


_KNOWN, _OPEN = "known", "open"
_CLASS_OF: dict[type, str] = {
    **dict.fromkeys((int, Decimal, str, dt.date, tuple, list), _KNOWN),
    Unknown: _OPEN,
    Failure: _OPEN,
}
WALK_CACHE_SIZE = 4096  # distinct paths through a version's rules remembered per process


def walk(compiled: CompiledRuleSet, env: Mapping[Any, Value], dont_know: frozenset[str]) -> Walk:
    """Relevant questions, used answers and reasons for every goal of one evaluation.

    The walk depends only on what `signature` reads, so claims that take the same path
    through the rules (most of them, under load) share one walk, computed once.
    """
    key = signature(compiled, env, dont_know)
    cache = compiled.walks
    found = cache.get(key)
    if found is None:
        found = _Walker(compiled, env, dont_know).run()
        if len(cache) >= WALK_CACHE_SIZE:
            cache.clear()
        cache[key] = found
    return found


def signature(
    compiled: CompiledRuleSet, env: Mapping[Any, Value], dont_know: frozenset[str]
) -> tuple[Any, ...]:
    """What the walk reads: which questions are answered, and the steering values' classes."""
    values = list(map(env.get, compiled.signature_keys))
    # True, False and None (not computed) stay as they are (no class listed: the value is
    # its own class); other values only known or open. One pass in C, no Python per key.
    return (dont_know, tuple(map(_CLASS_OF.get, map(type, values), values)))


def known_rules_below(
    goal: str,
    children_of: Callable[[str], Sequence[str] | dict[str, None]],
    compiled: CompiledRuleSet,
    env: Mapping[Any, Value],
    memo: dict[str, dict[str, None]],
) -> list[str]:
    """Rules with a known value below a goal, children before parents, each once (memo kept)."""
    named = compiled.named
    stack: list[tuple[str, bool]] = [(goal, False)]
    while stack:  # depth-first, children before parents, each named value once
        name, expanded = stack.pop()
        if name in memo:
            continue
        children = children_of(name)
        if expanded:
            found: dict[str, None] = {}
            if named[name].kind == "rule" and is_known(env[name]):
                found[name] = None
            for child in children:
                found.update(memo[child])
            memo[name] = found
            continue
        stack.append((name, True))
        stack.extend((child, False) for child in reversed(children) if child not in memo)
    return list(memo[goal])
