"""The exception tree of the eligibility core: one root, three branches.

EligibilityError                    root; every error the core raises on purpose
├── RuleFileError                   a rule file or document is wrong (load, compile, publish)
│   ├── RuleSetError                every problem found, each a Problem (file, path, line, …)
│   ├── ExpressionError             one expression is invalid; becomes a Problem
│   ├── ScenariosFailed             a version's scenarios fail, so it is not published
│   └── CoverageIncomplete          coverage is required and scenarios miss outcomes
├── RequestError                    the request cannot be served as asked
│   ├── InvalidRequestError         the request's content is wrong
│   │   ├── AnswerError             answers do not fit the questions ({pointer: [messages]})
│   │   ├── EvaluationError         a rule cannot be computed for these answers
│   │   ├── NoVersionApplies        no published version covers the claim's date
│   │   ├── ClaimDateConflict       the request's as_of lies outside the claim's own date
│   │   ├── IncompleteDecision      a decision with undecided goals, not asked for
│   │   └── InvalidCursor           a pagination cursor this service did not issue
│   ├── NotFound                    no such thing (stored record, rule set, version)
│   │   ├── RuleSetNotFound         no rule set with this id
│   │   ├── VersionNotFound         no version with this id (or not visible to the caller)
│   │   └── SessionExpired          an interview session was idle too long
│   ├── Conflict                    the request conflicts with the stored state
│   │   ├── IdempotencyConflict     an Idempotency-Key was reused with another request
│   │   ├── ImmutableVersion        a published version's content would change
│   │   ├── ParentNotPublished      a version would be published on top of a draft
│   │   ├── ChainBroken             the decision chain fails verification: no checkpoint
│   │   ├── ChainTooLong            more records than a request verifies: a job does it
│   │   ├── JobNotResumable         a job running or done was asked to resume
│   │   └── CheckpointsNotConfigured  checkpoints asked for, none set up
│   ├── NotAllowed                  a rule of the process forbids it (403)
│   │   └── SameAuthorAndPublisher  maker-checker: the author may not publish
│   └── PreconditionFailed          the caller's ETag is stale: the record changed meanwhile
└── ServiceError                    the service cannot do it now; nothing was changed
    ├── StorageUnavailable          the database cannot be reached (retry later)
    │   └── DatabaseTimeout         the database did not answer within the time allowed
    ├── EngineError                 the rule engine failed
    ├── ChainMismatch               the database chained a decision otherwise (rolled back, 500)
    └── StoredVersionAltered        a stored version no longer fits its content hash (500)

Each class has a stable `code` (the last part of the problem type) and a `title`; callers
map branches, not leaves, to their own vocabulary (the API: 422, 404, 409, 412, 503, 500).

The branches live in their own modules (`root`, `rule_files`, `requests`, `service`); import
the names from here.
"""

from __future__ import annotations

from eligibility.errors.requests import (
    AnswerError,
    ChainBroken,
    ChainTooLong,
    CheckpointsNotConfigured,
    ClaimDateConflict,
    Conflict,
    EvaluationError,
    IdempotencyConflict,
    ImmutableVersion,
    IncompleteDecision,
    InvalidCursor,
    InvalidRequestError,
    JobNotResumable,
    NotAllowed,
    NotFound,
    NoVersionApplies,
    ParentNotPublished,
    PreconditionFailed,
    RequestError,
    RuleSetNotFound,
    SameAuthorAndPublisher,
    SessionExpired,
    VersionNotFound,
)
from eligibility.errors.root import (
    EligibilityError,
)
from eligibility.errors.rule_files import (
    CoverageIncomplete,
    ExpressionError,
    Problem,
    RuleFileError,
    RuleSetError,
    ScenariosFailed,
    unique,
)
from eligibility.errors.service import (
    ChainMismatch,
    DatabaseTimeout,
    EngineError,
    ServiceError,
    StorageUnavailable,
    StoredVersionAltered,
)

__all__ = [
    "AnswerError",
    "ChainBroken",
    "ChainMismatch",
    "ChainTooLong",
    "JobNotResumable",
    "CheckpointsNotConfigured",
    "ClaimDateConflict",
    "Conflict",
    "CoverageIncomplete",
    "DatabaseTimeout",
    "EligibilityError",
    "EngineError",
    "EvaluationError",
    "ExpressionError",
    "IdempotencyConflict",
    "ImmutableVersion",
    "IncompleteDecision",
    "InvalidCursor",
    "InvalidRequestError",
    "NoVersionApplies",
    "NotAllowed",
    "NotFound",
    "ParentNotPublished",
    "PreconditionFailed",
    "Problem",
    "RequestError",
    "RuleFileError",
    "RuleSetError",
    "RuleSetNotFound",
    "SameAuthorAndPublisher",
    "ScenariosFailed",
    "ServiceError",
    "SessionExpired",
    "StorageUnavailable",
    "StoredVersionAltered",
    "VersionNotFound",
    "unique",
]
