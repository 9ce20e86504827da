"""Replay: a recorded decision re-evaluated under a version, with every difference found."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from eligibility.compiler import CompiledRuleSet
from eligibility.decisions.record import Decision, outcome_of
from eligibility.errors import EligibilityError
from eligibility.evaluation import EngineName, evaluate
from eligibility.values_io import to_plain


@dataclass(frozen=True)
class Difference:
    """One place where the replayed outcome differs from the recorded one."""

    path: str
    recorded: Any
    replayed: Any


@dataclass(frozen=True)
class ReplayResult:
    """A decision re-evaluated: under which version, and every difference found."""

    decision_id: str
    ruleset_id: str
    recorded_version: str
    replayed_version: str
    replayed_hash: str
    as_of: dt.date
    differences: tuple[Difference, ...] = ()
    error: str | None = None

    @property
    def identical(self) -> bool:
        """True when the replay reproduced the record exactly."""
        return not self.differences and self.error is None

    @property
    def goal_changes(self) -> dict[str, tuple[Any, Any]]:
        """Goals whose value or decidedness changed: goal → (recorded, replayed) values."""
        changes: dict[str, tuple[Any, Any]] = {}
        for d in self.differences:
            parts = d.path.split(".")
            if parts[0] == "goals" and (len(parts) == 2 or parts[2] == "value"):
                changes[parts[1]] = (d.recorded, d.replayed)
        return changes

    def to_dict(self) -> dict[str, Any]:
        """The result as plain data."""
        return to_plain(  # type: ignore[no-any-return]
            {
                "decision_id": self.decision_id,
                "ruleset": self.ruleset_id,
                "recorded_version": self.recorded_version,
                "replayed_version": self.replayed_version,
                "replayed_content_hash": self.replayed_hash,
                "as_of": self.as_of,
                "identical": self.identical,
                "differences": [d.__dict__ for d in self.differences],
                "error": self.error,
            }
        )


def replay(
    decision: Decision,
    compiled: CompiledRuleSet,
    as_of: dt.date | None = None,
    engine: EngineName = "durable",
) -> ReplayResult:
    """Re-evaluate a decision's answers under `compiled` and compare with what was recorded."""
    day = as_of or decision.as_of
    base = ReplayResult(
        decision.id,
        decision.ruleset_id,
        decision.version,
        compiled.ruleset.version,
        compiled.content_hash,
        day,
    )
    try:
        result = evaluate(
            compiled,
            decision.answers,
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
    replayed = _comparable(outcome_of(result))
    if recorded == replayed:  # the usual case: one comparison instead of a leaf-by-leaf walk
        return replace(base, differences=())
    return replace(base, differences=tuple(differences(recorded, replayed)))


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
