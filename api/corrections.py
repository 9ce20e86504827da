"""`/v1/rulesets/{id}/versions/{version}/correction-impact`: the what-if of a correction.

Auditors see which recorded decisions a correction (published or still a draft)
changes, and in which direction the money moves; the rows name decisions, never
their answers. The CLI twin is `eligibility rules correction-impact`.
"""

from __future__ import annotations

from flask import Blueprint

from api.auth import require
from api.correction_schemas import CorrectionImpactSchema
from api.openapi import operation
from api.state import state
from eligibility import services

bp = Blueprint("corrections", __name__, url_prefix="/v1")


@bp.get("/rulesets/<ruleset_id>/versions/<version>/correction-impact")
@require("auditor")
@operation(CorrectionImpactSchema, errors=(404, 409), storage=True, tag="audit")
def get_correction_impact(ruleset_id: str, version: str) -> services.CorrectionImpact:
    """Replay the decisions recorded under the versions a correction supersedes under it.

    Lists those whose outcome changes: paid too much (the corrected amounts are lower),
    paid too little (higher), or another outcome changed. 409 for a version that
    supersedes none.
    """
    return services.correction_impact(state().storage, ruleset_id, version, state().evaluator)
