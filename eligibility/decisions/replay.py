"""Replay: a recorded decision re-evaluated under a version, with every difference found."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from eligibility.answer_document import asked_by
from eligibility.compiler import CompiledRuleSet
from eligibility.decisions.changes import GoalChange, goal_changes, goal_value
from eligibility.decisions.record import Decision, outcome_of
from eligibility.decisions.recorded import Recorded
from eligibility.errors import EligibilityError
from eligibility.evaluation import EngineName, Evaluation, evaluate
from eligibility.values_io import to_plain


class EvaluateUnder(Protocol):
    """How a replay evaluates (`services.Evaluator.evaluate_under`): answers under a version."""

    def __call__(
        self,
        compiled: CompiledRuleSet,
        answers: Mapping[str, Any],
        as_of: dt.date,
        locales: Sequence[str] = (),
        with_trace: bool = False,
    ) -> Evaluation: ...


@dataclass(frozen=True)
class Difference:
    """One place where the replayed outcome differs from the recorded one."""

    path: str
    recorded: Any
    replayed: Any


@dataclass(frozen=True)
class ReplayResult:
    """A decision re-evaluated: under which version, what changed per goal, every difference.

    `changes` has one entry per goal whose outcome or reasons changed (labels in the
    decision's language); `differences` are the leaf-by-leaf details behind them.
    """

    decision_id: str
    ruleset_id: str
    recorded_version: str
    replayed_version: str
    replayed_hash: str
    as_of: dt.date
    differences: tuple[Difference, ...] = ()
    error: str | None = None
    changes: tuple[GoalChange, ...] = ()
    sequence: int = 0
    # Every goal's value before and after (None: undecided or absent), for exports and sums.
    values: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)

    @classmethod
    def begun(
        cls, decision: Decision | Recorded, compiled: CompiledRuleSet, day: dt.date
    ) -> ReplayResult:
        """The replay of `decision` under `compiled` on `day`, before anything is compared."""
        return cls(
            decision.id,
            decision.ruleset_id,
            decision.version,
            compiled.ruleset.version,
            compiled.content_hash,
            day,
            sequence=decision.sequence,
        )

    @property
    def identical(self) -> bool:
        """True when the replay reproduced the record exactly."""
        return not self.differences and self.error is None

    @property
    def goal_changes(self) -> dict[str, tuple[Any, Any]]:
        """Goals whose value or decidedness changed: goal → (recorded, replayed) values."""
        return {c.goal: (c.recorded, c.replayed) for c in self.changes if c.outcome_changed}

    @property
    def status(self) -> str:
        """identical, unchanged (same outcomes, other details), changed (an outcome), failed."""
        if self.error is not None:
            return "failed"
        if self.goal_changes:
            return "changed"
        return "identical" if self.identical else "unchanged"

    def to_row(self) -> dict[str, Any]:
        """What a replay job keeps of this decision (and exports): no answers, no trace.

        Plain without `to_plain`: values and changes are read from a record's JSON or made
        plain where they are computed (`goal_value`, `outcomes`, `goal_changes`' inputs).
        """
        return {
            "sequence": self.sequence,
            "decision_id": self.decision_id,
            "status": self.status,
            "recorded_version": self.recorded_version,
            "replayed_version": self.replayed_version,
            "goals": {g: {"recorded": o, "replayed": n} for g, (o, n) in self.values.items()},
            "changes": [c.to_dict() for c in self.changes],
            "error": self.error,
        }

    def to_dict(self) -> dict[str, Any]:
        """The result as plain data: per-goal `differences`, leaf-by-leaf `details`."""
        return to_plain(  # type: ignore[no-any-return]
            {
                "decision_id": self.decision_id,
                "ruleset": self.ruleset_id,
                "recorded_version": self.recorded_version,
                "replayed_version": self.replayed_version,
                "replayed_content_hash": self.replayed_hash,
                "as_of": self.as_of,
                "identical": self.identical,
                "differences": [c.to_dict() for c in self.changes],
                "details": [d.__dict__ for d in self.differences],
                "error": self.error,
            }
        )


def answers_under(compiled: CompiledRuleSet, decision: Decision | Recorded) -> Mapping[str, Any]:
    """The recorded answers a replay gives `compiled`: all of them under the recorded version;
    under another (a what-if) those its questions ask (`answer_document.asked_by`)."""
    if compiled.content_hash == decision.content_hash:
        return decision.answers
    return asked_by(compiled.questions, compiled.collections, decision.answers)


def replay(
    decision: Decision,
    compiled: CompiledRuleSet,
    as_of: dt.date | None = None,
    engine: EngineName = "durable",
    evaluator: EvaluateUnder | None = None,
) -> ReplayResult:
    """Re-evaluate a decision's answers under `compiled` and compare with what was recorded.

    `evaluator` (an Evaluator's `evaluate_under`) evaluates instead of `engine` directly.
    """
    day = as_of or decision.as_of
    base = ReplayResult.begun(decision, compiled, day)
    answers = answers_under(compiled, decision)
    try:
        if evaluator is not None:
            result = evaluator(compiled, answers, day, (decision.locale,), True)
        else:
            result = evaluate(
                compiled,
                answers,
                as_of=day,
                locale=decision.locale,
                engine=engine,
                with_trace=True,
            )
    except EligibilityError as error:
        return replace(base, error=f"{type(error).__name__}: {error}")
    recorded = _comparable(
        {
            "goals": decision.goals,
            "reasons": decision.reasons,
            "trace": decision.trace,
            "ignored_answers": decision.ignored_answers,
        }
    )
    outcome = outcome_of(result)
    replayed = _comparable(outcome)
    base = replace(base, values=_values(recorded["goals"], replayed["goals"]))
    if recorded == replayed:  # the usual case: one comparison instead of a leaf-by-leaf walk
        return base
    before = to_plain(
        {"goals": decision.goals, "reasons": decision.reasons, "trace": list(decision.trace)}
    )
    return replace(
        base,
        differences=tuple(differences(recorded, replayed)),
        changes=goal_changes(before, to_plain(outcome), compiled, decision.locale),
    )


def _values(recorded: Mapping[str, Any], replayed: Mapping[str, Any]) -> dict[str, Any]:
    goals = [*recorded, *(g for g in replayed if g not in recorded)]
    return {g: (goal_value(recorded.get(g)), goal_value(replayed.get(g))) for g in goals}


def _comparable(outcome: Mapping[str, Any]) -> dict[str, Any]:
    """Outcome parts keyed so that differences get readable paths (trace by step name)."""
    plain: dict[str, Any] = to_plain(dict(outcome))
    return {
        "goals": plain["goals"],
        "reasons": {
            goal: {r["rule"]: {k: v for k, v in r.items() if k != "rule"} for r in reasons}
            for goal, reasons in plain["reasons"].items()
        },
        "trace": {s["name"]: {k: v for k, v in s.items() if k != "name"} for s in plain["trace"]},
        "ignored_answers": plain["ignored_answers"],
    }


def differences(recorded: Any, replayed: Any, path: str = "") -> list[Difference]:
    """Leaf-by-leaf differences between two plain values (dicts recursed, lists whole)."""
    if isinstance(recorded, dict) and isinstance(replayed, dict):
        found: list[Difference] = []
        for key in [*recorded, *(k for k in replayed if k not in recorded)]:
            sub = f"{path}.{key}" if path else str(key)
            if key not in replayed or key not in recorded:
                found.append(Difference(sub, recorded.get(key), replayed.get(key)))
            else:
                found.extend(differences(recorded[key], replayed[key], sub))
        return found
    return [] if recorded == replayed else [Difference(path, recorded, replayed)]
