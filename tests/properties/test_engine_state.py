"""durable_rules' state is handled safely: threads, leftovers, failures and forks.

The engine keeps C state per session, one session per evaluation (`engine/durable_session.py`).
These tests check that evaluations from many threads at once all come out right, that no
session survives an evaluation, that a session in doubt frees its ruleset and the version
is registered again, and that a forked worker gets a runtime of its own.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import random
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import durable_rules_engine
import pytest

from eligibility import CompiledRuleSet, EngineError, evaluate
from eligibility.engine import durable, durable_session

from .examples import VERSION_IDS, example
from .strategies import compile_document

FISHING = Path(__file__).resolve().parents[1] / "fixtures" / "fishing-licence"
THREADS = 8
PER_THREAD = 60


def session_count() -> int:
    """How many session ids the runtime has handed out so far (uses one up)."""
    return next(durable.runtime().sessions)


def leftover_sessions(versions: list[CompiledRuleSet], first: int, last: int) -> list[str]:
    """Session ids in [first, last) whose state durable_rules still holds, in any version."""
    runtime = durable.runtime()
    left = []
    for version in versions:
        registration = runtime.versions[version.key].registration
        for sid in [f"s{number}" for number in range(first, last)]:
            if durable_session.has_session(registration, sid):
                left.append(f"{registration.name}/{sid}")
    return left


def fishing_version() -> CompiledRuleSet:
    from eligibility import compiled, load_paths

    (ruleset,) = load_paths([FISHING])
    return compiled(ruleset)


def workload() -> list[tuple[CompiledRuleSet, dict[str, Any]]]:
    """Evaluations of several versions: the fishing licence and every version in rules/."""
    versions = [fishing_version(), *(example(v) for v in VERSION_IDS)]
    rng = random.Random(20240101)
    jobs: list[tuple[CompiledRuleSet, dict[str, Any]]] = []
    for version in versions:
        scenarios = [dict(s.answers) for s in version.ruleset.scenarios] or [{}]
        for answers in scenarios:
            jobs.append((version, answers))
            if answers:  # and the same claim with one answer left out
                dropped = rng.choice(sorted(answers))
                jobs.append((version, {q: a for q, a in answers.items() if q != dropped}))
    return jobs


def outcome(version: CompiledRuleSet, answers: dict[str, Any], engine: str) -> object:
    try:
        result = evaluate(version, answers, engine=engine)  # type: ignore[arg-type]
    except Exception as error:  # refused answers must be refused the same way
        return f"{type(error).__name__}: {error}"
    return (result.outcome, [g.decided for g in result.goals.values()], result.next_questions)


@pytest.mark.slow
def test_evaluations_from_eight_threads_at_once_are_all_correct() -> None:
    jobs = workload()
    expected = [outcome(version, answers, "pure") for version, answers in jobs]
    versions = list({id(v): v for v, _ in jobs}.values())
    for version in versions:  # register every version before the threads start
        evaluate(version, {}, engine="durable")
    start = threading.Barrier(THREADS)
    first = session_count()

    def worker(seed: int) -> list[str]:
        rng = random.Random(seed)
        start.wait()
        wrong = []
        for _ in range(PER_THREAD):
            index = rng.randrange(len(jobs))
            version, answers = jobs[index]
            if outcome(version, answers, "durable") != expected[index]:
                wrong.append(f"{version.key} {answers}")
        return wrong

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(worker, range(THREADS)))
    assert [w for r in results for w in r] == []
    assert durable.live_sessions() == 0
    last = session_count()
    assert last - first >= THREADS * PER_THREAD
    assert leftover_sessions(versions, first, last) == []


def test_no_session_state_is_left_after_an_evaluation(fishing: CompiledRuleSet) -> None:
    evaluate(fishing, {}, engine="durable")
    first, events = session_count(), next(durable.runtime().events)
    result = evaluate(fishing, {"age": 70, "resident": True}, engine="durable")
    last = session_count()
    assert result.outcome == {"eligible": True, "reduction": "20"}
    assert last - first == 2  # one session per evaluation (and the one counted here)
    assert next(durable.runtime().events) - events == 2  # one event per boolean goal
    assert durable.live_sessions() == 0
    assert leftover_sessions([fishing], first, last) == []


def test_a_session_in_doubt_is_freed_and_the_version_registered_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A rule set of its own (unique hash): its registration is the one put in doubt. Two
    # goals, so two events: the first event's action is completed before the second event.
    version = compile_document(
        {
            "ruleset": "session-in-doubt",
            "version": "1",
            "effective_from": dt.date(2024, 1, 1),
            "title": "Session in doubt",
            "questions": {"ok": {"type": "boolean", "label": "OK?"}},
            "goals": {
                "eligible": {"type": "boolean", "value": "ok"},
                "refused": {"type": "boolean", "value": "not ok"},
            },
        }
    )
    decided = {"eligible": True, "refused": False}
    assert evaluate(version, {"ok": True}, engine="durable").outcome == decided
    first = durable.runtime().versions[version.key].registration
    real = durable_rules_engine.complete_and_start_action
    calls: list[int] = []

    def second_rule(handle: int, state: int) -> Any:
        calls.append(state)
        real(handle, state)
        return '{"eligible:U":{}}'  # as if another rule had fired for the same event

    monkeypatch.setattr(durable_session.engine, "complete_and_start_action", second_rule)
    before = session_count()
    with pytest.raises(EngineError, match="a second rule"):
        evaluate(version, {"ok": True}, engine="durable")
    after = session_count()
    monkeypatch.setattr(durable_session.engine, "complete_and_start_action", real)
    assert first.freed and version.key not in durable.runtime().versions
    assert durable.live_sessions() == 0  # a rule had fired: its session was deleted first
    assert len(calls) == 1  # found where the first event's action was completed
    assert evaluate(version, {"ok": False}, engine="durable").outcome == {
        "eligible": False,
        "refused": True,
    }
    again = durable.runtime().versions[version.key].registration
    assert again is not first and not again.freed
    assert leftover_sessions([version], before, after) == []


def _evaluate_in_child(queue: Any) -> None:
    parent_runtime = durable._runtime
    version = fishing_version()
    result = evaluate(version, {"age": 30, "income": "900.00", "resident": True})
    queue.put((result.outcome, durable.runtime() is not parent_runtime))


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_forked_worker_builds_its_own_runtime(fishing: CompiledRuleSet) -> None:
    evaluate(fishing, {}, engine="durable")  # the parent's runtime exists and is registered
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_evaluate_in_child, args=(queue,))
    child.start()
    outcome_in_child, fresh_runtime = queue.get(timeout=60)
    child.join(timeout=60)
    assert child.exitcode == 0
    assert outcome_in_child == {"eligible": True, "reduction": "20"}
    assert fresh_runtime


def test_registrations_are_bounded_and_evicted_versions_still_evaluate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runtime = durable.DurableRuntime(capacity=3)
    monkeypatch.setattr(durable, "_runtime", runtime)
    deleted: list[int] = []
    real_delete = durable_rules_engine.delete_ruleset

    def delete_ruleset(handle: int) -> None:
        deleted.append(handle)
        real_delete(handle)

    monkeypatch.setattr(durable_session.engine, "delete_ruleset", delete_ruleset)
    jobs = workload()
    versions = list({id(v): v for v, _ in jobs}.values())
    assert len(versions) > 6
    registered: dict[int, durable_session.Registration] = {}
    for _ in range(2):  # the second round re-registers every version evicted in the first
        for version, answers in jobs:
            assert outcome(version, answers, "durable") == outcome(version, answers, "pure")
            assert len(runtime.versions) <= 3
            live = [v.registration for v in runtime.versions.values()]
            assert not any(r.freed for r in live)
            registered.update((id(r), r) for r in live)
            # every registration not live any more was freed in C, exactly once
            assert sorted(r.handle for r in registered.values() if r.freed) == sorted(deleted)
            assert sum(not r.freed for r in registered.values()) == len(runtime.versions)
    assert list(runtime.versions) == [v.key for v in versions[-3:]]
    assert len(deleted) >= 2 * len(versions) - 3
