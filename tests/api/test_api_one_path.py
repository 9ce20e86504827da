"""One evaluation path: the engine setting reaches every use case; versions are read once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from eligibility import services
from eligibility.engine import durable
from eligibility.storage import memory_storage
from tests.api.conftest import FISHING

SENIOR = {"age": 70, "resident": True}
BODY = {"ruleset": "fishing-licence", "as_of": "2024-06-01", "answers": SENIOR}


def _app(make_app: Callable[..., Flask], engine: str) -> tuple[Flask, dict[str, str]]:
    app = make_app(ENGINE=engine)
    token, _ = services.create_key(app.extensions["eligibility"].storage, "client", "test")
    return app, {"Authorization": f"Bearer {token}"}


def _durable_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = durable.compute_durable

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[0].ruleset.id)
        return real(*args, **kwargs)

    monkeypatch.setattr(durable, "compute_durable", counted)
    return calls


def _every_use_case(app: Flask, headers: dict[str, str]) -> list[int]:
    client = app.test_client()
    statuses = [client.post("/v1/evaluations", json=BODY).status_code]
    session = client.post("/v1/sessions", json={**BODY, "answers": {}}, headers=headers)
    url = session.headers["Location"]
    statuses.append(session.status_code)
    statuses.append(client.patch(url + "/answers", json=SENIOR, headers=headers).status_code)
    statuses.append(client.get(url, headers=headers).status_code)
    statuses.append(client.post(url + "/decision", headers=headers).status_code)
    statuses.append(client.post("/v1/decisions", json=BODY, headers=headers).status_code)
    return statuses


@pytest.mark.parametrize("engine", ["pure", "durable"])
def test_sessions_and_decisions_honour_the_engine_setting(
    make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch, engine: str
) -> None:
    app, headers = _app(make_app, engine)
    calls = _durable_calls(monkeypatch)
    assert _every_use_case(app, headers) == [200, 201, 200, 200, 201, 201]
    if engine == "pure":
        assert calls == []  # not one evaluation reached durable_rules
    else:  # evaluation, session start, answer, read, submit, decision: each on durable_rules
        assert len(calls) >= 6 and set(calls) == {"fishing-licence"}


class CountingVersions:
    """A version repository that counts reads of one version by id."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.reads = inner, 0

    def get(self, ruleset_id: str, version: str) -> Any:
        self.reads += 1
        return self.inner.get(ruleset_id, version)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_a_named_version_is_read_from_storage_at_most_once_per_process(
    make_app: Callable[..., Flask],
) -> None:
    storage = memory_storage()
    app = make_app(STORAGE=storage, RULES=[FISHING], VERSION_CACHE_SECONDS=60)
    counting = CountingVersions(storage.versions)
    storage.versions = counting  # type: ignore[assignment]
    client = app.test_client()
    body = {"ruleset": "fishing-licence", "version": "2024-01-01", "answers": SENIOR}
    for _ in range(5):
        assert client.post("/v1/evaluations", json=body).status_code == 200
    assert counting.reads <= 1
