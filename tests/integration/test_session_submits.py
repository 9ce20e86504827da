"""One interview, one decision: concurrent submits and answers on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from eligibility import services
from eligibility.errors import Conflict
from eligibility.ports import Storage
from eligibility.records import DecisionFilter
from eligibility.storage.sql import SqlStorage
from eligibility.storage.testing import FUNCTIONAL_DEADLINES

from .helpers import DAY

T = TypeVar("T")
THREADS = 8
SENIOR = {"age": 70, "resident": True}


def _together(url: str, calls: list[Callable[[Storage], T]]) -> list[T | BaseException]:
    """Run the calls at once, each on its own storage (like separate API processes)."""
    start = threading.Barrier(len(calls))

    def run(call: Callable[[Storage], T]) -> T | BaseException:
        store = SqlStorage(url, settings=FUNCTIONAL_DEADLINES)
        try:
            start.wait()
            return call(store)
        except Exception as error:  # collected: the test looks at what each call got
            return error
        finally:
            store.close()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def _session(store: Storage, answers: dict[str, Any]) -> str:
    return services.create_session(store, "fishing-licence", as_of=DAY, answers=answers).id


def _submit(session_id: str) -> Callable[[Storage], str]:
    return lambda store: services.submit_session(store, session_id, "client-1").decision.id


def test_eight_submits_of_one_session_record_one_decision(
    migrated_url: str, fishing_store: Storage
) -> None:
    session_id = _session(fishing_store, SENIOR)
    ids = _together(migrated_url, [_submit(session_id)] * THREADS)
    assert len(set(ids)) == 1 and isinstance(ids[0], str), ids
    [decision] = fishing_store.decisions.find(DecisionFilter())
    assert decision.id == ids[0] and decision.session_id == session_id
    assert fishing_store.sessions.get(session_id).decision_id == decision.id  # type: ignore[union-attr]
    assert services.verify_audit_chain(fishing_store).ok


def test_25_sessions_submitted_by_8_writers_make_25_decisions(
    migrated_url: str, fishing_store: Storage
) -> None:
    sessions = [_session(fishing_store, {"age": 65 + i, "resident": True}) for i in range(25)]

    def submit_all(number: int) -> Callable[[Storage], dict[str, str]]:
        ordered = sessions[number:] + sessions[:number]  # each writer starts elsewhere
        return lambda store: {s: _submit(s)(store) for s in ordered}

    results = _together(migrated_url, [submit_all(n) for n in range(THREADS)])
    assert all(isinstance(r, dict) for r in results), results
    records = fishing_store.decisions.find(DecisionFilter())
    assert sorted(r.session_id or "" for r in records) == sorted(sessions)
    recorded = {r.session_id: r.id for r in records}
    assert all(got == recorded for got in results)


def test_a_submit_racing_an_answer_holds_every_accepted_answer(
    migrated_url: str, fishing_store: Storage
) -> None:
    for _ in range(10):
        session_id = _session(fishing_store, {"age": 30, "resident": True, "income": "2000.00"})

        def patch(store: Storage, session_id: str = session_id) -> object:
            return services.answer(store, session_id, {"income": "900.00"}, None)

        patched, submitted = _together(migrated_url, [patch, _submit(session_id)])
        assert isinstance(submitted, str), submitted
        decision = services.get_decision(fishing_store, submitted)
        if isinstance(patched, Conflict):  # the submit came first: the answer was refused
            assert decision.answers["income"] == "2000.00"
        else:  # the answer was accepted (200): the decision holds it
            assert not isinstance(patched, BaseException), patched
            assert decision.answers["income"] == "900.00"
        assert services.submit_session(fishing_store, session_id, "client-1").decision == decision
    decisions = fishing_store.decisions.find(DecisionFilter())
    assert len(decisions) == len({d.session_id for d in decisions}) == 10


def test_concurrent_answers_without_if_match_all_land(
    migrated_url: str, fishing_store: Storage
) -> None:
    session_id = _session(fishing_store, {})
    changes = [{"age": 20 + n} if n % 2 else {"income": f"{100 + n}.00"} for n in range(THREADS)]

    def patch(change: dict[str, Any]) -> Callable[[Storage], object]:
        return lambda store: services.answer(store, session_id, change, None)

    results = _together(migrated_url, [patch(c) for c in changes])
    assert not [r for r in results if isinstance(r, BaseException)], results
    final = fishing_store.sessions.get(session_id)
    assert final is not None and final.revision == 1 + THREADS  # every write was applied
    assert {"age", "income"} <= set(final.answers)
