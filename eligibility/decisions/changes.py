"""What a replay changed, for people: one entry per goal, with labels and old → new values.

The leaf-by-leaf differences (`replay.differences`) name trace paths; a changed
goal shows up there as its value, its reasons and every trace step it touches.
Here each goal whose outcome or reasons changed becomes one `GoalChange`, with
the rules that made the difference (their value changed and they are a reason
of the goal on either side) and the inputs of those rules that changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from eligibility.compiler import CompiledRuleSet
from eligibility.model import localize


def shown(value: Any) -> str:
    """A recorded value as summaries write it: undecided, true/false, or the text."""
    if value is None:
        return "undecided"
    return str(value).lower() if isinstance(value, bool) else str(value)


@dataclass(frozen=True)
class RuleChange:
    """A rule whose value changed and that is a reason of the goal (on either side)."""

    rule: str
    label: str
    recorded: Any
    replayed: Any
    legal_reference: str | None = None
    inputs: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)  # name → (old, new)

    def describe(self) -> str:
        """`title (§ …): true → false; income_limit 1200.00 → 1000.00`."""
        where = f" ({self.legal_reference})" if self.legal_reference else ""
        text = f"{self.label}{where}: {shown(self.recorded)} → {shown(self.replayed)}"
        moved = [f"{k} {shown(old)} → {shown(new)}" for k, (old, new) in self.inputs.items()]
        return "; ".join([text, *moved])

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "rule": self.rule,
            "label": self.label,
            "recorded": self.recorded,
            "replayed": self.replayed,
            "legal_reference": self.legal_reference,
            "inputs": {k: {"recorded": o, "replayed": n} for k, (o, n) in self.inputs.items()},
        }


@dataclass(frozen=True)
class GoalChange:
    """One goal whose outcome (or whose reasons) changed: its label and old → new value."""

    goal: str
    label: str
    recorded: Any  # the value, None when undecided
    replayed: Any
    rules: tuple[RuleChange, ...] = ()

    @property
    def outcome_changed(self) -> bool:
        """True when the value or its decidedness changed (not only the reasons)."""
        return bool(self.recorded != self.replayed)

    @property
    def change(self) -> str:
        """`true → false`, or `true (other reasons)`."""
        if self.outcome_changed:
            return f"{shown(self.recorded)} → {shown(self.replayed)}"
        return f"{shown(self.recorded)} (other reasons)"

    def describe(self) -> str:
        """`Reduced licence: true → false`."""
        return f"{self.label}: {self.change}"

    def to_dict(self) -> dict[str, Any]:
        """Plain data (the API's `differences` entries)."""
        return {
            "goal": self.goal,
            "label": self.label,
            "recorded": self.recorded,
            "replayed": self.replayed,
            "outcome_changed": self.outcome_changed,
            "text": self.describe(),
            "rules": [r.to_dict() for r in self.rules],
        }


def goal_value(goal: Mapping[str, Any] | None) -> Any:
    """The value of a recorded goal, None when undecided or absent."""
    if not goal or not goal.get("decided"):
        return None
    return goal.get("value")


def goal_changes(
    recorded: Mapping[str, Any],
    replayed: Mapping[str, Any],
    compiled: CompiledRuleSet,
    locale: str,
) -> tuple[GoalChange, ...]:
    """Each goal whose value or reasons differ between two plain outcomes (with their trace).

    A step's inputs are read only where its result differs on the two sides.
    """
    texts = Labels.of(compiled, locale)
    old_steps, new_steps = _steps(recorded["trace"]), _steps(replayed["trace"])
    found = []
    made: dict[str, RuleChange | None] = {}  # a rule behind several goals compared once
    goals = [*recorded["goals"], *(g for g in replayed["goals"] if g not in recorded["goals"])]
    for goal in goals:
        old_reasons = _reasons(recorded["reasons"].get(goal, ()))
        new_reasons = _reasons(replayed["reasons"].get(goal, ()))
        old_value = goal_value(recorded["goals"].get(goal))
        new_value = goal_value(replayed["goals"].get(goal))
        if old_value == new_value and old_reasons == new_reasons:
            continue
        rules = []
        for rule in [*old_reasons, *(r for r in new_reasons if r not in old_reasons)]:
            if rule not in made:
                made[rule] = _rule_change(rule, old_steps, new_steps, texts)
            if (change := made[rule]) is not None:
                rules.append(change)
        found.append(GoalChange(goal, texts.goal(goal), old_value, new_value, tuple(rules)))
    return tuple(found)


def _reasons(reasons: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {r["rule"]: r.get("value") for r in reasons}


def _steps(trace: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    return {step["name"]: step for step in trace}


def _rule_change(
    rule: str,
    old_steps: Mapping[str, Mapping[str, Any]],
    new_steps: Mapping[str, Mapping[str, Any]],
    texts: Labels,
) -> RuleChange | None:
    old, new = old_steps.get(rule, {}), new_steps.get(rule, {})
    if old.get("result") == new.get("result"):
        return None
    old_inputs, new_inputs = old.get("inputs") or {}, new.get("inputs") or {}
    inputs = {
        name: (old_inputs.get(name), new_inputs.get(name))
        for name in [*old_inputs, *(n for n in new_inputs if n not in old_inputs)]
        if old_inputs.get(name) != new_inputs.get(name)
    }
    reference = new.get("legal_reference") or old.get("legal_reference")
    return RuleChange(
        rule, texts.rule(rule), old.get("result"), new.get("result"), reference, inputs
    )


class Labels:
    """Goal labels and rule titles of a version in one language (ids where there are none)."""

    @classmethod
    def of(cls, compiled: CompiledRuleSet, locale: str) -> Labels:
        """The labels of `compiled` in `locale`, made once (a batch asks for them per row)."""
        key = (id(compiled), locale)
        found = _LABELS.get(key)
        if found is None or found[0] is not compiled:
            if len(_LABELS) >= 128:  # versions come and go in a long-lived worker
                _LABELS.clear()
            found = _LABELS[key] = (compiled, cls(compiled, locale))
        return found[1]

    def __init__(self, compiled: CompiledRuleSet, locale: str) -> None:
        ruleset = compiled.ruleset
        default = ruleset.default_locale
        self._goals = {g.id: localize(g.label, locale, default) for g in ruleset.goals}
        self._rules = {r.id: localize(r.title, locale, default) for r in ruleset.rules}

    def goal(self, goal: str) -> str:
        return self._goals.get(goal) or goal

    def rule(self, rule: str) -> str:
        return self._rules.get(rule) or rule


_LABELS: dict[tuple[int, str], tuple[CompiledRuleSet, Labels]] = {}
