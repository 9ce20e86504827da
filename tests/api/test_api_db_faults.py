"""The API while PostgreSQL goes silent: 503 + Retry-After within ~2 s, evaluations go on."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from api import create_app
from eligibility import services
from eligibility.storage.migrate import upgrade
from eligibility.storage.sql import SqlStorage
from eligibility.storage.testing import temporary_database
from tests.api.api_helpers import assert_problem
from tests.api.conftest import FISHING
from tests.integration.tcp_proxy import TcpProxy

BOUND = 3.0
KEY: dict[str, str] = {}  # the client key's header, set by the `api` fixture
CLAIM = {
    "ruleset": "fishing-licence",
    "as_of": "2024-05-01",
    "answers": {"age": 70, "resident": True},
}


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[tuple[TcpProxy, str]]:
    """A proxy in front of a migrated PostgreSQL schema, and the URL through it."""
    with temporary_database("postgresql", tmp_path) as url:
        upgrade(url)
        target = make_url(url)
        server = TcpProxy(target.host or "127.0.0.1", target.port or 5432)
        through = target.set(host="127.0.0.1", port=server.port)
        yield server, through.render_as_string(hide_password=False)
        server.close()


@pytest.fixture
def api(proxy: tuple[TcpProxy, str]) -> Iterator[FlaskClient]:
    """A client (with a client key) of an app whose database is behind the proxy.

    The app remembers versions for 0.2 s only, so the tests get past that quickly.
    """
    storage = SqlStorage(proxy[1])
    app = create_app(
        {"RULES": [FISHING], "STORAGE": storage, "TESTING": True, "VERSION_CACHE_SECONDS": 0.2}
    )
    token, _ = services.create_key(storage, "client", "test client")
    client = app.test_client()
    KEY["Authorization"] = f"Bearer {token}"
    yield client
    storage.close()


def _timed(api: FlaskClient, method: str, url: str, **kwargs: Any) -> tuple[float, Any]:
    started = time.monotonic()
    response = api.open(url, method=method, **kwargs)
    return time.monotonic() - started, response


def test_a_silent_database_gets_503_in_time_and_evaluations_go_on(
    api: FlaskClient, proxy: tuple[TcpProxy, str]
) -> None:
    assert api.post("/v1/evaluations", json=CLAIM).status_code == 200  # anonymous: no key
    assert api.post("/v1/decisions", json=CLAIM, headers=KEY).status_code == 201
    proxy[0].drop()
    time.sleep(0.3)  # past the catalogue's delay: it would ask the database again
    took, decided = _timed(api, "POST", "/v1/decisions", json=CLAIM, headers=KEY)
    body = assert_problem(decided, 503, "service-unavailable")
    assert took < BOUND and decided.headers["Retry-After"] == "5"
    assert body["detail"] == "the database did not answer in time; try again shortly"
    for _ in range(3):  # from the versions this worker holds, without waiting on the database
        took, evaluated = _timed(api, "POST", "/v1/evaluations", json=CLAIM)
        assert evaluated.status_code == 200 and took < BOUND
    assert took < 0.5
    took, ready = _timed(api, "GET", "/readyz")
    assert took < BOUND
    detail = assert_problem(ready, 503)["detail"]
    assert detail == "the database did not answer within 2 s"
    proxy[0].restore()
    started = time.monotonic()
    while api.get("/readyz").status_code != 200:
        assert time.monotonic() - started < 5
        time.sleep(0.1)
    assert api.post("/v1/decisions", json=CLAIM, headers=KEY).status_code == 201


def test_readyz_names_a_refused_database(api: FlaskClient, proxy: tuple[TcpProxy, str]) -> None:
    assert api.get("/readyz").status_code == 200
    proxy[0].refuse()
    detail = assert_problem(api.get("/readyz"), 503)["detail"]
    assert detail == "the database cannot be reached"
    proxy[0].restore()
    assert api.get("/readyz").status_code == 200
