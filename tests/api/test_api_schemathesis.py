"""Property-based tests of the whole API against its own OpenAPI document (schemathesis).

Generated requests, valid and invalid, go to every operation through the WSGI app (no
network): no response may be a 5xx, and every response must match the status codes,
media types, headers and schemas the document declares. Each operation is called with a
key of the role it needs, so the generated bodies reach the views.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api import create_app
from eligibility import services
from eligibility.records import ROLES
from eligibility.storage.migrate import upgrade
from eligibility.storage.sql import SqlStorage

ROOT = Path(__file__).resolve().parents[2]
RULES = [str(ROOT / "tests" / "fixtures" / "fishing-licence"), str(ROOT / "rules" / "snap")]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 30


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    url = f"sqlite:///{tmp_path_factory.mktemp('schemathesis') / 'api.db'}"
    upgrade(url)
    storage = SqlStorage(url)
    yield create_app({"RULES": RULES, "STORAGE": storage, "TESTING": True})
    storage.close()


@pytest.fixture(scope="module")
def tokens(app: Flask) -> dict[str, str]:
    store = app.extensions["eligibility"].storage
    return {role: services.create_key(store, role, f"schemathesis {role}")[0] for role in ROLES}


def check_operation(operation: Any, mode: GenerationMode, headers: dict[str, str]) -> None:
    """Run generated cases of one operation through the app and validate every response."""

    @given(case=operation.as_strategy(mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def keeps_contract(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        keeps_contract()
    except Unsatisfiable:
        # Only negative generation gets here: an operation with nothing that can be made
        # invalid (no body, no constrained parameter) has no negative case.
        assert mode is GenerationMode.NEGATIVE


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_keeps_its_contract(
    app: Flask, tokens: dict[str, str], mode: GenerationMode
) -> None:
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:
        roles = operation.definition.raw.get("x-roles") or []
        headers = {"Authorization": f"Bearer {tokens[roles[0]]}"} if roles else {}
        check_operation(operation, mode, headers)
