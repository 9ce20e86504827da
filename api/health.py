"""`/healthz` (the process answers) and `/readyz` (storage reachable, rule sets compiled)."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint
from marshmallow import Schema, fields

from api.errors import ServiceUnavailable
from api.openapi import operation
from api.state import state
from eligibility.errors import DatabaseTimeout, StorageUnavailable

bp = Blueprint("health", __name__)
log = logging.getLogger("api.health")


class HealthSchema(Schema):
    """The process is alive."""

    status = fields.String(required=True, metadata={"enum": ["ok"]})


class RuleFileProblemSchema(Schema):
    """A rule file (or a version in it) that is not served, and why, as its author reads it."""

    file = fields.String(allow_none=True)
    line = fields.Integer()
    column = fields.Integer()
    path = fields.String(metadata={"description": "Where in the file: `rules.adult.when`."})
    message = fields.String(required=True)
    suggestion = fields.String(metadata={"description": "What may have been meant."})


class ReadySchema(Schema):
    """Ready to serve: storage answers and the rule sets are compiled.

    Rule files with mistakes do not make the service unready (the other rule sets are
    served); they are listed in `rule_file_problems` until fixed.
    """

    status = fields.String(required=True, metadata={"enum": ["ready"]})
    storage = fields.String(required=True, metadata={"enum": ["ok"]})
    rulesets = fields.Integer(required=True)
    versions = fields.Integer(required=True)
    rule_file_problems = fields.List(fields.Nested(RuleFileProblemSchema), required=True)


def _what_is_wrong(error: StorageUnavailable) -> str:
    """The storage problem in a few words (the log has the driver's own message)."""
    text = str(error).lower()
    if isinstance(error, DatabaseTimeout):
        what = f"the database did not answer within {error.seconds:g} s"
    elif "lock timeout" in text:
        what = "writes wait on a lock held by another transaction (the chain head)"
    elif "read-only" in text:
        what = "the database accepts no writes (read-only)"
    else:
        what = "the database cannot be reached"
    return ("reads work but writes do not: " if error.writes_only else "") + what


@bp.get("/healthz")
@operation(HealthSchema, tag="health")
def healthz() -> dict[str, str]:
    """The process is alive (no dependency is checked)."""
    return {"status": "ok"}


@bp.get("/readyz")
@operation(ReadySchema, errors=(503,), tag="health")
def readyz() -> dict[str, Any]:
    """Ready for traffic: reads and writes get through and the rule sets are compiled.

    The write path is taken as an append takes it (the chain head locked, then rolled
    back); a 503 says what is wrong: unreachable, too slow, or reads only.

    `rule_file_problems` names each rule file that is left out (file, line, column, the
    problem); the files are looked at again on every call, so a fix shows here at once.
    """
    app = state()
    try:
        app.rule_files.refresh(app.storage)
        app.storage.ping()
        found = app.catalogue.rulesets(drafts=True)
        ids = [r.id for r in found]
        versions = sum(len(r.versions) for r in found)
    except StorageUnavailable as error:
        log.warning("not ready: %s", error)
        raise ServiceUnavailable(_what_is_wrong(error)) from None
    if not ids:
        raise ServiceUnavailable("no rule set is loaded")
    problems = [p.to_dict() for p in app.rule_files.problems]
    return {
        "status": "ready",
        "storage": "ok",
        "rulesets": len(ids),
        "versions": versions,
        "rule_file_problems": problems,
    }
