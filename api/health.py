"""`/healthz` (the process answers) and `/readyz` (storage reachable, rule sets compiled)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from marshmallow import Schema, fields

from api.errors import ServiceUnavailable
from api.openapi import operation
from api.state import state
from eligibility.errors import StorageUnavailable

bp = Blueprint("health", __name__)


class HealthSchema(Schema):
    """The process is alive."""

    status = fields.String(required=True, metadata={"enum": ["ok"]})


class ReadySchema(Schema):
    """Ready to serve: storage answers and the rule sets are compiled."""

    status = fields.String(required=True, metadata={"enum": ["ready"]})
    storage = fields.String(required=True, metadata={"enum": ["ok"]})
    rulesets = fields.Integer(required=True)
    versions = fields.Integer(required=True)


@bp.get("/healthz")
@operation(HealthSchema, tag="health")
def healthz() -> dict[str, str]:
    """The process is alive (no dependency is checked)."""
    return {"status": "ok"}


@bp.get("/readyz")
@operation(ReadySchema, errors=(503,), tag="health")
def readyz() -> dict[str, Any]:
    """Ready for traffic: the database answers and every rule set is compiled."""
    app = state()
    try:
        app.storage.ping()
        found = app.catalogue.rulesets(drafts=True)
        ids = [r.id for r in found]
        versions = sum(len(r.versions) for r in found)
    except StorageUnavailable:
        raise ServiceUnavailable("the database cannot be reached") from None
    if not ids:
        raise ServiceUnavailable("no rule set is loaded")
    return {"status": "ready", "storage": "ok", "rulesets": len(ids), "versions": versions}
