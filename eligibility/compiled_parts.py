"""The compiled pieces of a version: named values, checks, and the entities of collections."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from eligibility.answer_checks import CompiledCheck
from eligibility.expressions import nodes as n
from eligibility.expressions.interpreter import Evaluator
from eligibility.expressions.types import Type
from eligibility.model import Collection, Goal, Question, Rule

Kind = Literal["derived", "rule", "goal"]
ScopePath = tuple[str, ...]  # the collections from the root down to an entity: () is the root


@dataclass(frozen=True)
class Named:
    """A derived value, rule or goal, compiled: its AST, type, closure and direct inputs."""

    id: str
    kind: Kind
    node: n.Node
    type: Type
    evaluate: Evaluator
    reads: tuple[str, ...]
    legal_reference: str | None = None


@dataclass(frozen=True)
class CompiledCollection:
    """A collection's kind of entity, compiled: questions, named values, sub-collections."""

    collection: Collection
    path: ScopePath
    named: Mapping[str, Named]
    order: tuple[str, ...]
    questions: Mapping[str, Question]
    question_rank: Mapping[str, int]
    types: Mapping[str, Type]
    collections: Mapping[str, CompiledCollection] = field(default_factory=dict)
    rules_by_id: Mapping[str, Rule] = field(default_factory=dict)
    goals_by_id: Mapping[str, Goal] = field(default_factory=dict)
    checks: tuple[CompiledCheck, ...] = ()  # its questions' checks, run in each instance
    parents: tuple[str, ...] = ()  # the enclosing entities' names, nearest first

    @property
    def goal_ids(self) -> tuple[str, ...]:
        """The goals each instance reports, in the order written."""
        return tuple(g.id for g in self.collection.goals)


# Nodes whose operands are not all read (and/or/if/in), or read in another entity.
_BRANCHING = (n.And, n.Or, n.If, n.In, n.Aggregate, n.ParentRef)


def walk_keys(
    asts: Iterable[n.Node], parts: Mapping[int, object], order: list[str]
) -> tuple[int | str, ...]:
    """Environment keys whose values steer the relevance walk (see CompiledRuleSet)."""
    keys: dict[int | str, None] = dict.fromkeys(order)
    for ast in asts:
        for node in n.walk(ast):
            if id(node) in parts:
                continue
            keys[id(node)] = None
            for operand in n.operands(node):
                if isinstance(operand, n.Name):
                    keys[operand.name] = None
                elif not isinstance(operand, n.Literal):
                    keys[id(operand)] = None
    return tuple(keys)


def strict_parts(
    asts: Iterable[n.Node], questions: set[str], named: set[str]
) -> dict[int, tuple[tuple[str, ...], tuple[str, ...]]]:
    """For every sub-tree free of and/or/if/in: the questions and named values it reads."""
    parts: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for ast in asts:
        for node in reversed(n.walk(ast)):  # children before parents
            if isinstance(node, _BRANCHING):
                continue
            kids = n.operands(node)
            if any(id(k) not in parts for k in kids):
                continue
            reads = [node.name] if isinstance(node, n.Name) else []
            qs = dict.fromkeys([r for r in reads if r in questions])
            ns = dict.fromkeys([r for r in reads if r in named])
            for kid in kids:
                qs.update(dict.fromkeys(parts[id(kid)][0]))
                ns.update(dict.fromkeys(parts[id(kid)][1]))
            parts[id(node)] = (tuple(qs), tuple(ns))
    return parts


