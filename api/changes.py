"""What a reviewer reads before publishing a draft: `…/versions/{version}/changes` (what
changed since another version, as `eligibility rules diff --stored` prints) and
`…/versions/{version}/coverage` (what its scenarios exercise, as `rules test --coverage`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from api.auth import principal, require
from api.change_schemas import ChangesQuerySchema, VersionChangesSchema, VersionCoverageSchema
from api.openapi import operation
from api.rulesets import READERS
from api.state import state
from eligibility import services

bp = Blueprint("changes", __name__, url_prefix="/v1/rulesets")


@bp.get("/<ruleset_id>/versions/<version>/changes")
@require(*READERS, public=True)
@operation(
    VersionChangesSchema, query=ChangesQuerySchema, errors=(404,), storage=True, tag="authoring"
)
def get_changes(ruleset_id: str, version: str, query: dict[str, Any]) -> Any:
    """What changed from `since` to this version, entry by entry and text by text.

    Each entry of each part (version texts and window, legal basis, sections,
    questions, parameters, derived values, rules, goals, scenarios) added, removed or
    changed, with the fields that differ by path. Drafts only for those who may see them
    (authors, publishers, auditors); 404 otherwise.
    """
    catalogue, drafts = state().catalogue, principal().sees_drafts
    for named in (query["since"], version):
        catalogue.version(ruleset_id, named, drafts)  # 404 for what the caller may not see
    return services.version_changes(state().storage, ruleset_id, query["since"], version)


@bp.get("/<ruleset_id>/versions/<version>/coverage")
@require(*READERS, public=True)
@operation(VersionCoverageSchema, errors=(404,), storage=True, tag="authoring")
def get_coverage(ruleset_id: str, version: str) -> Any:
    """What the version's scenarios exercise: each goal, rule and branch true and false.

    `missed` lists each outcome no scenario shows (unknown too where an "I don't know"
    answer can leave it so); `complete` is what PUBLISH_REQUIRE_COVERAGE requires. Drafts
    only for authors, publishers and auditors (404 otherwise).
    """
    state().catalogue.version(ruleset_id, version, principal().sees_drafts)
    return services.version_coverage(state().storage, ruleset_id, version)
