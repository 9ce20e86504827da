"""A reform against its baseline: only what the reform changes computed again, row by row.

Most reforms change a few parameters or rules. A named value whose definition is the same
in both versions (kind, type, expression) and whose inputs all have the same values has
the same value for the same answers; so, once per pair of compiled versions, `delta`
compares the two (parameters, tables and `as_of` by value and class, so 1.0 and 1.00 or
1 and true differ; expressions node by node) and finds the reform's named values that may
differ: those defined otherwise or reading, directly or not, an input that differs. A
row's values under the reform are then its baseline values with the changed parameters
set and only those named values computed (generated code; durable_rules deciding the
boolean goals among them, as a full evaluation does); the reform's checks run only if
one of them differs, the goals not downstream of a change keep the baseline's values.

The relevance walk of a row whose goals differ reads values of sub-expressions by node
(`CompiledRuleSet.walk_keys`), and the two versions' nodes are distinct objects: the
values of the unchanged named values' nodes are carried over from the baseline's node to
the reform's twin (`Delta.complete`). Versions with collections, or whose questions differ,
are evaluated in full (`delta` gives None).
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eligibility.answer_checks import CompiledCheck
from eligibility.batch.outcomes import Outcome, recorded_value
from eligibility.compiler import CompiledRuleSet
from eligibility.engine.durable import run_program
from eligibility.engine.durable_plan import plan
from eligibility.engine.durable_program import DurableProgram, durable_program
from eligibility.evaluation import EngineName
from eligibility.evaluation.inputs import checked
from eligibility.expressions import nodes as n
from eligibility.expressions.values import Value

__all__ = ["Delta", "delta", "reform_outcome"]

_MISSING = object()


@dataclass(frozen=True)
class Delta:
    """What differs between a baseline and a reform, for rows claimed on the same day or not.

    `constants`: the reform's parameters whose values differ (set over the baseline's);
    `names`: the reform's named values computed again, `program` computing them;
    `goals`: the reform's goals, each with True when its value is the baseline's;
    `checks`: a check of the reform differs (all of them run again);
    `twins`: (baseline node, reform node) of the unchanged values' walk keys.
    """

    engine: EngineName
    constants: tuple[tuple[str, Any], ...]
    names: frozenset[str]
    program: DurableProgram
    goals: tuple[tuple[Any, bool], ...]  # (Goal, value kept from the baseline)
    checks: bool
    twins: tuple[tuple[int, int], ...] | None  # None: the walk keys cannot be carried over

    def values(
        self, reform: CompiledRuleSet, before: dict[Any, Value], day: dt.date
    ) -> dict[Any, Value]:
        """The reform's environment from the baseline's: changed parameters, changed values."""
        env = dict(before)
        env.update(self.constants)
        env["as_of"] = day
        if self.names:
            if self.engine == "durable":
                run_program(reform, self.program, env)
            else:
                for segment, _ in self.program.segments:
                    segment(env)
        return env

    def complete(self, env: dict[Any, Value], before: Mapping[Any, Value]) -> bool:
        """Carry the unchanged values' sub-expression values over to the reform's nodes.

        False when they cannot be (the caller evaluates the reform in full).
        """
        if self.twins is None:
            return False
        for old, new in self.twins:
            if old in before:
                env[new] = before[old]
        return True


def reform_outcome(
    found: Delta, reform: CompiledRuleSet, before: Outcome, day: dt.date, locale: str | None
) -> Outcome:
    """The row's goal values under the reform, from its outcome under the baseline.

    As `goal_values` gives them, errors included: the reform's checks (when one differs),
    then the first goal in order whose value is a failure (only a recomputed one can be:
    the baseline's were not).
    """
    env = found.values(reform, before.env, day)
    if found.checks:
        checked(reform, before.answers, env, locale)
    money = reform.money
    goals = {
        goal.id: before.goals[goal.id]
        if kept
        else recorded_value(goal, env[goal.id], money, goal.id)
        for goal, kept in found.goals
    }
    return Outcome(goals, before.answers, env, money)


Entry = tuple[weakref.ref[CompiledRuleSet], weakref.ref[CompiledRuleSet], "Delta | None"]
_deltas: dict[tuple[int, int, str, bool], Entry] = {}
_lock = threading.Lock()


def delta(
    baseline: CompiledRuleSet, reform: CompiledRuleSet, engine: EngineName, same_day: bool
) -> Delta | None:
    """What `reform` changes against `baseline` (made once per pair of compiled objects,
    holding neither: a worker's least recently used versions go).

    `same_day`: the rows' `as_of` is the same under both versions (else every value that
    reads `as_of` differs too). None: the reform is evaluated in full.
    """
    key = (id(baseline), id(reform), engine, same_day)
    found = _deltas.get(key)
    if found is not None and found[0]() is baseline and found[1]() is reform:
        return found[2]
    made = _make(baseline, reform, engine, same_day)
    with _lock:
        if len(_deltas) > 256:  # a worker lives long; versions come and go
            _deltas.clear()
        _deltas[key] = (weakref.ref(baseline), weakref.ref(reform), made)
    return made


def _make(
    baseline: CompiledRuleSet, reform: CompiledRuleSet, engine: EngineName, same_day: bool
) -> Delta | None:
    if baseline.collections or reform.collections or baseline.steps or reform.steps:
        return None
    if reform.questions != baseline.questions:
        return None
    changed = {
        k
        for k in baseline.constants.keys() | reform.constants.keys()
        if not _same(baseline.constants.get(k, _MISSING), reform.constants.get(k, _MISSING))
    }
    changed |= {
        k
        for k in baseline.tables.keys() | reform.tables.keys()
        if not _same(baseline.tables.get(k, _MISSING), reform.tables.get(k, _MISSING))
    }
    if not same_day:
        changed.add("as_of")
    names: set[str] = set()
    for name in reform.order:
        new, old = reform.named[name], baseline.named.get(name)
        if (
            old is None
            or not _same_named(old, new)
            or any(r in changed or r in names for r in new.reads)
        ):
            names.add(name)
    constants = tuple((k, v) for k, v in reform.constants.items() if k in changed)
    goals = tuple(
        (
            goal,
            goal.id not in names
            and goal.id in baseline.goals_by_id
            and baseline.goals_by_id[goal.id].type == goal.type
            and baseline.money.get(goal.id) == reform.money.get(goal.id),
        )
        for goal in reform.ruleset.goals
    )
    checks = not _same_checks(baseline.checks, reform.checks, changed | names)
    steps = {}
    if engine == "durable":
        steps = {g: s for (path, g), s in plan(reform).steps.items() if not path and g in names}
    program = durable_program(reform, steps, only=names)
    twins = _twins(baseline, reform, names)
    return Delta(engine, constants, frozenset(names), program, goals, checks, twins)


def _same(old: Any, new: Any) -> bool:
    """Values a reader cannot tell apart: same class and same text (1.0 and 1.00 differ)."""
    return type(old) is type(new) and repr(old) == repr(new)


def _same_named(old: Any, new: Any) -> bool:
    """The same definition: kind, type, what it reads and its expression (literals strictly)."""
    return (
        old.kind == new.kind
        and old.type == new.type
        and old.reads == new.reads
        and repr(old.node) == repr(new.node)  # node classes, fields and literals' reprs
    )


def _same_checks(
    old: tuple[CompiledCheck, ...], new: tuple[CompiledCheck, ...], changed: set[str]
) -> bool:
    """Every check of the reform is the baseline's, reading nothing that changed."""
    if len(old) != len(new):
        return False
    for a, b in zip(old, new, strict=True):
        if a.node is None or b.node is None or repr(a.node) != repr(b.node):
            return False
        if (a.question, a.index, a.reads, a.concerns, a.above) != (
            b.question,
            b.index,
            b.reads,
            b.concerns,
            b.above,
        ):
            return False
        if any(r in changed for r in b.reads):
            return False
    return True


def _twins(
    baseline: CompiledRuleSet, reform: CompiledRuleSet, names: set[str]
) -> tuple[tuple[int, int], ...] | None:
    """(baseline node id, reform node id) of every walk key of the reform's unchanged values.

    None when a reform's walk key has a twin the baseline does not keep (never for versions
    compiled alike: the keys follow the expressions' shape).
    """
    wanted = {k for k in reform.walk_keys if isinstance(k, int)}
    kept = {k for k in baseline.walk_keys if isinstance(k, int)}
    pairs = []
    for name in reform.order:
        if name in names:
            continue
        old, new = n.walk(baseline.named[name].node), n.walk(reform.named[name].node)
        if len(old) != len(new):
            return None
        for a, b in zip(old, new, strict=True):
            if id(b) in wanted:
                if id(a) not in kept:
                    return None
                pairs.append((id(a), id(b)))
    return tuple(pairs)
