"""The body of a recorded decision built directly, without a marshmallow dump.

`DecisionSchema` stays the contract (the OpenAPI document publishes it, and the tests
compare this body with its dump, key order included). A decision's parts are plain data
already (they were hashed as such), so the body takes them as they are instead of walking
every trace step and reason through marshmallow's fields (~1.5 ms for a SNAP decision).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eligibility.decisions import Decision
from eligibility.values_io import to_plain


def decision_body(decision: Decision) -> dict[str, Any]:
    """The decision as `DecisionSchema` dumps it."""
    return {
        "id": decision.id,
        "sequence": decision.sequence,
        "recorded_at": decision.recorded_at.isoformat(),
        "ruleset": {
            "id": decision.ruleset_id,
            "version": decision.version,
            "content_hash": decision.content_hash,
        },
        "as_of": decision.as_of.isoformat(),
        "locale": decision.locale,
        "client": decision.client,
        "eligible": decision.eligible,
        "status": decision.status,
        "session_id": decision.session_id,
        "answers": {str(k): to_plain(v) for k, v in decision.answers.items()},
        "goals": {str(k): _goal(g) for k, g in decision.goals.items()},
        "reasons": {
            str(k): [_reason(r) for r in reasons] for k, reasons in decision.reasons.items()
        },
        "trace": [_step(step) for step in decision.trace],
        "ignored_answers": [str(a) for a in decision.ignored_answers],
        "idempotency_key": decision.idempotency_key,
        "prev_hash": decision.prev_hash,
        "hash": decision.hash,
    }


def _goal(goal: Mapping[str, Any]) -> dict[str, Any]:
    body = {"value": to_plain(goal.get("value")), "decided": goal["decided"]}
    if "currency" in goal:
        body["currency"] = goal["currency"]
    return body


def _reason(reason: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "rule": reason["rule"],
        "value": reason.get("value"),
        "text": reason.get("text"),
        "legal_reference": reason["legal_reference"],
    }


def _step(step: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": step["name"],
        "kind": step["kind"],
        "inputs": dict(step["inputs"]),  # plain: a record holds what it hashed
        "result": step["result"],
        "legal_reference": step.get("legal_reference"),
    }
