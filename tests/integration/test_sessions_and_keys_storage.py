"""Interview sessions (ETags, expiry, submit) and API keys (hashed, revocable) on storage."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from eligibility import services
from eligibility.errors import AnswerError, Conflict, NotFound, PreconditionFailed, SessionExpired
from eligibility.ports import Storage
from eligibility.storage.sql import SqlStorage

from .helpers import DAY, FISHING


def test_session_answers_under_etags(fishing_store: Storage) -> None:
    session = services.create_session(fishing_store, "fishing-licence", as_of=DAY, client="bot")
    assert (session.version, session.revision, session.answers) == ("2024-01-01", 1, {})
    first = services.answer(fishing_store, session.id, {"age": 30}, session.etag)
    assert first.answers == {"age": 30} and first.etag != session.etag
    with pytest.raises(PreconditionFailed):
        services.answer(fishing_store, session.id, {"age": 31}, session.etag)
    second = services.answer(fishing_store, session.id, {"income": "900.00"}, f"W/{first.etag}")
    evaluation = services.evaluate_session(fishing_store, second)
    assert [q.question.id for q in evaluation.next_questions] == ["resident"]
    with pytest.raises(AnswerError) as bad:
        services.answer(fishing_store, session.id, {"age": -4, "pets": 2}, None)
    assert set(bad.value.errors) == {"/age", "/pets"}
    assert services.get_session(fishing_store, session.id) == second
    forgotten = services.forget_answer(fishing_store, session.id, "income", second.etag)
    assert forgotten.answers == {"age": 30}


def test_concurrent_answers_with_the_same_etag_let_one_win(fishing_store: Storage) -> None:
    session = services.create_session(fishing_store, "fishing-licence", as_of=DAY)

    def edit(age: int) -> str:
        try:
            services.answer(fishing_store, session.id, {"age": age}, session.etag)
            return "ok"
        except PreconditionFailed:
            return "stale"

    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(edit, [20, 30, 40, 50]))
    assert sorted(outcomes) == ["ok", "stale", "stale", "stale"]
    assert services.get_session(fishing_store, session.id).revision == 2


def test_submit_records_a_decision_once(fishing_store: Storage) -> None:
    session = services.create_session(
        fishing_store, "fishing-licence", as_of=DAY, answers={"age": 70, "resident": True}
    )
    recorded = services.submit_session(fishing_store, session.id, "bot", "submit-1")
    assert recorded.created and recorded.decision.eligible is True
    assert recorded.decision.as_of == DAY
    again = services.submit_session(fishing_store, session.id, "bot")
    assert not again.created and again.decision == recorded.decision
    with pytest.raises(Conflict):
        services.answer(fishing_store, session.id, {"age": 71}, None)


def test_idle_sessions_expire(migrated_url: str) -> None:
    now = [dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)]
    store = SqlStorage(migrated_url, clock=lambda: now[0])
    services.sync_rule_files(store, [FISHING])
    session = services.create_session(store, "fishing-licence", as_of=DAY)
    now[0] += dt.timedelta(seconds=59)
    assert services.get_session(store, session.id, idle_seconds=60) == session
    now[0] += dt.timedelta(seconds=2)
    with pytest.raises(SessionExpired):
        services.get_session(store, session.id, idle_seconds=60)
    assert services.expire_sessions(store, idle_seconds=60) == 1
    with pytest.raises(NotFound):
        services.get_session(store, session.id, idle_seconds=60)
    store.close()


def test_api_keys_are_stored_hashed_and_revocable(store: Storage) -> None:
    token, key = services.create_key(store, "auditor", "audit team")
    assert token.startswith("elig_") and key.role == "auditor" and key.active
    assert services.authenticate(store, token) == key
    assert services.authenticate(store, token + "x") is None
    assert services.authenticate(store, "") is None
    assert isinstance(store, SqlStorage)
    with store.db.engine.connect() as connection:
        stored = " ".join(
            str(v) for row in connection.execute(text("SELECT * FROM api_keys")) for v in row
        )
    assert token not in stored and key.key_hash in stored
    assert services.list_keys(store) == [key]
    revoked = services.revoke_key(store, key.id)
    assert revoked.revoked_at is not None and services.authenticate(store, token) is None
    assert services.revoke_key(store, key.id) == revoked
    with pytest.raises(NotFound):
        services.revoke_key(store, "nope")
