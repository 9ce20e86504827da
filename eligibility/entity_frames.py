"""The entities of the relevance walk across collections, and what the walk finds.

A `Frame` is one entity (the root or an instance) with its values and answers; a `Relevant`
is a question found relevant in one frame; an `EntityWalk` holds every relevant question,
the used answers and the root goals' reasons (see entity_relevance.py for the walk).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from eligibility.answers import Answers
from eligibility.compiler import PLACEHOLDER
from eligibility.expressions.aggregates import Instances, collection_key
from eligibility.expressions.values import is_known
from eligibility.model import Question

# A context is the innermost rule or goal on the path: (its entity's ScopePath, its id).
Context = tuple[tuple[str, ...], str]


@dataclass(eq=False, slots=True)
class Frame:
    """One entity in the walk: the root or an instance, with its values and answers."""

    scope: Any  # CompiledRuleSet or CompiledCollection
    env: dict[Any, Any]
    answers: Answers
    prefix: str = ""  # its JSON Pointer: "" or "/children/c1" (ids need no escaping)
    parent: Frame | None = None
    anchor: int = 0  # the rank of the completeness question in the parent
    index: int = 0  # its place in the collection
    order: str = "instance_first"

    @property
    def at(self) -> tuple[str, ...]:
        """The pointer's parts: () or ("children", "c1")."""
        return tuple(self.prefix.split("/")[1:])

    def within(self, outer: Frame) -> bool:
        """True when this entity is `outer` or below it."""
        return self.prefix == outer.prefix or self.prefix.startswith(outer.prefix + "/")

    @property
    def path(self) -> tuple[str, ...]:
        """The collections from the root down to this entity's kind (() for the root)."""
        return () if self.parent is None else self.scope.path

    def up(self, levels: int) -> Frame:
        """The enclosing frame `levels` above."""
        frame = self
        for _ in range(levels):
            assert frame.parent is not None
            frame = frame.parent
        return frame

    def key(self, local: tuple[int, ...]) -> tuple[int, ...]:
        """The asking order of a question of this entity whose own order is `local`."""
        if self.parent is None:
            return local
        index = self.index
        inner = (index, *local) if self.order == "instance_first" else (*local, index)
        return self.parent.key((self.anchor, 0, *inner))


@dataclass(slots=True)
class Relevant:
    """A relevant question: where it is, its entity, the stage and the rules it feeds.

    With `adding` set, it is the prompt to add an instance to that collection of the frame
    (the claimant said there are more than are listed).
    """

    question: Question
    frame: Frame
    stage: int
    contexts: tuple[Context, ...] = ()  # a tuple: no list per question of 10,000 instances
    adding: str | None = None
    where: str = ""  # its key among the relevant: the pointer (an adding prompt's ends in -)

    def sort_key(self, closing: set[str] | None = None) -> tuple[Any, ...]:
        """Settling conditions first, then the authors' order (see Frame.key); `closing`,
        the completeness questions of the frame's kind, when already known."""
        scope = self.frame.scope
        rank = scope.question_rank[self.question.id]
        if self.adding is not None:  # after the listed instances, before the question again
            return (self.stage, self.frame.key((rank, 0, 1 << 30)))
        if closing is None:
            closing = _completeness_questions(scope)
        return (self.stage, self.frame.key((rank, 1 if self.question.id in closing else 0)))


def _completeness_questions(scope: Any) -> set[str]:
    return {c.collection.completeness_question for c in scope.collections.values()}


@dataclass
class EntityWalk:
    """What the walk found: relevant questions and used answers by pointer, root reasons."""

    relevant: dict[str, Relevant] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    # root goal → the rules with a known value that decide or shape it, in the entity where
    # they were reached (an instance's rule names the instance: "Anna qualifies")
    reasons: dict[str, list[tuple[Frame, str]]] = field(default_factory=dict)
    # (instance pointer, goal) → the instance's own rules reached from that goal: the operands
    # that decided it, as for a root goal (a branch not taken gives no reason)
    instance_reasons: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)

    def next_questions(self) -> list[Relevant]:
        """Relevant questions in asking order."""
        closing: dict[int, set[str]] = {}  # by kind of entity (id of its scope)

        def key(item: Relevant) -> tuple[Any, ...]:
            scope = item.frame.scope
            found = closing.get(id(scope))
            if found is None:
                found = closing[id(scope)] = _completeness_questions(scope)
            return item.sort_key(found)

        return sorted(self.relevant.values(), key=key)


