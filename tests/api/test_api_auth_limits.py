"""Failed authentication is rate limited per address (429 + Retry-After); keys may expire."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask

from api.throttle import FailedAuthLimiter
from eligibility import services
from eligibility.storage.memory import MemoryStorage
from tests.api.api_helpers import FakeClock, assert_problem

VERSIONS = "/v1/audit/head"  # needs an auditor key
WRONG = {"Authorization": "Bearer elig_wrong"}


class Ticks:
    """A monotonic clock the tests move."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_window_slides() -> None:
    ticks = Ticks()
    limiter = FailedAuthLimiter(3, 60, clock=ticks)
    for _ in range(3):
        assert limiter.retry_after("a") is None
        limiter.failed("a")
        ticks.now += 10
    assert limiter.retry_after("a") == 30  # the first failure leaves the window at +60
    assert limiter.retry_after("b") is None
    ticks.now += 30
    assert limiter.retry_after("a") is None
    limiter.failed("a")
    assert limiter.retry_after("a") == 10
    assert FailedAuthLimiter(0, 60).retry_after("a") is None  # 0 turns it off


@pytest.fixture
def app(make_app: Any) -> Flask:
    built: Flask = make_app(AUTH_FAILURE_LIMIT=5, AUTH_FAILURE_WINDOW_SECONDS=60)
    return built


def test_wrong_keys_from_one_address_are_throttled(app: Flask) -> None:
    ticks = Ticks()
    app.extensions["eligibility"].auth_limiter.clock = ticks
    store = app.extensions["eligibility"].storage
    good = {"Authorization": f"Bearer {services.create_key(store, 'auditor', 'a')[0]}"}
    client = app.test_client()
    for _ in range(5):
        assert_problem(client.get(VERSIONS, headers=WRONG), 401, "unauthorized")
    refused = assert_problem(client.get(VERSIONS, headers=WRONG), 429, "too-many-requests")
    assert "failed attempts" in refused["detail"]
    blocked = client.get(VERSIONS, headers=good)  # while blocked, a right key waits too
    assert_problem(blocked, 429)
    assert blocked.headers["Retry-After"] == "60"
    assert client.get("/v1/rulesets").status_code == 200  # no key: served as before
    other = {"REMOTE_ADDR": "192.0.2.7"}
    assert client.get(VERSIONS, headers=WRONG, environ_overrides=other).status_code == 401
    assert client.get(VERSIONS, headers=good, environ_overrides=other).status_code == 200
    ticks.now += 61
    assert client.get(VERSIONS, headers=good).status_code == 200
    malformed = {"Authorization": "Basic x"}
    for _ in range(5):
        assert_problem(client.get(VERSIONS, headers=malformed), 401)
    assert_problem(client.get(VERSIONS, headers=good), 429)


def test_a_key_stops_working_when_it_expires(make_app: Any) -> None:
    clock = FakeClock()
    store = MemoryStorage(clock=clock)
    client = make_app(STORAGE=store).test_client()
    soon = clock.now + dt.timedelta(hours=1)
    token, key = services.create_key(store, "auditor", "temp", expires_at=soon)
    headers = {"Authorization": f"Bearer {token}"}
    assert key.expires_at == soon
    assert client.get(VERSIONS, headers=headers).status_code == 200
    clock.advance(3600)
    expired = assert_problem(client.get(VERSIONS, headers=headers), 401, "unauthorized")
    assert "expired" in expired["detail"]
    with pytest.raises(ValueError, match="future"):
        services.create_key(store, "author", "late", expires_at=clock.now)
    with pytest.raises(ValueError, match="time zone"):
        services.create_key(store, "author", "naive", expires_at=dt.datetime(2099, 1, 1))
