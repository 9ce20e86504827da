"""Property-based tests of the whole API against its own OpenAPI document (schemathesis).

Every check schemathesis has (server errors, status codes, media types, headers and
schemas of responses, schema-valid requests accepted, schema-violating requests and
missing required headers refused, unsupported methods, auth that is ignored, resources
used after deletion, …) in every phase: the document's examples, coverage of each
parameter's edges, fuzzing, and stateful sequences. Requests go through the WSGI app
(no network), each with a key of the role its operation lists (x-roles), so generated
bodies reach the views. Examples per operation are bounded to keep CI time moderate.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test
from schemathesis.config import SchemathesisConfig

from api import create_app
from eligibility import services
from eligibility.records import ROLES
from eligibility.storage.migrate import upgrade
from eligibility.storage.sql import SqlStorage

# The replay jobs the fuzzer starts run on the module's Dask cluster, whose scheduler
# threads in this process draw from the global `random`; Hypothesis sees the state move
# while it builds a case and warns as if a strategy had used it. The strategies do not.
pytestmark = [
    pytest.mark.usefixtures("dask_cluster"),
    pytest.mark.filterwarnings("ignore:Do not use the `random` module inside strategies"),
]

ROOT = Path(__file__).resolve().parents[2]
RULES = [str(ROOT / "tests" / "fixtures" / "fishing-licence"), str(ROOT / "rules" / "snap")]
CONFIG = """
continue-on-failure = true
[checks]
enabled = true
[phases.examples]
enabled = true
[phases.coverage]
enabled = true
[phases.fuzzing]
enabled = true
[phases.stateful]
enabled = true
[generation]
max-examples = 10
# Schema-valid requests may still be refused with 422 (answers are checked against the
# questions of the rule set and version asked for, which no static schema can list) or
# 400 (numbers beyond 1e±100: the document bounds the large ones; JSON Schema cannot
# bound an exponent from below).
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "422", "429"]
"""
STATEFUL_EXAMPLES = 10
STATEFUL_STEPS = 8


# Built at import: schemathesis' pytest integration parametrizes from a loaded schema
# (its fixture-based loader does not work with this pytest). One SQLite file, removed at exit.
_FOLDER = tempfile.TemporaryDirectory(prefix="schemathesis-")


def _app() -> Flask:
    url = f"sqlite:///{Path(_FOLDER.name) / 'api.db'}"
    upgrade(url)
    # Schemathesis sends wrong and missing keys on purpose, all from one address: the
    # throttle of failed attempts (tested in test_api_auth_limits) would turn them into 429.
    return create_app(
        {
            "RULES": RULES,
            "STORAGE": SqlStorage(url),
            "TESTING": True,
            "AUTH_FAILURE_LIMIT": 0,
            "BATCH_DIR": str(Path(_FOLDER.name) / "batches"),
            "VERIFY_DIR": str(Path(_FOLDER.name) / "verifications"),
            # Jobs run in this process: a cluster's threads would touch the global `random`
            # while Hypothesis draws the next request (it refuses that).
            "JOBS_CLUSTER": "inline",
        }
    )


APP = _app()
TOKENS = {
    role: services.create_key(APP.extensions["eligibility"].storage, role, f"st {role}")[0]
    for role in ROLES
}
schema = schemathesis.openapi.from_wsgi(
    "/openapi.json", APP, config=SchemathesisConfig.from_str(CONFIG)
)


@schema.auth()
class ByRole:
    """The key of the first role the operation lists (none for open operations)."""

    def get(self, case: Any, context: Any) -> str | None:
        roles = case.operation.definition.raw.get("x-roles") or []
        return TOKENS[roles[0]] if roles else None

    def set(self, case: Any, data: str | None, context: Any) -> None:
        if data is not None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schema.parametrize()
def test_every_operation_keeps_its_contract(case: Any) -> None:
    case.call_and_validate()


def test_sequences_of_calls_keep_the_contract() -> None:
    assert len(list(schema.get_all_operations())) >= 20
    run_state_machine_as_test(
        schema.as_state_machine(),
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=STATEFUL_STEPS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        ),
    )
