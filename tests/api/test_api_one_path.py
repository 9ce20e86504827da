"""One evaluation path: the engine setting reaches every use case; versions are read once."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from eligibility import services
from eligibility.catalogue import Catalogue
from eligibility.storage import memory_storage
from tests.api.api_helpers import finished
from tests.api.conftest import FISHING

SENIOR = {"age": 70, "resident": True}
BODY = {"ruleset": "fishing-licence", "as_of": "2024-06-01", "answers": SENIOR}


def _app(make_app: Callable[..., Flask], engine: str) -> tuple[Flask, dict[str, str]]:
    app = make_app(ENGINE=engine)
    token, _ = services.create_key(app.extensions["eligibility"].storage, "client", "test")
    return app, {"Authorization": f"Bearer {token}"}


def _every_use_case(app: Flask, headers: dict[str, str], decided: list[str]) -> list[int]:
    """Each use case's status; `decided` gets a "|" after each, between its decisions."""
    client = app.test_client()
    statuses = [client.post("/v1/evaluations", json=BODY).status_code]
    decided.append("|")
    session = client.post("/v1/sessions", json={**BODY, "answers": {}}, headers=headers)
    url = session.headers["Location"]
    statuses.append(session.status_code)
    decided.append("|")
    statuses.append(client.patch(url + "/answers", json=SENIOR, headers=headers).status_code)
    decided.append("|")
    statuses.append(client.get(url, headers=headers).status_code)
    decided.append("|")
    statuses.append(client.post(url + "/decision", headers=headers).status_code)
    decided.append("|")
    statuses.append(client.post("/v1/decisions", json=BODY, headers=headers).status_code)
    decided.append("|")
    return statuses


@pytest.mark.parametrize("engine", ["pure", "durable"])
def test_sessions_and_decisions_honour_the_engine_setting(
    make_app: Callable[..., Flask], durable_decided: list[str], engine: str
) -> None:
    app, headers = _app(make_app, engine)
    decided = durable_decided
    assert _every_use_case(app, headers, decided) == [200, 201, 200, 200, 201, 201]
    steps = "".join("|" if d == "|" else "g" for d in decided).split("|")[:-1]
    if engine == "pure":
        assert steps == [""] * 6  # not one goal reached durable_rules
    else:
        # Every use case's goal decided by durable_rules — the session's answer too, an
        # incremental step that reaches the goal again — except reading the session: it
        # changes no answer, so the goal durable_rules decided at the last step stands.
        assert [bool(s) for s in steps] == [True, True, True, False, True, True], steps
        assert set(decided) == {"eligible", "|"}


