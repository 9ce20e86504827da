"""Use cases over storage: rule-set lifecycle, decisions, audit, replay, sessions and API keys.

The API and the CLI call these functions; each takes the `Storage` to work on
first (`eligibility.storage.open_storage()` or `memory_storage()`), and those that
evaluate take the caller's `Evaluator` (its catalogue and engine; by default one over
the stored versions). Errors are the core's (`eligibility.errors`); a database that
cannot be reached raises `StorageUnavailable` and nothing is half-written.

    evaluations  Evaluator.evaluate · EvaluationRequest · stored_evaluator
    versions     get_version · list_versions (the stored record of a version)
    syncing      sync_rule_files (rule files into storage)
    drafts       create_draft
    publishing   publish · publish_files · retire · version_coverage
    records      record_decision · get_decision · list_decisions · export_decisions
    reports      decision_report (render it with eligibility.reports)
    audit        verify_audit_chain · write_checkpoint · latest_checkpoint · audit_head ·
                 keep_checkpointing
    verifications  ChainVerifications (verifying the chain as a job: progress, cancel, kept)
    replaying    replay_decision · start_replay_job · run_replay_job · cancel_replay_job ·
                 resume_replay_job · export_replay_results
    corrections  correction_impact (the what-if of a correction over recorded decisions)
    changes      version_changes (what changed between two stored versions, drafts too)
    interviews   create_session · get_session · evaluate_session · expire_sessions
    interview_answers  answer · forget_answer (under ETags)
    interview_submits  submit_session (a session recorded as a decision)
    keys         create_key · authenticate · list_keys · revoke_key
"""

from __future__ import annotations

from eligibility.catalogue.lookups import get_version, list_versions
from eligibility.services.audit import (
    AuditHead,
    audit_head,
    keep_checkpointing,
    latest_checkpoint,
    verify_audit_chain,
    write_checkpoint,
)
from eligibility.services.changes import VersionChanges, version_changes
from eligibility.services.corrections import (
    CorrectedDecision,
    CorrectionImpact,
    correction_impact,
)
from eligibility.services.drafts import create_draft
from eligibility.services.evaluations import EvaluationRequest, Evaluator, stored_evaluator
from eligibility.services.interview_answers import answer, etag_matches, forget_answer
from eligibility.services.interview_submits import submit_session
from eligibility.services.interviews import (
    DEFAULT_SESSION_IDLE_SECONDS,
    create_session,
    evaluate_session,
    expire_sessions,
    get_session,
    pinned_version,
)
from eligibility.services.keys import authenticate, create_key, list_keys, revoke_key
from eligibility.services.publishing import (
    Publication,
    publish,
    publish_files,
    retire,
    version_coverage,
)
from eligibility.services.records import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    ExportFormat,
    Page,
    Recorded,
    export_decisions,
    get_decision,
    list_decisions,
    record_decision,
)
from eligibility.services.replaying import (
    Progress,
    cancel_replay_job,
    export_replay_results,
    get_replay_job,
    list_replay_jobs,
    replay_decision,
    resume_replay_job,
    run_replay_job,
    start_replay_job,
)
from eligibility.services.reports import decision_report
from eligibility.services.syncing import SyncReport, sync_rule_files
from eligibility.services.verifications import ChainVerifications

__all__ = [
    "CorrectedDecision",
    "CorrectionImpact",
    "correction_impact",
    "version_changes",
    "version_coverage",
    "VersionChanges",
    "AuditHead",
    "ChainVerifications",
    "DEFAULT_PAGE_SIZE",
    "DEFAULT_SESSION_IDLE_SECONDS",
    "MAX_PAGE_SIZE",
    "EvaluationRequest",
    "Evaluator",
    "ExportFormat",
    "Page",
    "Progress",
    "Publication",
    "Recorded",
    "SyncReport",
    "answer",
    "audit_head",
    "authenticate",
    "cancel_replay_job",
    "create_draft",
    "create_key",
    "create_session",
    "decision_report",
    "etag_matches",
    "evaluate_session",
    "expire_sessions",
    "export_decisions",
    "export_replay_results",
    "forget_answer",
    "get_decision",
    "get_replay_job",
    "get_session",
    "get_version",
    "keep_checkpointing",
    "latest_checkpoint",
    "list_decisions",
    "list_keys",
    "list_replay_jobs",
    "list_versions",
    "pinned_version",
    "publish",
    "publish_files",
    "record_decision",
    "replay_decision",
    "resume_replay_job",
    "retire",
    "revoke_key",
    "run_replay_job",
    "start_replay_job",
    "stored_evaluator",
    "submit_session",
    "sync_rule_files",
    "verify_audit_chain",
    "write_checkpoint",
]
