"""Per-instance results of an evaluation: each instance's goals, label and trace steps."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from eligibility.compiled_parts import CompiledCollection
from eligibility.errors import EvaluationError
from eligibility.expressions.aggregates import Instances, collection_key
from eligibility.expressions.values import Failure, is_known
from eligibility.model import Goal
from eligibility.values_io import pointer, trace_value

# (goal, instance env, compiled collection, pointer of the instance) → GoalResult
GoalMaker = Callable[[Goal, dict[Any, Any], CompiledCollection, str], Any]
LabelMaker = Callable[[CompiledCollection, dict[Any, Any]], "str | None"]
# What renders the instances of one collection, shared by them: (collection, goals, label).
Makers = tuple[CompiledCollection, GoalMaker, LabelMaker]
_UNREAD: Any = object()  # a lazy part not rendered yet
_NONE: Mapping[str, Any] = {}  # shared by the instances without collections; never changed


class InstanceResult:
    """One instance of a collection: its goals (each employee's allowance) and sub-collections.

    Made by `instance_results`, its label and goals (whose reasons quote the instance: "Anna
    lost more than a tenth") are rendered when first read, once, as next questions are: a
    claim of 10,000 employees is often read only for its totals. It equals, and pickles as,
    an instance result made with every part given.
    """

    __slots__ = ("id", "pointer", "collections", "complete", "_label", "_goals", "_env", "_makers")

    def __init__(
        self,
        id: str,
        pointer: str,  # JSON Pointer of the instance in the answers document: /children/c1
        label: str | None,
        goals: Mapping[str, Any],  # goal id → evaluation.GoalResult
        collections: Mapping[str, tuple[InstanceResult, ...]] | None = None,
        complete: Mapping[str, bool] | None = None,
    ) -> None:
        self.id, self.pointer = id, pointer
        self._label, self._goals = label, goals
        self.collections = collections if collections is not None else _NONE
        self.complete = complete if complete is not None else _NONE
        self._env: dict[Any, Any] = {}  # the instance's values, while a part is unread
        self._makers: Makers | None = None

    @classmethod
    def rendered_when_read(
        cls,
        id: str,
        at: str,
        env: dict[Any, Any],
        makers: Makers,
        collections: Mapping[str, tuple[InstanceResult, ...]],
    ) -> InstanceResult:
        """An instance whose label and goals are made from its values when first read."""
        found = cls(id, at, _UNREAD, _UNREAD, collections)
        found._env, found._makers = env, makers
        return found

    @property
    def label(self) -> str | None:
        """Its item label in the evaluation's language (the employee's name)."""
        if self._label is _UNREAD:
            assert self._makers is not None
            scope, _, label = self._makers
            self._label = label(scope, self._env)
        return self._label

    @property
    def goals(self) -> Mapping[str, Any]:
        """Its goals (goal id → evaluation.GoalResult) with their reasons."""
        if self._goals is _UNREAD:
            assert self._makers is not None
            scope, goal, _ = self._makers
            inner, at = self._env, self.pointer
            self._goals = {g.id: goal(g, inner, scope, at) for g in scope.collection.goals}
        return self._goals

    @property
    def decided(self) -> bool:
        """True when every goal of the instance is decided (its own, not its instances')."""
        if self._goals is _UNREAD:
            assert self._makers is not None
            inner = self._env
            return all(is_known(inner[g.id]) for g in self._makers[0].collection.goals)
        return all(g.decided for g in self._goals.values())

    def _fields(self) -> tuple[Any, ...]:
        return (self.id, self.pointer, self.label, self.goals, self.collections, self.complete)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, InstanceResult):
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"InstanceResult(id={self.id!r}, pointer={self.pointer!r}, label={self.label!r}, "
            f"goals={self.goals!r}, collections={self.collections!r}, complete={self.complete!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (InstanceResult, self._fields())


def instance_results(
    collections: Mapping[str, CompiledCollection],
    env: Mapping[Any, Any],
    goal: GoalMaker,
    label: LabelMaker,
    at: tuple[str, ...] = (),
) -> dict[str, tuple[InstanceResult, ...]]:
    """The results of every instance under `env`, collection by collection (label and goals
    rendered when read; a goal that failed to compute is refused here, at once)."""
    found: dict[str, tuple[InstanceResult, ...]] = {}
    for cid, compiled in collections.items():
        items: Instances = env[collection_key(cid)]
        goals = compiled.collection.goals
        makers = (compiled, goal, label)
        prefix = pointer(*at, cid)
        results = []
        for iid, inner in items:
            at_instance = f"{prefix}/{iid}"  # ids need no escaping
            for g in goals:
                value = inner[g.id]
                if isinstance(value, Failure):
                    raise EvaluationError(g.id, value.reason, {"goal": f"{at_instance}/{g.id}"})
            nested = (
                instance_results(compiled.collections, inner, goal, label, (*at, cid, iid))
                if compiled.collections
                else _NONE
            )
            results.append(
                InstanceResult.rendered_when_read(iid, at_instance, inner, makers, nested)
            )
        found[cid] = tuple(results)
    return found


def all_instances(instances: Mapping[str, tuple[InstanceResult, ...]]) -> list[InstanceResult]:
    """Every instance, nested ones after their parent, in the order listed."""
    found: list[InstanceResult] = []
    for items in instances.values():
        for item in items:
            found.append(item)
            found.extend(all_instances(item.collections))
    return found


def instance_trace(
    collections: Mapping[str, CompiledCollection],
    env: Mapping[Any, Any],
    at: tuple[str, ...] = (),
) -> list[tuple[str, str, dict[str, Any], Any, str | None]]:
    """Trace steps of every instance: (name as a JSON Pointer, kind, inputs, result, reference)."""
    steps: list[tuple[str, str, dict[str, Any], Any, str | None]] = []
    for cid, compiled in collections.items():
        for iid, inner in env[collection_key(cid)]:
            where = (*at, cid, iid)
            for name in compiled.order:
                named = compiled.named[name]
                inputs = {r: trace_value(inner[r]) for r in named.reads if r in inner}
                steps.append(
                    (
                        pointer(*where, name),
                        named.kind,
                        inputs,
                        trace_value(inner[name]),
                        named.legal_reference,
                    )
                )
            steps.extend(instance_trace(compiled.collections, inner, where))
    return steps