class CountingVersions:
    """A version repository that counts reads of one version by id."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.reads = inner, 0

    def get(self, ruleset_id: str, version: str) -> Any:
        self.reads += 1
        return self.inner.get(ruleset_id, version)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _counting_reads(make_app: Callable[..., Flask]) -> tuple[Any, dict[str, str], Any]:
    """A client of an app whose versions are remembered, its key, and the reads counted."""
    storage = memory_storage()
    app = make_app(STORAGE=storage, RULES=[FISHING], VERSION_CACHE_SECONDS=60)
    counting = CountingVersions(storage.versions)
    storage.versions = counting  # type: ignore[assignment]
    token, _ = services.create_key(storage, "client", "test")
    return app.test_client(), {"Authorization": f"Bearer {token}"}, counting


def test_a_named_version_is_read_from_storage_at_most_once_per_process(
    make_app: Callable[..., Flask],
) -> None:
    client, headers, counting = _counting_reads(make_app)
    body = {"ruleset": "fishing-licence", "version": "2024-01-01", "answers": SENIOR}
    for _ in range(5):
        assert client.post("/v1/evaluations", json=body).status_code == 200
        assert client.post("/v1/decisions", json=body, headers=headers).status_code == 201
    assert counting.reads <= 1


def _crossings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every call from api/ into the core's use cases and catalogue, by name; calls the core
    makes inside itself are not counted. Authentication (before the view) is left out."""
    entered: list[str] = []
    depth = [0]

    def wrapped(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            if depth[0] == 0:
                entered.append(name)
            depth[0] += 1
            try:
                return real(*args, **kwargs)
            finally:
                depth[0] -= 1

        return call

    for name in services.__all__:
        found = getattr(services, name)
        if inspect.isfunction(found) and name != "authenticate":
            monkeypatch.setattr(services, name, wrapped(name, found))
    for cls in (services.Evaluator, Catalogue):
        for name, found in vars(cls).items():
            if inspect.isfunction(found) and not name.startswith("_"):
                label = f"{cls.__name__}.{name}"
                monkeypatch.setattr(cls, name, wrapped(label, found))
    return entered


def test_a_request_crosses_from_the_api_into_the_core_at_most_twice(
    make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, headers = _app(make_app, "durable")
    client = app.test_client()
    url = client.post("/v1/sessions", json={**BODY, "answers": {}}, headers=headers).location
    etag = client.get(url, headers=headers).headers["ETag"]
    entered = _crossings(monkeypatch)
    crossings = {}
    for label, send in {
        "evaluation": lambda: client.post("/v1/evaluations", json=BODY),
        "session": lambda: client.post("/v1/sessions", json=BODY, headers=headers),
        "answers": lambda: client.patch(
            url + "/answers", json=SENIOR, headers={**headers, "If-Match": etag}
        ),
        "decision": lambda: client.post("/v1/decisions", json=BODY, headers=headers),
    }.items():
        entered.clear()
        assert send().status_code in (200, 201), label
        crossings[label] = list(entered)
    assert crossings == {
        "evaluation": ["Evaluator.evaluate"],
        "session": ["create_session", "evaluate_session"],
        "answers": ["answer", "evaluate_session"],
        "decision": ["record_decision"],
    }


@pytest.mark.parametrize("engine", ["pure", "durable"])
def test_replays_and_batch_jobs_honour_the_engine_setting(
    make_app: Callable[..., Flask], durable_decided: list[str], tmp_path: Any, engine: str
) -> None:
    app = make_app(ENGINE=engine, JOBS_CLUSTER="inline", BATCH_DIR=str(tmp_path))
    store = app.extensions["eligibility"].storage
    keys = {
        role: {"Authorization": f"Bearer {services.create_key(store, role, role)[0]}"}
        for role in ("client", "auditor", "author")
    }
    client = app.test_client()
    recorded = client.post("/v1/decisions", json=BODY, headers=keys["client"])
    decided = durable_decided
    decided.clear()  # counted from the replay on
    one = client.post(recorded.location + "/replay", json={}, headers=keys["auditor"])
    assert one.status_code == 200 and one.get_json()["identical"]
    single, decided[:] = list(decided), []
    everything = {"ruleset": "fishing-licence"}
    replay = client.post("/v1/replays", json=everything, headers=keys["auditor"])
    assert finished(client, replay.location, keys["auditor"])["status"] == "done"
    replayed, decided[:] = list(decided), []
    batch = client.post(
        "/v1/batches?ruleset=fishing-licence&version=2024-01-01",
        data="id,age,resident\na,70,true\n",
        headers={**keys["author"], "Content-Type": "text/csv"},
    )
    assert finished(client, batch.location, keys["author"])["status"] == "done"
    assert (bool(single), bool(replayed), bool(decided)) == ((engine == "durable",) * 3)


def test_a_sessions_version_is_read_from_storage_at_most_once_per_process(
    make_app: Callable[..., Flask],
) -> None:
    client, headers, counting = _counting_reads(make_app)
    body = {"ruleset": "fishing-licence", "version": "2024-01-01", "answers": {}}
    url = client.post("/v1/sessions", json=body, headers=headers).location
    for age in range(60, 65):
        assert client.patch(url + "/answers", json={"age": age}, headers=headers).status_code == 200
        assert client.get(url, headers=headers).status_code == 200
    assert client.post(url + "/decision", headers=headers).status_code in (201, 422)
    assert counting.reads <= 1


def test_a_decision_resolves_its_version_once(
    make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, headers = _app(make_app, "pure")
    resolved: list[str] = []
    real = Catalogue.resolve

    def counted(self: Catalogue, ruleset_id: str, *args: Any, **kwargs: Any) -> Any:
        resolved.append(ruleset_id)
        return real(self, ruleset_id, *args, **kwargs)

    monkeypatch.setattr(Catalogue, "resolve", counted)
    assert app.test_client().post("/v1/decisions", json=BODY, headers=headers).status_code == 201
    assert resolved == ["fishing-licence"]