class Edges:
    """Each named value (in its entity) → the named values it entered, in the order entered.

    Both are kept as JSON Pointers (`/employees/e1/allowance`, `/quorum`): strings, which
    Python's collector does not track, where a claim of 10,000 employees made a tuple of
    (entity, name) per edge; `frames` turns a pointer's entity back into its frame.
    """

    __slots__ = ("edges", "frames")

    def __init__(self, root: Frame) -> None:
        self.edges: dict[str, dict[str, None]] = {}
        self.frames: dict[str, Frame] = {root.prefix: root}  # by pointer; ids need no escaping

    def add(self, source: tuple[Frame, str], frame: Frame, name: str) -> None:
        """An edge from `source` to the named value `name` of `frame`."""
        key = f"{source[0].prefix}/{source[1]}"
        found = self.edges.get(key)
        if found is None:
            found = self.edges[key] = {}
        found[f"{frame.prefix}/{name}"] = None


def rules_below(
    entered: Edges, start: tuple[Frame, str], inside: Frame | None = None
) -> list[tuple[Frame, str]]:
    """Rules with a known value reached from a goal: the root's, and the instances'
    that decided an any/all (a count or sum over every instance names none of them).
    With `inside`, only that entity and those below it are followed."""
    found: dict[str, tuple[Frame, str]] = {}
    visited: set[str] = set()
    stack = [f"{start[0].prefix}/{start[1]}"]
    while stack:
        key = stack.pop()
        if key in visited:
            continue
        visited.add(key)
        prefix, _, name = key.rpartition("/")
        frame = entered.frames[prefix]
        if inside is not None and not frame.within(inside):
            continue
        if frame.scope.named[name].kind == "rule" and is_known(frame.env[name]):
            found[key] = (frame, name)
        stack.extend(reversed(list(entered.edges.get(key, ()))))
    return list(found.values())


def instance_reasons(
    entered: Edges, frames: list[Frame], path: Callable[[Frame], Hashable | None]
) -> dict[tuple[str, str], frozenset[str]]:
    """(instance pointer, goal) → the instance's own rules that decided the goal.

    `path` names the path an instance took through the walk (None: its own); instances
    that took the same one have the same rules (its edges are the same).
    """
    found: dict[tuple[str, str], frozenset[str]] = {}
    known: dict[tuple[Hashable, str], frozenset[str]] = {}
    for frame in frames:
        took = path(frame)
        for goal in frame.scope.goal_ids:
            same = known.get((took, goal)) if took is not None else None
            if same is None:
                own = rules_below(entered, (frame, goal), inside=frame)
                same = frozenset(name for where, name in own if where is frame)
                if took is not None:
                    known[(took, goal)] = same
            found[(frame.prefix, goal)] = same  # one set per path, shared
    return found


def instance_frames(frame: Frame, cid: str) -> list[Frame]:
    """The frames of a collection's instances under `frame`."""
    scope = frame.scope.collections[cid]
    rank = frame.scope.question_rank[scope.collection.completeness_question]
    answers = frame.answers.collections.get(cid, ())
    items: Instances = frame.env[collection_key(cid)]
    return [
        Frame(
            scope,
            env,
            answers[i],
            f"{frame.prefix}/{cid}/{iid}",  # ids need no escaping (answer_document.py)
            frame,
            rank,
            i,
            scope.collection.order,
        )
        for i, (iid, env) in enumerate(items)
    ]


def quoted_questions(scope: Any) -> list[str]:
    """The questions of a collection that its item label quotes, in asking order."""
    text = scope.collection.item_label
    quoted = {name for value in text.values() for name in PLACEHOLDER.findall(value)}
    return sorted(quoted & set(scope.questions), key=scope.question_rank.__getitem__)
