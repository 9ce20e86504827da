"""Relevance for claims with collections: the walk of `relevance.py` across entities.

The same definition (OPA's): an unanswered question is relevant when its answer could still
change an undecided goal. The walk goes from the root's goals and every instance's goals
through the values computed, into an instance's parent for `household.state`, and into the
instances of a collection for an aggregate:
- a known aggregate is walked through the instances that decide it (the true ones of a true
  `any`, or every instance and the completeness answer when the list had to be complete);
- an open aggregate is walked through every instance that can still change it (not the
  false ones of an `any`: with more answers they stay false), and the completeness
  question is relevant while the list is not known to be complete.
Questions are addressed by JSON Pointer (`/children/c1/age`); root questions by `/id`.
Instances that take the same path share one walk of it, replayed (entity_segments.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eligibility.answers import Answers
from eligibility.compiler import CompiledRuleSet
from eligibility.entity_frames import (
    Context,
    Edges,
    EntityWalk,
    Frame,
    Relevant,
    instance_frames,
    instance_reasons,
    quoted_questions,
    rules_below,
)
from eligibility.entity_segments import Recording, Segments
from eligibility.expressions import nodes as n
from eligibility.expressions.aggregates import Instances, collection_key
from eligibility.expressions.values import UNKNOWN, Value, is_known

__all__ = ["Context", "EntityWalk", "Frame", "Relevant", "entity_walk"]

# The named value (in its entity) whose expression holds the node: edges for the reasons.
Owner = tuple[Frame, str] | None
WalkItem = tuple[n.Node, int, Context, Frame, Owner]
WalkKey = tuple[int, str, int, Any]  # (id(frame), name, stage, context) walked once


class _EntityWalker:
    """Walks the goals of one evaluation across entities; see the module docstring."""

    def __init__(
        self, compiled: CompiledRuleSet, env: dict[Any, Any], answers: Answers, cached: bool
    ) -> None:
        self.compiled = compiled
        self.root = Frame(compiled, env, answers)
        self.result = EntityWalk()
        self.seen: set[WalkKey] = set()
        self.segments = Segments() if cached else None  # see entity_segments.py
        self.recording: Recording | None = None
        self.stack: list[WalkItem] = []
        self.entered = Edges(self.root)
        self.frames: dict[tuple[int, str], list[Frame]] = {}

    def run(self) -> EntityWalk:
        for goal in self.compiled.goal_ids:
            self.enter(self.root, goal, 0, ((), goal), None)
            self.drain()
        frames = self.instances(self.root)
        for frame in frames:
            for goal in frame.scope.goal_ids:
                self.enter(frame, goal, 0, (frame.path, goal), None)
            self.drain()
        self.naming(frames)
        for goal in self.compiled.goal_ids:
            self.result.reasons[goal] = rules_below(self.entered, (self.root, goal))
        took = self.segments.taken if self.segments is not None else lambda frame: None
        self.result.instance_reasons = instance_reasons(self.entered, frames, took)
        return self.result

    def naming(self, frames: list[Frame]) -> None:
        """The answers an instance is named by (its item label quotes them) are asked first,
        as soon as anything about the instance is asked, and are never ignored."""
        asked = {id(r.frame): r for r in self.result.relevant.values()}
        by_kind: dict[tuple[str, ...], list[str]] = {}
        for frame in frames:
            quoted = by_kind.get(frame.scope.path)
            if quoted is None:
                quoted = by_kind[frame.scope.path] = quoted_questions(frame.scope)
            first = asked.get(id(frame))
            for qid in quoted:
                if is_known(frame.env[qid]) or qid in frame.answers.dont_know:
                    self.result.used.add(f"{frame.prefix}/{qid}")
                elif first is not None:
                    self.question(frame, qid, 0, first.contexts[0])

    def instances(self, frame: Frame) -> list[Frame]:
        """Every instance below a frame, parents before their own instances."""
        found: list[Frame] = []
        for cid in frame.scope.collections:
            for inner in self.instance_frames(frame, cid):
                found.append(inner)
                found.extend(self.instances(inner))
        return found

    def drain(self) -> None:
        stack, segments = self.stack, self.segments
        while stack:
            item = stack.pop()
            if segments is not None and item[3].parent is not None:
                segments.run(self, item)  # an item entering an instance: a segment
            else:
                self.step(*item)

    def enter(self, frame: Frame, name: str, stage: int, context: Context, owner: Owner) -> None:
        named = frame.scope.named[name]
        if owner is not None:
            self.entered.add(owner, frame, name)
        key = self.seen_key(frame, name, stage, context)
        new = not self.has(frame, key)
        if new:
            self.seen.add(key)
            inner = (frame.path, name) if named.kind == "rule" else context
            self.stack.append((named.node, min(stage, 1), inner, frame, (frame, name)))
        if self.segments is not None:
            self.segments.entered(self.recording, frame, name, (stage, context), key, owner, new)

    def has(self, frame: Frame, key: WalkKey) -> bool:
        """Whether the walk saw `key` (a replayed instance's keys are those of its state)."""
        if key in self.seen:
            return True
        return self.segments is not None and self.segments.saw(frame, key)

    def seen_key(self, frame: Frame, name: str, stage: int, context: Context) -> WalkKey:
        """A known value is walked only through known parts, where stage and context never
        matter (they only label relevant questions): walked once."""
        if is_known(frame.env[name]):
            return (id(frame), name, 0, None)
        rule = frame.scope.named[name].kind == "rule"
        return (id(frame), name, min(stage, 1), (frame.path, name) if rule else context)

    def value(self, node: n.Node, frame: Frame) -> Value:
        if isinstance(node, n.Name):
            return frame.env[node.name]  # type: ignore[no-any-return]
        if isinstance(node, n.Literal):
            return node.value
        # An instance after the one that decided an `any`/`all` was never evaluated.
        return frame.env.get(id(node), UNKNOWN)  # type: ignore[no-any-return]

    def step(self, node: n.Node, stage: int, context: Context, frame: Frame, owner: Owner) -> None:
        strict = self.compiled.strict_parts.get(id(node))
        if strict is not None:
            questions, named = strict
            for question in questions:
                self.question(frame, question, stage, context)
            for name in named:
                self.enter(frame, name, stage, context, owner)
            return
        if isinstance(node, n.ParentRef):
            self.reference(frame.up(node.up), node.name, stage, context, owner)
        elif isinstance(node, n.Aggregate):
            if self.recording is not None:  # reads other instances: never replayed
                self.recording.pure = False
            self.aggregate(node, frame, stage, context, owner)
        elif is_known(value := self.value(node, frame)):
            self.push(self.decisive(node, value, frame), stage, context, frame, owner)
        elif isinstance(node, n.If) and not is_known(self.value(node.cond, frame)):
            self.push([node.cond], stage, context, frame, owner)
            self.push([node.then, node.otherwise], stage + 1, context, frame, owner)
        elif isinstance(node, n.If):
            self.push(self.taken(node, frame), stage, context, frame, owner)
        else:
            self.push(n.operands(node), stage, context, frame, owner)

    def push(
        self,
        nodes: list[n.Node] | tuple[n.Node, ...],
        stage: int,
        context: Context,
        frame: Frame,
        owner: Owner,
    ) -> None:
        self.stack.extend((child, stage, context, frame, owner) for child in reversed(nodes))

    def reference(
        self, frame: Frame, name: str, stage: int, context: Context, owner: Owner
    ) -> None:
        if name in frame.scope.named:
            self.enter(frame, name, stage, context, owner)
        elif name in frame.scope.questions:
            self.question(frame, name, stage, context)

    def decisive(self, node: n.Node, value: Value, frame: Frame) -> list[n.Node]:
        if isinstance(node, n.And | n.Or) and value is (isinstance(node, n.Or)):
            return [o for o in node.operands if self.value(o, frame) is value]
        if isinstance(node, n.If):
            return self.taken(node, frame)
        return [c for c in n.operands(node) if is_known(self.value(c, frame))]

    def taken(self, node: n.If, frame: Frame) -> list[n.Node]:
        cond = self.value(node.cond, frame)
        if cond is True:
            return [node.cond, node.then]
        if cond is False:
            return [node.cond, node.otherwise]
        return [node.then, node.otherwise]

    def aggregate(
        self, node: n.Aggregate, frame: Frame, stage: int, context: Context, owner: Owner
    ) -> None:
        scope = frame.scope.collections[node.collection]
        frames = self.instance_frames(frame, node.collection)
        value = self.value(node, frame)
        absorbing = {"any": True, "all": False}.get(node.func)
        for inner in frames:
            keep = self.value(node.filter, inner) if node.filter is not None else True
            read = (
                self.value(node.value, inner)
                if node.value is not None and keep is not False
                else None
            )
            if is_known(value) and value is absorbing:
                if keep is True and read is absorbing:  # one instance that decides it
                    self.push(list(n.scoped(node)), stage, context, inner, owner)
                continue
            if (
                not is_known(value)
                and absorbing is not None
                and (keep is False or read is (not absorbing))
            ):
                continue  # stays as it is whatever else is answered
            parts = [node.filter] if node.filter is not None else []
            if keep is not False and node.value is not None:
                parts.append(node.value)
            self.push(parts, stage, context, inner, None)  # not reasons: every instance
        if not (is_known(value) and value is absorbing):
            self.question(frame, scope.collection.completeness_question, stage, context)
            if _more_to_come(frame.env[collection_key(node.collection)], scope, frame.env):
                self.adding(frame, node.collection, stage, context)

    def adding(self, frame: Frame, cid: str, stage: int, context: Context) -> None:
        """The prompt to add an instance: the claimant said there are more than listed."""
        where = f"{frame.prefix}/{cid}/-"  # ids need no escaping
        found = self.result.relevant.get(where)
        if found is None:
            closing = frame.scope.collections[cid].collection.completeness_question
            question = frame.scope.questions[closing]
            found = Relevant(question, frame, stage, adding=cid, where=where)
            self.result.relevant[where] = found
        found.stage = min(found.stage, stage)
        if context not in found.contexts:
            found.contexts += (context,)

    def instance_frames(self, frame: Frame, cid: str) -> list[Frame]:
        """The frames of a collection's instances under `frame`, made once."""
        found = self.frames.get((id(frame), cid))
        if found is None:
            found = self.frames[(id(frame), cid)] = instance_frames(frame, cid)
            self.entered.frames.update((inner.prefix, inner) for inner in found)
        return found

    def question(self, frame: Frame, qid: str, stage: int, context: Context) -> None:
        if self.recording is not None:
            self.recording.question(frame, qid, stage, context)
        self.reached(frame, qid, stage, (context,))

    def reached(self, frame: Frame, qid: str, stage: int, contexts: tuple[Context, ...]) -> None:
        """A question reached at a stage from rules (contexts): used when answered, else
        relevant (its earliest stage, each rule once in the order reached)."""
        where = f"{frame.prefix}/{qid}"
        if qid in frame.answers.dont_know or is_known(frame.env[qid]):
            self.result.used.add(where)
            return
        found = self.result.relevant.get(where)
        if found is None:  # contexts come without repeats (one, or a segment's)
            question = frame.scope.questions[qid]
            self.result.relevant[where] = Relevant(question, frame, stage, contexts, where=where)
            return
        if stage < found.stage:
            found.stage = stage
        for context in contexts:
            if context not in found.contexts:
                found.contexts += (context,)


def _more_to_come(items: Instances, scope: Any, env: Mapping[Any, Any]) -> bool:
    """True when the claimant said more instances exist than are listed."""
    if items.declared is not None:
        return len(items.envs) < items.declared
    return env.get(scope.collection.completeness_question) is False


def entity_walk(
    compiled: CompiledRuleSet, env: Mapping[Any, Any], answers: Answers, cached: bool = True
) -> EntityWalk:
    """Relevant questions, used answers and root reasons of one evaluation with collections.

    `cached`: instances that take the same path replay its walk (see entity_segments.py).
    """
    table = dict(env) if not isinstance(env, dict) else env
    return _EntityWalker(compiled, table, answers, cached).run()
