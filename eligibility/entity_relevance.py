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
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eligibility.answers import Answers
from eligibility.compiler import PLACEHOLDER, CompiledRuleSet
from eligibility.entity_frames import Context, EntityWalk, Frame, Relevant
from eligibility.expressions import nodes as n
from eligibility.expressions.aggregates import Instances, collection_key
from eligibility.expressions.values import UNKNOWN, Value, is_known
from eligibility.values_io import pointer

__all__ = ["Context", "EntityWalk", "Frame", "Relevant", "entity_walk"]

# The named value (in its entity) whose expression holds the node: edges for the reasons.
Owner = tuple[Frame, str] | None
_Item = tuple[n.Node, int, Context, Frame, Owner]


class _EntityWalker:
    """Walks the goals of one evaluation across entities; see the module docstring."""

    def __init__(self, compiled: CompiledRuleSet, env: dict[Any, Any], answers: Answers) -> None:
        self.compiled = compiled
        self.root = Frame(compiled, env, answers, ())
        self.result = EntityWalk()
        self.seen: set[tuple[int, str, int, Any]] = set()
        self.stack: list[_Item] = []
        self.entered: dict[tuple[Frame, str], dict[tuple[Frame, str], None]] = {}
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
            self.result.reasons[goal] = self.rules_below((self.root, goal))
        for frame in frames:
            for goal in frame.scope.goal_ids:
                own = self.rules_below((frame, goal), inside=frame)
                reasons = {name for where, name in own if where is frame}
                self.result.instance_reasons[(frame.prefix, goal)] = reasons
        return self.result

    def rules_below(
        self, start: tuple[Frame, str], inside: Frame | None = None
    ) -> list[tuple[Frame, str]]:
        """Rules with a known value reached from a goal: the root's, and the instances'
        that decided an any/all (a count or sum over every instance names none of them).
        With `inside`, only that entity and those below it are followed."""
        found: dict[tuple[Frame, str], None] = {}
        visited: set[tuple[Frame, str]] = set()
        stack = [start]
        while stack:
            key = stack.pop()
            if key in visited:
                continue
            visited.add(key)
            frame, name = key
            if inside is not None and frame.at[: len(inside.at)] != inside.at:
                continue
            if frame.scope.named[name].kind == "rule" and is_known(frame.env[name]):
                found[key] = None
            stack.extend(reversed(list(self.entered.get(key, ()))))
        return list(found)

    def naming(self, frames: list[Frame]) -> None:
        """The answers an instance is named by (its item label quotes them) are asked first,
        as soon as anything about the instance is asked, and are never ignored."""
        asked = {id(r.frame): r for r in self.result.relevant.values()}
        for frame in frames:
            quoted = _quoted(frame.scope.collection.item_label) & set(frame.scope.questions)
            first = asked.get(id(frame))
            for qid in sorted(quoted, key=frame.scope.question_rank.__getitem__):
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
        while self.stack:
            self.step(*self.stack.pop())

    def enter(self, frame: Frame, name: str, stage: int, context: Context, owner: Owner) -> None:
        named = frame.scope.named[name]
        if owner is not None:
            self.entered.setdefault(owner, {})[(frame, name)] = None
        if named.kind == "rule":
            context = (frame.path, name)
        known = is_known(frame.env[name])
        key = (id(frame), name, 0, None) if known else (id(frame), name, min(stage, 1), context)
        if key not in self.seen:
            self.seen.add(key)
            self.stack.append((named.node, min(stage, 1), context, frame, (frame, name)))

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
        where = pointer(*frame.at, cid, "-")
        found = self.result.relevant.get(where)
        if found is None:
            question = frame.scope.questions[
                frame.scope.collections[cid].collection.completeness_question
            ]
            found = Relevant(question, frame, stage, adding=cid)
            self.result.relevant[where] = found
        found.stage = min(found.stage, stage)
        if context not in found.contexts:
            found.contexts.append(context)

    def instance_frames(self, frame: Frame, cid: str) -> list[Frame]:
        """The frames of a collection's instances under `frame`, made once."""
        cached = self.frames.get((id(frame), cid))
        if cached is not None:
            return cached
        scope = frame.scope.collections[cid]
        rank = frame.scope.question_rank[scope.collection.completeness_question]
        answers = frame.answers.collections.get(cid, ())
        items: Instances = frame.env[collection_key(cid)]
        found = [
            Frame(
                scope,
                env,
                answers[i],
                (*frame.at, cid, iid),
                frame,
                (rank, i),
                scope.collection.order,
            )
            for i, (iid, env) in enumerate(items)
        ]
        self.frames[(id(frame), cid)] = found
        return found

    def question(self, frame: Frame, qid: str, stage: int, context: Context) -> None:
        where = f"{frame.prefix}/{qid}"
        if qid in frame.answers.dont_know or is_known(frame.env[qid]):
            self.result.used.add(where)
            return
        found = self.result.relevant.get(where)
        if found is None:
            found = Relevant(frame.scope.questions[qid], frame, stage)
            self.result.relevant[where] = found
        found.stage = min(found.stage, stage)
        if context not in found.contexts:
            found.contexts.append(context)


def _more_to_come(items: Instances, scope: Any, env: Mapping[Any, Any]) -> bool:
    """True when the claimant said more instances exist than are listed."""
    if items.declared is not None:
        return len(items.envs) < items.declared
    return env.get(scope.collection.completeness_question) is False


def _quoted(text: Mapping[str, str]) -> set[str]:
    return {name for value in text.values() for name in PLACEHOLDER.findall(value)}


def entity_walk(compiled: CompiledRuleSet, env: Mapping[Any, Any], answers: Answers) -> EntityWalk:
    """Relevant questions, used answers and root reasons of one evaluation with collections."""
    return _EntityWalker(compiled, dict(env) if not isinstance(env, dict) else env, answers).run()
