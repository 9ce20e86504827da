"""The relevance walk kept up to date between the steps of an interview.

The walk of `relevance.py` is a closure: from each goal it enters named values under a
key (name, stage, context), and each key adds the same questions and keys whatever path
reached it first. So the walk is held here as a graph of keys, counted by how many
walked keys (or goals) reach them, each with what it adds: its questions (with stage and
context) and the keys it enters. What a named value's expression adds (its *fragment*)
depends only on its own values and those of the names it reads, so after an answer only
the named values evaluated again (`dependencies.recompute`) get new fragments; their keys
are re-derived, keys no longer reached are dropped and new ones walked. The rules below
each goal (the reasons) are kept per named value the same way. `walk` gives the `Walk` a
full walk gives for the same environment (the differential tests check it).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from typing import Any

from eligibility.compiler import CompiledRuleSet
from eligibility.dependencies import dependencies
from eligibility.expressions import nodes as n
from eligibility.expressions.values import UNKNOWN, Value, is_known
from eligibility.relevance import Walk, decisive, known_rules_below, taken, value_of

Key = tuple[str, int, str]  # (named value, stage 0 or 1, innermost rule or goal)
Event = tuple[str, int, str]  # (question, stage, context)


class Fragment:
    """What walking one named value's expression adds, by offset of stage from its entry."""

    __slots__ = ("questions", "enters", "names")

    def __init__(self, questions: list[tuple[str, int]], enters: list[tuple[str, int]]) -> None:
        self.questions = tuple(questions)
        self.enters = tuple(enters)
        self.names = tuple(dict.fromkeys(name for name, _ in enters))


def fragment(compiled: CompiledRuleSet, env: Mapping[Any, Value], name: str) -> Fragment:
    """The questions and named values one named value's walk reaches, in the walk's order."""
    questions: list[tuple[str, int]] = []
    enters: list[tuple[str, int]] = []
    parts = compiled.strict_parts
    stack: list[tuple[n.Node, int]] = [(compiled.named[name].node, 0)]
    while stack:  # the order of relevance._Walker.step
        node, offset = stack.pop()
        strict = parts.get(id(node))
        if strict is not None:
            questions.extend((q, offset) for q in strict[0])
            enters.extend((m, offset) for m in strict[1])
            continue
        value = value_of(env, node)
        if is_known(value):
            stack.extend((c, offset) for c in reversed(decisive(env, node, value)))
        elif isinstance(node, n.If) and not is_known(value_of(env, node.cond)):
            stack.append((node.cond, offset))
            stack.extend([(node.otherwise, offset + 1), (node.then, offset + 1)])
        elif isinstance(node, n.If):
            stack.extend((c, offset) for c in reversed(taken(env, node)))
        else:
            stack.extend((c, offset) for c in reversed(n.operands(node)))
    return Fragment(questions, enters)


