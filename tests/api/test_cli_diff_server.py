"""`eligibility rules diff --server`: a reviewer with a key compares a draft on a running server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from werkzeug.serving import make_server

from cli import main
from eligibility import services
from tests.api.conftest import AppFactory

DRAFT = """\
ruleset: fishing-licence
version: "2025-01-01"
extends: "2024-01-01"
effective_from: 2025-01-01
parameters:
  income_limit: {value: 1000.00}
"""


@pytest.fixture
def server(make_app: AppFactory) -> Iterator[tuple[str, str]]:
    """A live server (its own thread) holding a draft, and an author's key."""
    app = make_app()
    key, _ = services.create_key(app.extensions["eligibility"].storage, "author", "a")
    sent = app.test_client().post(
        "/v1/rulesets/fishing-licence/versions",
        data=DRAFT,
        content_type="application/yaml",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert sent.status_code == 201
    live = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=live.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{live.server_port}", key
    live.shutdown()
    thread.join()


def diff(*args: str) -> Any:
    return CliRunner().invoke(main, ["rules", "diff", "fishing-licence", *args])


def test_a_draft_on_the_server_against_the_version_in_force(server: tuple[str, str]) -> None:
    url, key = server
    result = diff("2024-01-01", "2025-01-01", "--server", url, "--key", key)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (
        f"fishing-licence: 2024-01-01 ({url}, published) → 2025-01-01 ({url}, draft)"
    )
    assert '           value: "1200.00" → "1000.00"' in lines
    assert '           effective_to: "2024-12-31" → (none)' in lines


def test_without_a_key_the_draft_is_not_found(server: tuple[str, str]) -> None:
    url, _ = server
    result = diff("2024-01-01", "2025-01-01", "--server", url)
    assert result.exit_code == 2
    assert "answered 404: rule set 'fishing-licence' has no version '2025-01-01'" in result.output


def test_an_unreachable_server_is_named() -> None:
    result = diff("2024-01-01", "2025-01-01", "--server", "http://127.0.0.1:1")
    assert result.exit_code == 3
    assert "cannot reach http://127.0.0.1:1" in result.output
