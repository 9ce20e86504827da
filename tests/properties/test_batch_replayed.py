"""A job's replay of a decision agrees with the single replay (`decisions.replay`).

Decisions recorded from the authors' scenarios of every example rule set and from the
generated SNAP and Kurzarbeitergeld populations are replayed under their own version, the
next one and the first one, as recorded and with a goal or a traced value altered: the
job's replay (`batch.replayed`) must give the same error, goal values, status and goals
that changed with the rules behind them. Only where the single replay finds a reason's
wording or an ignored answer changed and every value the same may the job say identical.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
from collections.abc import Iterator
from typing import Any

import pytest

from eligibility import EligibilityError, evaluate
from eligibility.batch.generate import population
from eligibility.batch.replayed import replayed
from eligibility.compiler import CompiledRuleSet
from eligibility.decisions import GENESIS, Decision, DecisionDraft, ReplayResult, replay, seal

from .examples import RULESET_IDS, VERSION_IDS, example, scenario_answers

GENERATED = {"snap": 30, "kurzarbeitergeld": 12}
# Scenarios replayed per version, spread evenly over the authors' (Kurzarbeitergeld has
# ~280 a version over 20 versions: all of them made this test take minutes, the whole
# suite's longest, without another kind of case).
SCENARIOS = 60


def answer_sets(version: CompiledRuleSet) -> Iterator[dict[str, Any]]:
    """The scenarios' answers (SCENARIOS of them, evenly spread), and a generated population
    where there is a generator."""
    scenarios = list(scenario_answers(version))
    yield from scenarios[:: max(1, math.ceil(len(scenarios) / SCENARIOS))]
    ruleset = version.ruleset
    if ruleset.id not in GENERATED:
        return
    day = ruleset.effective_from
    rows = population(ruleset.id, GENERATED[ruleset.id], 3, version.questions, day)
    for row in rows:
        yield {q: a for q, a in row.items() if q in version.questions}


def recorded(version: CompiledRuleSet) -> Iterator[Decision]:
    """Decisions recorded under `version` (answers it refuses are left out)."""
    for number, answers in enumerate(answer_sets(version), 1):
        try:
            evaluation = evaluate(version, answers, with_trace=True)
        except EligibilityError:
            continue
        draft = DecisionDraft.from_evaluation(f"d{number}", evaluation, "test", "-")
        yield seal(draft, number, GENESIS, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))


def altered(decision: Decision) -> Iterator[Decision]:
    """The decision as recorded, then with its first goal's value, then a traced value altered."""
    yield decision
    goal, first = next(iter(decision.goals.items()))
    value = first.get("value")
    other = "0.01" if not isinstance(value, bool) else not value
    yield dataclasses.replace(decision, goals={**decision.goals, goal: {**first, "value": other}})
    if decision.trace:
        step = {**decision.trace[-1], "result": "altered"}
        yield dataclasses.replace(decision, trace=(*decision.trace[:-1], step))


def assert_agree(job: ReplayResult, single: ReplayResult) -> None:
    """Same error, values, outcome changes; the same status (identical where only wording moved)."""
    assert job.error == single.error
    assert dict(job.values) == dict(single.values)
    assert [c for c in job.changes if c.outcome_changed] == [
        c for c in single.changes if c.outcome_changed
    ]
    traced = any(d.path.startswith(("trace.", "goals.")) for d in single.differences)
    if single.status == "unchanged" and not traced:
        assert job.status in ("identical", "unchanged")
    else:
        assert job.status == single.status


@pytest.mark.slow
@pytest.mark.parametrize("ruleset_id", RULESET_IDS)
def test_a_jobs_replay_agrees_with_the_single_replay(ruleset_id: str) -> None:
    versions = [example(v) for v in VERSION_IDS if v.startswith(f"{ruleset_id}/")]
    statuses: set[str] = set()
    for version, following in itertools.pairwise([*versions, versions[0]]):
        for decision in recorded(version):
            for target in {
                version.key: version,
                following.key: following,
                versions[0].key: versions[0],
            }.values():
                for case in altered(decision):
                    job = replayed(case, target)
                    assert_agree(job, replay(case, target))
                    statuses.add(job.status)
    assert {"identical", "changed"} <= statuses
