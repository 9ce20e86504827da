"""Relevance: which unanswered questions can still change an undecided goal, and why.

One walk over the goals' expressions, guided by the values already computed:
- a node whose value is known is walked only through the operands that made it
  so (the false operands of a false `and`, the taken branch of an `if`); the
  answers reached this way are *used*, and the rules reached are the reasons;
- a node whose value is unknown is walked through every operand that could
  still change it; the unanswered questions reached are *relevant*. Questions
  reached only through the branches of an `if` whose condition is still open
  come after those that settle the condition (stage 1 rather than 0).
Answers never reached are *ignored*: they influence no goal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from eligibility.compiler import CompiledRuleSet
from eligibility.expressions import nodes as n
from eligibility.expressions.values import Value, is_known


@dataclass
class Walk:
    """What the walk found: relevant questions (stage, rules), used answers, reasons per goal."""

    relevant: dict[str, tuple[int, list[str]]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    reasons: dict[str, list[str]] = field(default_factory=dict)

    def next_questions(self, rank: Mapping[str, int]) -> list[str]:
        """Relevant questions in asking order: settling conditions first, then authors' order."""
        return sorted(self.relevant, key=lambda q: (self.relevant[q][0], rank[q]))


# (node, stage, innermost rule or goal, goal being walked)
_Item = tuple[n.Node, int, str, str]


class _Walker:
    """Walks the goals of one evaluation; see the module docstring."""

    def __init__(
        self, compiled: CompiledRuleSet, env: Mapping[str, Value], dont_know: frozenset[str]
    ) -> None:
        self.compiled, self.env, self.dont_know = compiled, env, dont_know
        self.result = Walk()
        self.seen: set[tuple[str, int, str, str]] = set()
        self.stack: list[_Item] = []

    def value(self, node: n.Node) -> Value:
        if isinstance(node, n.Name):
            return self.env[node.name]
        return self.compiled.closures[id(node)](self.env)

    def run(self) -> Walk:
        for goal in self.compiled.goal_ids:
            self.result.reasons[goal] = []
            self.enter(goal, 0, goal, goal)
            while self.stack:
                self.step(*self.stack.pop())
        return self.result

    def enter(self, name: str, stage: int, context: str, goal: str) -> None:
        named = self.compiled.named[name]
        known = is_known(self.env[name])
        if named.kind == "rule":
            context = name
            if known and name not in self.result.reasons[goal]:
                self.result.reasons[goal].append(name)
        key = (name, stage if not known else 0, context, goal)
        if key not in self.seen:
            self.seen.add(key)
            self.stack.append((named.node, stage, context, goal))

    def push(
        self, nodes: tuple[n.Node, ...] | list[n.Node], stage: int, context: str, goal: str
    ) -> None:
        self.stack.extend((child, stage, context, goal) for child in reversed(nodes))

    def step(self, node: n.Node, stage: int, context: str, goal: str) -> None:
        if isinstance(node, n.Name):
            self.name(node.name, stage, context, goal)
            return
        if isinstance(node, n.Literal):
            return
        value = self.value(node)
        if is_known(value):
            self.push(self.decisive(node, value), stage, context, goal)
        elif isinstance(node, n.If):
            self.push([node.cond], stage, context, goal)
            self.push([node.then, node.otherwise], stage + 1, context, goal)
        else:
            self.push(n.operands(node), stage, context, goal)

    def decisive(self, node: n.Node, value: Value) -> list[n.Node]:
        """The operands that made a known node's value what it is."""
        if isinstance(node, n.And | n.Or) and value is (isinstance(node, n.Or)):
            return [o for o in node.operands if self.value(o) is value]
        if isinstance(node, n.If):
            cond = self.value(node.cond)
            if cond is True:
                return [node.cond, node.then]
            if cond is False:
                return [node.cond, node.otherwise]
            return [node.then, node.otherwise]
        return [c for c in n.operands(node) if is_known(self.value(c))]

    def name(self, name: str, stage: int, context: str, goal: str) -> None:
        if name in self.compiled.named:
            self.enter(name, stage, context, goal)
        elif name in self.compiled.questions:
            if is_known(self.env[name]) or name in self.dont_know:
                self.result.used.add(name)
            else:
                self.note_relevant(name, stage, context)

    def note_relevant(self, question: str, stage: int, context: str) -> None:
        best, contexts = self.result.relevant.get(question, (stage, []))
        if context not in contexts:
            contexts.append(context)
        self.result.relevant[question] = (min(best, stage), contexts)


def walk(compiled: CompiledRuleSet, env: Mapping[str, Value], dont_know: frozenset[str]) -> Walk:
    """Relevant questions, used answers and reasons for every goal of one evaluation."""
    return _Walker(compiled, env, dont_know).run()