class RelevanceGraph:
    """One interview's relevance walk as counted keys; see the module docstring."""

    def __init__(self, compiled: CompiledRuleSet, env: Mapping[Any, Value]) -> None:
        self.compiled, self.env = compiled, env
        self.rank = dependencies(compiled).position
        self.fragments: dict[str, Fragment] = {}
        self.parents: dict[str, set[str]] = {}  # named → named whose fragments enter it
        # key → [how many reach it, the events it adds, the keys it enters]
        self.walked: dict[Key, tuple[int, tuple[Event, ...], tuple[Key, ...]]] = {}
        self.keys_of: dict[str, set[Key]] = {}
        self.events: dict[str, dict[tuple[int, str], int]] = {}  # question → (stage, context)
        self.summary: dict[str, tuple[int, list[str]]] = {}  # question → (stage, contexts)
        self.changed_questions: set[str] = set()
        self.below: dict[str, dict[str, None]] = {}  # named → rules with a value below it
        # What the last walk gave, kept up to date question by question.
        self.relevant: dict[str, tuple[int, list[str]]] = {}
        self.used: set[str] = set()
        self.order: list[tuple[int, int, str]] = []  # (stage, rank, question) of relevant ones
        self.dont_know: frozenset[str] = frozenset()
        self.answered: set[str] = set(compiled.questions)  # answered otherwise since that walk
        self.roots = [self.root(goal) for goal in compiled.goal_ids]
        for key in self.roots:
            self.reach(key)

    def root(self, goal: str) -> Key:
        return (goal, 0, "") if is_known(self.env[goal]) else (goal, 0, goal)

    def fragment(self, name: str) -> Fragment:
        found = self.fragments.get(name)
        if found is None:
            found = self.fragments[name] = fragment(self.compiled, self.env, name)
            for child in found.names:
                self.parents.setdefault(child, set()).add(name)
        return found

    def derive(self, key: Key) -> tuple[tuple[Event, ...], tuple[Key, ...]]:
        """The events and keys a walked key adds under the current environment."""
        name, stage, context = key
        found = self.fragment(name)
        if not context:  # a known value: only answered questions and known values below
            events = tuple((q, 0, "") for q, _ in found.questions)
            return events, tuple((m, 0, "") for m, _ in found.enters)
        env, named = self.env, self.compiled.named
        events = tuple((q, stage + offset, context) for q, offset in found.questions)
        children: list[Key] = []
        for child, offset in found.enters:
            if is_known(env[child]):
                children.append((child, 0, ""))
            else:
                inner = child if named[child].kind == "rule" else context
                children.append((child, min(stage + offset, 1), inner))
        return events, tuple(children)

    def reach(self, key: Key) -> None:
        """Count one more way to `key`, walking it (and what it enters) when new."""
        stack = [key]
        while stack:
            current = stack.pop()
            held = self.walked.get(current)
            if held is not None:
                self.walked[current] = (held[0] + 1, held[1], held[2])
                continue
            events, children = self.derive(current)
            self.walked[current] = (1, events, children)
            self.keys_of.setdefault(current[0], set()).add(current)
            self.count(events, 1)
            stack.extend(children)

    def release(self, key: Key) -> None:
        """Count one way to `key` less, dropping it (and what only it entered) at none."""
        stack = [key]
        while stack:
            current = stack.pop()
            count, events, children = self.walked[current]
            if count > 1:
                self.walked[current] = (count - 1, events, children)
                continue
            del self.walked[current]
            self.keys_of[current[0]].discard(current)
            self.count(events, -1)
            stack.extend(children)

    def count(self, events: Iterable[Event], delta: int) -> None:
        for question, stage, context in events:
            seen = self.events.setdefault(question, {})
            total = seen.get((stage, context), 0) + delta
            if total:
                seen[(stage, context)] = total
            else:
                del seen[(stage, context)]
            self.changed_questions.add(question)

    def update(
        self, env: Mapping[Any, Value], evaluated: Iterable[str], answered: Iterable[str]
    ) -> None:
        """Follow an environment in which the questions `answered` were answered otherwise
        and the named values `evaluated` were computed again."""
        self.env = env
        self.answered.update(answered)
        names = list(evaluated)
        for name in names:
            self.fragments.pop(name, None)
        self.forget_below(names)
        for index, goal in enumerate(self.compiled.goal_ids):
            old, new = self.roots[index], self.root(goal)
            if new != old:
                self.roots[index] = new
                self.reach(new)
                self.release(old)
        for name in names:
            for key in list(self.keys_of.get(name, ())):
                self.rederive(key)

    def rederive(self, key: Key) -> None:
        held = self.walked.get(key)
        if held is None:  # dropped meanwhile: nothing reaches it now
            return
        count, events, children = held
        new_events, new_children = self.derive(key)
        if new_events == events and new_children == children:
            return
        self.walked[key] = (count, new_events, new_children)
        self.count(new_events, 1)
        self.count(events, -1)
        for child in new_children:
            self.reach(child)
        for child in children:
            self.release(child)

    def forget_below(self, names: Iterable[str]) -> None:
        """Drop the remembered rules below these names and every name above them."""
        # A remembered name has every name below it remembered: stop where one is not.
        stack = list(names)
        while stack:
            name = stack.pop()
            self.below.pop(name, None)
            stack.extend(p for p in self.parents.get(name, ()) if p in self.below)

    def rules_below(self, goal: str) -> list[str]:
        """Rules with a known value below a goal, as `relevance._Walker.rules_below` orders them."""
        return known_rules_below(
            goal, lambda name: self.fragment(name).names, self.compiled, self.env, self.below
        )

    def walk(self, dont_know: frozenset[str]) -> Walk:
        """The walk for the current environment: relevant, used, and the reasons per goal."""
        touched = self.changed_questions | self.answered | (dont_know ^ self.dont_know)
        for question in self.changed_questions:
            seen = self.events.get(question)
            if not seen:
                self.summary.pop(question, None)
                self.events.pop(question, None)
                continue
            contexts = sorted({c for _, c in seen if c}, key=self.rank.__getitem__)
            self.summary[question] = (min(s for s, _ in seen), contexts)
        for question in touched:
            self.classify(question, dont_know)
        self.changed_questions, self.answered, self.dont_know = set(), set(), dont_know
        return Walk(
            relevant=dict(self.relevant),
            used=set(self.used),
            reasons={goal: self.rules_below(goal) for goal in self.compiled.goal_ids},
            order=[question for _, _, question in self.order],
        )

    def classify(self, question: str, dont_know: frozenset[str]) -> None:
        """File a question reached by the walk as relevant or used (or neither), in order."""
        rank = self.compiled.question_rank[question]
        old = self.relevant.pop(question, None)
        if old is not None:
            del self.order[bisect.bisect_left(self.order, (old[0], rank, question))]
        self.used.discard(question)
        summary = self.summary.get(question)
        if summary is None:
            return
        if question in dont_know or self.env[question] is not UNKNOWN:
            self.used.add(question)
        else:
            self.relevant[question] = summary
            bisect.insort(self.order, (summary[0], rank, question))
