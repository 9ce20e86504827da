"""Batch assessment: a population evaluated under one version, or a baseline and a reform.

Each partition reads its own rows (`populations`), works out their goal values
(`outcomes`: what `evaluate` decides, collections too, without next questions or
reason texts; the rules behind a change only for the rows whose goals differ; under a
reform, only what it changes against the baseline computed again, `reform`), writes
one JSON line per row to its own file (`rows/part-NNNNN.jsonl`, replaced whole,
so a partition run again writes it once) and returns its counts. A row that fails
(unreadable, answers that do not fit) keeps its error; the others go on.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from eligibility.answer_document import asked_by
from eligibility.answers import Answers
from eligibility.batch.collector import set_apart
from eligibility.batch.effects import Effects, amount, entry
from eligibility.batch.outcome_changes import changes
from eligibility.batch.outcomes import Outcome, goal_values
from eligibility.batch.partitions import Partition
from eligibility.batch.population_rows import Row
from eligibility.batch.populations import Population, rows
from eligibility.batch.reform import Delta, delta, reform_outcome
from eligibility.batch.worker import compiled
from eligibility.compiler import CompiledRuleSet
from eligibility.decisions.changes import GoalChange
from eligibility.errors import EligibilityError
from eligibility.evaluation import EngineName
from eligibility.records import StoredVersion

MAX_ERRORS = 50  # errors kept with the counts per partition (every one is in the rows)
SIDES = ("baseline", "reform")


@dataclass(frozen=True)
class AssessTask:
    """What every partition of one assessment needs (sent to each worker once)."""

    population: Population
    offsets: Mapping[int, tuple[int, int, int]]
    baseline: StoredVersion
    reform: StoredVersion | None
    out: str
    as_of: dt.date | None = None
    locale: str | None = None
    engine: EngineName = "durable"


@dataclass
class AssessTally:
    """A partition's counts: rows, failures (a few with their error), outcomes, effects."""

    rows: int = 0
    failed: int = 0
    cpu_seconds: float = 0.0  # of the workers, for rates per core whatever the machine's load
    errors: list[dict[str, Any]] = field(default_factory=list)
    outcomes: dict[str, dict[str, Counter[str]]] = field(default_factory=dict)  # side→goal→value
    sums: dict[str, dict[str, Any]] = field(default_factory=dict)  # side → goal → sum
    labels: dict[str, str] = field(default_factory=dict)
    effects: Effects = field(default_factory=Effects)

    def outcome(self, side: str, goals: Mapping[str, Any]) -> None:
        """Count one row's goal values under one version."""
        for goal, value in goals.items():
            number = amount(value)
            if number is not None:
                sums = entry(self.sums, side, dict)
                sums[goal] = sums.get(goal, 0) + number
            else:
                if value is None or value is True or value is False:
                    shown = "undecided" if value is None else "true" if value else "false"
                else:
                    shown = str(value).lower()
                entry(entry(self.outcomes, side, dict), goal, Counter)[shown] += 1

    def merge(self, other: AssessTally) -> None:
        """Count in another partition."""
        self.rows += other.rows
        self.failed += other.failed
        self.cpu_seconds += other.cpu_seconds
        self.errors.extend(other.errors[: max(0, MAX_ERRORS - len(self.errors))])
        for side, goals in other.outcomes.items():
            for goal, counts in goals.items():
                self.outcomes.setdefault(side, {}).setdefault(goal, Counter()).update(counts)
        for side, sums in other.sums.items():
            for goal, total in sums.items():
                mine = self.sums.setdefault(side, {})
                mine[goal] = mine.get(goal, 0) + total
        for goal, label in other.labels.items():
            self.labels.setdefault(goal, label)
        self.effects.merge(other.effects)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-safe)."""
        return {
            "rows": self.rows,
            "assessed": self.rows - self.failed,
            "failed": self.failed,
            "cpu_seconds": round(self.cpu_seconds, 3),
            "errors": list(self.errors),
            "outcomes": {
                side: {goal: dict(c) for goal, c in goals.items()}
                for side, goals in self.outcomes.items()
            },
            "sums": {
                side: {goal: str(total) for goal, total in sums.items()}
                for side, sums in self.sums.items()
            },
            "labels": dict(self.labels),
            "effects": self.effects.to_dict(),
        }


def assess_partition(part: Partition, task: AssessTask) -> AssessTally:
    """Assess the rows of one partition (on a worker) and write them to its own file."""
    started = time.thread_time()  # this partition's own CPU (workers may have several threads)
    set_apart()  # counted in it: a full collection now and then
    baseline = compiled(task.baseline)
    reform = compiled(task.reform) if task.reform is not None else None
    tally = AssessTally(labels=_labels(baseline, task.locale))
    folder = Path(task.out) / "rows"
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"part-{part.index:05d}.jsonl"
    partial = final.with_suffix(f".{os.getpid()}.tmp")
    with partial.open("wb") as out:
        for row in rows(task.population, part, task.offsets, baseline.questions):
            out.write(_line(_assess(row, baseline, reform, task, tally)))
    os.replace(partial, final)  # whole or not at all: a partition run again replaces it
    tally.cpu_seconds = time.thread_time() - started
    return tally


def _line(result: dict[str, Any]) -> bytes:
    """A row's JSON line, as `json.dumps(result, ensure_ascii=False, separators=(",", ":"))`
    writes it in UTF-8: orjson's text is that text for what a row holds (str keys; str, int,
    bool, None, lists and dicts: the language has no floats), json where orjson refuses (an
    integer beyond 64 bits; a lone surrogate, which neither encodes)."""
    try:
        return orjson.dumps(result, option=orjson.OPT_APPEND_NEWLINE)
    except orjson.JSONEncodeError:
        text = json.dumps(result, ensure_ascii=False, separators=(",", ":"))
        return (text + "\n").encode("utf-8")


def _labels(version: CompiledRuleSet, locale: str | None) -> dict[str, str]:
    from eligibility.model import localize

    ruleset = version.ruleset
    wanted = locale or ruleset.default_locale
    return {g.id: localize(g.label, wanted, ruleset.default_locale) or g.id for g in ruleset.goals}


def _assess(
    row: Row,
    baseline: CompiledRuleSet,
    reform: CompiledRuleSet | None,
    task: AssessTask,
    tally: AssessTally,
) -> dict[str, Any]:
    tally.rows += 1
    head = {"row": row.number, "line": row.line, "id": row.id}
    try:
        if row.error is not None:
            raise ValueError(row.error)
        before = _evaluate(baseline, row.answers, row, task)
        after = found = None
        if reform is not None:
            found = _delta(baseline, reform, row, task)
            if found is not None:  # only what the reform changes computed again
                after = reform_outcome(found, reform, before, _day(reform, row, task), task.locale)
            else:  # answers parsed once when both versions ask the same
                # A question the reform no longer asks cannot change its outcome: set aside.
                same = _same_questions(baseline, reform)
                asked = before.answers if same else _asked(reform, row.answers)
                after = _evaluate(reform, asked, row, task)
        if after is not None and reform is not None and before.goals != after.goals:
            if found is not None and not found.complete(after.env, before.env):
                after = _evaluate(reform, before.answers, row, task)
    except (EligibilityError, ValueError) as error:
        tally.failed += 1
        text = str(error) if isinstance(error, ValueError) else f"{type(error).__name__}: {error}"
        if len(tally.errors) < MAX_ERRORS:
            tally.errors.append({**head, "error": text})
        return {**head, "status": "failed", "error": text}
    old = before.goals
    tally.outcome("baseline", old)
    if after is None or reform is None:
        return {**head, "status": "assessed", "goals": old}
    new = after.goals
    tally.outcome("reform", new)
    goals = [*old, *(g for g in new if g not in old)]
    values = {g: (old.get(g), new.get(g)) for g in goals}
    changes = _changes(baseline, before, reform, after, task) if old != new else ()
    tally.effects.add(values, changes)
    return {
        **head,
        "status": "changed" if changes else "same",
        "goals": {g: {"baseline": o, "reform": n} for g, (o, n) in values.items()},
        "changes": [c.to_dict() for c in changes],
    }


def _changes(
    baseline: CompiledRuleSet,
    before: Outcome,
    reform: CompiledRuleSet,
    after: Outcome,
    task: AssessTask,
) -> tuple[GoalChange, ...]:
    """The goals that changed and the rules behind them (from the values computed already)."""
    locale = task.locale or reform.ruleset.default_locale
    found = changes(baseline, before, reform, after, locale)
    return tuple(c for c in found if c.outcome_changed)


def _asked(reform: CompiledRuleSet, answers: Mapping[str, Any]) -> Mapping[str, Any]:
    return asked_by(reform.questions, reform.collections, answers)


_SAME: dict[tuple[str, str], bool] = {}  # (baseline key, reform key) → same questions


def _same_questions(baseline: CompiledRuleSet, reform: CompiledRuleSet) -> bool:
    """True when answers parsed under `baseline` are those `reform` would parse (asked once)."""
    pair = (baseline.key, reform.key)
    if pair not in _SAME:
        if len(_SAME) > 256:  # a worker lives long; versions come and go
            _SAME.clear()
        _SAME[pair] = not baseline.collections and reform.questions == baseline.questions
    return _SAME[pair]


def _day(version: CompiledRuleSet, row: Row, task: AssessTask) -> dt.date:
    """The day a row is claimed on under a version (`goal_values`' default: its first day)."""
    return row.as_of or task.as_of or version.ruleset.effective_from


def _delta(
    baseline: CompiledRuleSet, reform: CompiledRuleSet, row: Row, task: AssessTask
) -> Delta | None:
    same_day = _day(baseline, row, task) == _day(reform, row, task)
    return delta(baseline, reform, task.engine, same_day)


def _evaluate(
    version: CompiledRuleSet, answers: Mapping[str, Any] | Answers, row: Row, task: AssessTask
) -> Outcome:
    return goal_values(version, answers, row.as_of or task.as_of, task.engine, task.locale)


def result_rows(out: str | Path) -> Iterator[dict[str, Any]]:
    """Every row of the partitions an assessment counted, in row order.

    A partition still under way when the job was cancelled may finish writing its
    file afterwards; summary.json names the partitions counted, and only theirs are read.
    """
    summary = Path(out) / "summary.json"
    counted = None
    if summary.exists():
        counted = set(json.loads(summary.read_text(encoding="utf-8")).get("partitions_done", []))
    for part in sorted((Path(out) / "rows").glob("part-*.jsonl")):
        if counted is not None and int(part.stem.split("-")[1]) not in counted:
            continue
        with part.open(encoding="utf-8") as lines:
            for line in lines:
                yield json.loads(line)
