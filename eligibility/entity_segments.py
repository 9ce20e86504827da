"""The relevance walk of an instance, walked once per path and replayed for the others.

Employees of one claim take a handful of paths through their rules. The walk across entities
(entity_relevance.py) takes each item that enters an instance from outside (an aggregate's
operand, an instance goal) as a *segment*: the item and everything it pushes, which the stack
processes before anything below it. What a segment does depends only on
- the instance's *signature*: which of its answers are "don't know", and the class of every
  value in its environment (true, false, known, open; the walk reads nothing finer),
- its *state*: the walk keys already seen in the instance (a segment pushes only unseen
  ones), summarised as a number that follows every change,
- the item (node, stage, context, owner),
as long as it stays inside the instance and reaches the ancestors only through questions and
through named values the walk has already entered (it then adds an edge and pushes nothing).
Such a segment is recorded as its effects in order — questions reached, walk keys seen,
edges for the reasons — relative to the instance, and replayed for every instance with the
same signature, state and item whose ancestors have seen those named values too. Anything
else (an aggregate over a nested collection, a parent's value not yet walked) runs live and
leaves the instance's state unknown, so it is never replayed from then on.
The keys a replayed instance saw are not written out: its state stands for them
(`seen_of`), as the same for every instance in it; they are written out only when the
instance is walked live from then on.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from eligibility.entity_frames import Context, Frame
from eligibility.expressions.values import UNKNOWN, Failure

if TYPE_CHECKING:
    from eligibility.entity_relevance import Owner, WalkItem, WalkKey, _EntityWalker

# Owner of an edge inside a segment: the segment item's own owner, or a named value of the
# instance (by name).
OUTER = ("outer",)
_OPEN, _KNOWN = "open", "known"
# A value's class by its type: booleans stand for themselves (None here), open or known.
_CLASSES: dict[type, str | None] = {bool: None, type(UNKNOWN): _OPEN, Failure: _OPEN}
# A question reached, with every call for it taken together (the walk's `reached` gives the
# same result): (levels up from the instance, question, earliest stage, contexts in order).
_Reached = tuple[int, str, int, tuple[Context, ...]]
# A walk key the instance saw: (name, stage, context) as entity_relevance makes them.
_Seen = tuple[str, int, Any]
# An edge for the reasons: (owner's name in the instance, or OUTER; levels up; name).
_Edge = tuple[Any, int, str]
# An ancestor's named value the segment needs seen: (levels up, name, stage, context).
_Need = tuple[int, str, int, Context]


@dataclass(frozen=True)
class Segment:
    """What one segment did, and what it needs of the ancestors to be replayed."""

    questions: tuple[_Reached, ...]  # in the order first reached
    edges: tuple[_Edge, ...]  # in the order made
    needs: tuple[_Need, ...]
    after: int  # the instance's state afterwards


@dataclass
class Recording:
    """The effects of one segment while it runs live; `pure` until it leaves the instance."""

    frame: Frame
    owner: Owner
    questions: dict[tuple[int, str], tuple[int, list[Context]]] = field(default_factory=dict)
    seen: list[_Seen] = field(default_factory=list)
    edges: list[_Edge] = field(default_factory=list)
    needs: list[_Need] = field(default_factory=list)
    pure: bool = True

    def question(self, frame: Frame, qid: str, stage: int, context: Context) -> None:
        """A question reached in the instance or an ancestor."""
        up = _levels(self.frame, frame)
        if up is None:
            self.pure = False
            return
        best, contexts = self.questions.get((up, qid), (stage, []))
        if context not in contexts:
            contexts.append(context)
        self.questions[(up, qid)] = (min(best, stage), contexts)

    def enter(
        self,
        frame: Frame,
        name: str,
        at: tuple[int, Context],
        key: WalkKey,
        owner: Owner,
        new: bool,
    ) -> None:
        """A named value entered (at a stage, in a context): its edge and the key it saw."""
        up = _levels(self.frame, frame)
        if owner is not None:
            mine = OUTER if owner is self.owner else owner[1] if owner[0] is self.frame else None
            if mine is None or up is None:
                self.pure = False
            else:
                self.edges.append((mine, up, name))
        if up == 0 and new:
            self.seen.append(key[1:])
        elif up is None or new:  # a walk pushed outside the instance
            self.pure = False
        elif up:
            self.needs.append((up, name, *at))

    def segment(self, after: int) -> Segment:
        """The recorded effects, to replay."""
        questions = tuple((up, q, s, tuple(c)) for (up, q), (s, c) in self.questions.items())
        return Segment(questions, tuple(self.edges), tuple(self.needs), after)


class Segments:
    """The segments of one walk, by (instance state, item); the instances' states."""

    def __init__(self) -> None:
        self.recorded: dict[Hashable, Segment] = {}
        self.numbers: dict[Hashable, int] = {}  # signatures and transitions → state numbers
        self.states: dict[int, int | None] = {}  # id(frame) → its state (None: not replayable)
        # state → the walk keys an instance in that state saw (without its id): a replayed
        # instance's keys are not written out one by one, as 10,000 employees would need
        self.seen_of: dict[int, frozenset[_Seen]] = {}

    def number(self, key: Hashable, before: int | None = None, seen: Any = ()) -> int:
        """The state number of a signature, or of a transition from `before` that saw
        `seen`: the same for equal ones."""
        found = self.numbers.get(key)
        if found is None:
            found = self.numbers[key] = len(self.numbers) + 1
            known = self.seen_of[before] if before is not None else frozenset()
            self.seen_of[found] = known.union(seen)
        return found

    def saw(self, frame: Frame, key: WalkKey) -> bool:
        """Whether the instance's state stands for having seen `key`."""
        state = self.states.get(id(frame)) if frame.parent is not None else None
        return state is not None and key[1:] in self.seen_of[state]

    def live(self, walker: _EntityWalker, frame: Frame) -> None:
        """The instance is walked live from now on: the keys its state stood for written out."""
        state = self.states.get(id(frame))
        if state is not None:
            walker.seen.update((id(frame), *seen) for seen in self.seen_of[state])
        self.states[id(frame)] = None

    def state(self, frame: Frame) -> int | None:
        """The instance's current state (its signature's number at first)."""
        key = id(frame)
        if key not in self.states:
            self.states[key] = self.number(signature(frame))
        return self.states[key]

    def taken(self, frame: Frame) -> int | None:
        """The path an instance took, once walked: its state, None when it was walked live
        (an instance's edges are those of the segments its state went through)."""
        return self.states.get(id(frame))

    def entered(
        self,
        recording: Recording | None,
        frame: Frame,
        name: str,
        at: tuple[int, Context],
        key: WalkKey,
        owner: Owner,
        new: bool,
    ) -> None:
        """A named value entered: noted by the segment running live, if any. A key of an
        instance first seen outside its own segments (a nested instance's reference to
        it, its goals entered by the walk) moves its state on, as a segment would."""
        if recording is not None:
            recording.enter(frame, name, at, key, owner, new)
        if new and frame.parent is not None and (recording is None or recording.frame is not frame):
            before = self.state(frame)
            if before is not None:
                self.states[id(frame)] = self.number((before, key[1:]), before, (key[1:],))

    def run(self, walker: _EntityWalker, item: WalkItem) -> None:
        """Replay the item's segment when it is known and its needs hold, else run it live."""
        node, stage, context, frame, owner = item
        state = self.state(frame)
        if state is None:
            walker.step(*item)
            return
        mine = None if owner is None else OUTER if owner[0] is not frame else owner[1]
        key = (state, id(node), stage, context, mine)
        found = self.recorded.get(key)
        if found is not None and (
            not found.needs
            or all(
                walker.has(frame.up(up), walker.seen_key(frame.up(up), name, s, c))
                for up, name, s, c in found.needs
            )
        ):
            _replay(walker, frame, owner, found)
            self.states[id(frame)] = found.after
            return
        recording = walker.recording = Recording(frame, owner)
        height = len(walker.stack)
        walker.step(*item)
        while len(walker.stack) > height:  # what the item pushed, as the stack would
            inner = walker.stack.pop()
            if inner[3] is not frame and inner[3].parent is not None:
                self.live(walker, inner[3])  # another instance walked live: its own path
            walker.step(*inner)
        walker.recording = None
        if recording.pure:
            after = self.number(key, state, recording.seen)
            self.recorded[key] = recording.segment(after)
            self.states[id(frame)] = after
        else:
            self.live(walker, frame)


def _replay(walker: _EntityWalker, frame: Frame, owner: Owner, segment: Segment) -> None:
    for up, qid, stage, contexts in segment.questions:
        walker.reached(frame.up(up) if up else frame, qid, stage, contexts)
    for mine, up, name in segment.edges:
        source = owner if mine is OUTER else (frame, mine)
        assert source is not None
        walker.entered.add(source, frame.up(up) if up else frame, name)


def _levels(inner: Frame, frame: Frame) -> int | None:
    """How many levels `frame` is above `inner` (0: itself), None when not an ancestor."""
    up = 0
    current: Frame | None = inner
    while current is not None:
        if current is frame:
            return up
        current, up = current.parent, up + 1
    return None


def signature(frame: Frame) -> Hashable:
    """Which answers are "don't know", and the class of every value the instance holds."""
    classes = tuple([_CLASSES.get(type(v), _KNOWN) or v for v in frame.env.values()])
    return (frame.scope.path, frame.answers.dont_know, tuple(frame.env), classes)
