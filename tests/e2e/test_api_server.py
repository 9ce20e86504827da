"""A real server: `eligibility db upgrade` then `eligibility serve` (gunicorn, two workers)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI = [str(Path(sys.executable).parent / "eligibility")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _call(url: str, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """A server on a fresh database (and its environment), stopped after the module."""
    directory = tmp_path_factory.mktemp("server")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{directory / 'eligibility.db'}",
        "ELIGIBILITY_RULES": str(ROOT / "rules"),
        "CHECKPOINT_DIR": str(directory / "checkpoints"),
        "CHECKPOINT_KEY_FILE": str(directory / "signing.pem"),
        "CHECKPOINT_INTERVAL_SECONDS": "1",
    }
    subprocess.run([*CLI, "db", "upgrade"], env=env, check=True, cwd=ROOT, timeout=120)
    subprocess.run(
        [*CLI, "audit", "keygen", env["CHECKPOINT_KEY_FILE"]], env=env, check=True, timeout=60
    )
    port = _free_port()
    process = subprocess.Popen(
        [*CLI, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if _call(base + "/readyz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            raise AssertionError("the server did not become ready")
        yield base, env
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def server(served: tuple[str, dict[str, str]]) -> str:
    """The base URL of the server."""
    return served[0]


def test_ready_and_healthy(server: str) -> None:
    assert _call(server + "/healthz") == (200, {"status": "ok"})
    status, ready = _call(server + "/readyz")
    assert status == 200 and ready["rulesets"] >= 2


def test_evaluations_on_every_worker(server: str) -> None:
    body = {"ruleset": "snap", "as_of": "2020-01-15", "answers": {"state": "UT"}}
    for _ in range(10):  # requests land on both workers
        status, result = _call(server + "/v1/evaluations", body)
        assert status == 200
        assert result["next_questions"][0]["id"] == "household_size"


def test_errors_are_problems(server: str) -> None:
    status, problem = _call(server + "/v1/nothing")
    assert status == 404 and problem["type"].endswith("/problems/not-found")


def test_the_server_writes_signed_checkpoints(served: tuple[str, dict[str, str]]) -> None:
    _, env = served
    folder = Path(env["CHECKPOINT_DIR"])
    deadline = time.monotonic() + 30
    while not list(folder.glob("*.json")) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert list(folder.glob("*.json")), "no checkpoint written"
    verified = subprocess.run(
        [*CLI, "audit", "verify"], env=env, capture_output=True, text=True, timeout=60
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "checkpoint(s) match" in verified.stdout
