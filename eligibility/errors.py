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
│   │   └── CheckpointsNotConfigured  checkpoints asked for, none set up
│   ├── NotAllowed                  a rule of the process forbids it (403)
│   │   └── SameAuthorAndPublisher  maker-checker: the author may not publish
│   └── PreconditionFailed          the caller's ETag is stale: the record changed meanwhile
└── ServiceError                    the service cannot do it now; nothing was changed
    ├── StorageUnavailable          the database cannot be reached (retry later)
    │   └── DatabaseTimeout         the database did not answer within the time allowed
    ├── EngineError                 the rule engine failed
    └── StoredVersionAltered        a stored version no longer fits its content hash (500)

Each class has a stable `code` (the last part of the problem type) and a `title`; callers
map branches, not leaves, to their own vocabulary (the API: 422, 404, 409, 412, 503, 500).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar


class EligibilityError(Exception):
    """Root of every error the core raises on purpose."""

    code: ClassVar[str] = "error"
    title: ClassVar[str] = "Error"


@dataclass(frozen=True)
class Problem:
    """One finding in a rule file: where it is, what is wrong and what might be meant."""

    message: str
    path: str = ""
    file: str | None = None
    line: int | None = None
    column: int | None = None
    suggestion: str | None = None

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.line, self.column) if p is not None)
        text = f"{where}: " if where else ""
        if self.path:
            text += f"{self.path}: "
        text += self.message
        if self.suggestion:
            text += f" (did you mean '{self.suggestion}'?)"
        return text

    def to_dict(self) -> dict[str, object]:
        """The problem as plain data, for JSON output."""
        return {k: v for k, v in self.__dict__.items() if v is not None and v != ""}


# --- rule files --------------------------------------------------------------------------------


class RuleFileError(EligibilityError):
    """A rule file or rule document is wrong (found when loading, compiling or publishing)."""

    code, title = "invalid-ruleset", "Invalid rule set"


class RuleSetError(RuleFileError):
    """A rule file or rule document is invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = unique(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def unique(problems: list[Problem]) -> list[Problem]:
    """Each problem once: a version that extends a broken one would repeat its problems."""
    return list(dict.fromkeys(problems))


@dataclass
class ExpressionError(RuleFileError):
    """One expression is invalid: syntax, unknown name or type mismatch, with its position."""

    message: str
    line: int = 1
    column: int = 1
    suggestion: str | None = None

    def __str__(self) -> str:
        return f"{self.line}:{self.column}: {self.message}"


class ScenariosFailed(RuleFileError):
    """A version's scenarios do not all pass, so it is not published; carries the failures."""

    code, title = "scenarios-failed", "The version's scenarios fail"

    def __init__(self, ruleset_id: str, version: str, failures: list[Any]) -> None:
        self.ruleset_id, self.version, self.failures = ruleset_id, version, failures
        names = "; ".join(getattr(f, "name", str(f)) for f in failures)
        super().__init__(f"{ruleset_id} {version}: {len(failures)} scenario(s) failed: {names}")


class CoverageIncomplete(RuleFileError):
    """Publishing requires full scenario coverage, and some outcomes are exercised by none."""

    code, title = "coverage-incomplete", "The version's scenarios do not cover its rules"

    def __init__(self, ruleset_id: str, version: str, missed: list[Any]) -> None:
        self.ruleset_id, self.version, self.missed = ruleset_id, version, missed
        shown = "; ".join(f"{o.path}: {o.describe()}" for o in missed[:3])
        more = f"; and {len(missed) - 3} more" if len(missed) > 3 else ""
        super().__init__(
            f"{ruleset_id} {version}: publishing requires scenarios that exercise every "
            f"outcome of the rules, and {len(missed)} are exercised by none: {shown}{more}"
        )


# --- requests ----------------------------------------------------------------------------------


class RequestError(EligibilityError):
    """The request cannot be served as asked (the caller can change it and try again)."""


class InvalidRequestError(RequestError):
    """The content of the request is wrong."""

    code, title = "invalid-request", "Invalid request"


class AnswerError(InvalidRequestError):
    """Answers do not fit the questions; carries every bad field at once.

    Keys are JSON Pointers into the answers document (`/household_size`,
    `/children/c2/birth_date`).
    """

    code, title = "invalid-answers", "Invalid answers"

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        found = "; ".join(f"{where}: {' '.join(errors[where])}" for where in sorted(errors))
        super().__init__(f"invalid answers: {found}")


@dataclass
class EvaluationError(InvalidRequestError):
    """A named rule or value could not be computed for these answers."""

    code: ClassVar[str] = "evaluation-failed"
    title: ClassVar[str] = "The rules cannot be computed"
    name: str
    reason: str
    details: dict[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.name}: {self.reason}"


class NoVersionApplies(InvalidRequestError):
    """No published version of the rule set covers the claim's date."""

    code, title = "no-version-applies", "No version applies on this date"

    def __init__(self, message: str, field_name: str = "as_of", *path: str) -> None:
        self.field = field_name
        self.path = (field_name, *path)  # where in the request: ("answers", "claim_month")
        super().__init__(message)


class ClaimDateConflict(InvalidRequestError):
    """The request's `as_of` contradicts the answer that dates the claim (`dated_by`)."""

    code, title = "claim-date-conflict", "The date contradicts the claim's own date"

    def __init__(self, question: str, claim: dt.date, as_of: dt.date, period: str) -> None:
        self.question = question
        self.claim = claim
        self.as_of = as_of
        within = f"the month of {claim:%Y-%m}" if period == "month" else claim.isoformat()
        super().__init__(
            f"as_of {as_of.isoformat()} is not in {within}, which the answer to "
            f"'{question}' dates the claim by; the claim's own date picks the rules: "
            "leave out as_of or make them agree"
        )


class IncompleteDecision(InvalidRequestError):
    """A decision would be recorded while some goal is still undecided (answers are missing)."""

    code, title = "incomplete-decision", "The decision is incomplete"

    def __init__(self, undecided: list[str], next_questions: list[str]) -> None:
        self.undecided, self.next_questions = undecided, next_questions
        asked = ", ".join(next_questions) or "none"
        super().__init__(
            f"not every goal is decided ({', '.join(undecided)}): answer the next questions "
            f"({asked}), or ask explicitly to record an incomplete decision"
        )


class InvalidCursor(InvalidRequestError):
    """A pagination cursor that this service did not issue."""

    code, title = "invalid-cursor", "Invalid cursor"


class NotFound(RequestError):
    """No stored record of this kind with this id."""

    code, title = "not-found", "Not found"

    def __init__(self, kind: str, record_id: str, message: str | None = None) -> None:
        self.kind, self.id = kind, record_id
        super().__init__(message or f"no {kind} '{record_id}'")


class RuleSetNotFound(NotFound):
    """No rule set with this id (the message suggests a close one)."""

    code, title = "ruleset-not-found", "Rule set not found"

    def __init__(self, ruleset_id: str, suggestion: str | None = None) -> None:
        hint = f"; did you mean '{suggestion}'?" if suggestion else ""
        super().__init__("rule set", ruleset_id, f"no rule set '{ruleset_id}'{hint}")


class VersionNotFound(NotFound):
    """No version with this id, or none the caller may see."""

    code, title = "version-not-found", "Version not found"

    def __init__(self, ruleset_id: str, version: str, message: str | None = None) -> None:
        text = message or f"rule set '{ruleset_id}' has no version '{version}'"
        super().__init__("version", f"{ruleset_id} {version}", text)


class SessionExpired(NotFound):
    """An interview session was idle longer than allowed and is gone."""

    code, title = "session-expired", "Session expired"

    def __init__(self, record_id: str) -> None:
        super().__init__("session", record_id, f"session '{record_id}' expired after being idle")


class Conflict(RequestError):
    """The request conflicts with the stored state (for example a retired version)."""

    code, title = "conflict", "Conflict"


class IdempotencyConflict(Conflict):
    """An Idempotency-Key was used before with a different request."""

    code, title = "idempotency-conflict", "Idempotency-Key reused"


class ImmutableVersion(Conflict):
    """A published version would change: versions are immutable once published."""

    code, title = "immutable-version", "Published versions cannot change"


class ChainBroken(Conflict):
    """The decision chain fails verification, so no checkpoint vouches for it."""

    code, title = "chain-broken", "The decision chain fails verification"


class CheckpointsNotConfigured(Conflict):
    """Checkpoints were asked for, but no directory or signing key is set up."""

    code, title = "checkpoints-not-configured", "Checkpoints are not set up"


class NotAllowed(RequestError):
    """The caller may not do this, whatever their role (a rule of the process)."""

    code, title = "not-allowed", "Not allowed"


class SameAuthorAndPublisher(NotAllowed):
    """Maker-checker: the author of a version's content may not also publish it."""

    code, title = "maker-checker", "The author may not publish"


class ParentNotPublished(Conflict):
    """A version would be published while the version it extends is still a draft."""

    code, title = "parent-not-published", "The extended version is not published"

    def __init__(self, ruleset_id: str, version: str, parent: str) -> None:
        self.ruleset_id, self.version, self.parent = ruleset_id, version, parent
        super().__init__(
            f"{ruleset_id} {version} extends {parent}, which is still a draft: publish "
            f"{parent} first (a published version may only rest on published ones)"
        )


class PreconditionFailed(RequestError):
    """The entity tag the client holds is stale: someone changed the record meanwhile."""

    code, title = "precondition-failed", "The resource has changed"

    def __init__(self, expected: str, current: str) -> None:
        self.expected, self.current = expected, current
        super().__init__(f"the record changed: you have {expected}, it is now {current}")


# --- the service -------------------------------------------------------------------------------


class ServiceError(EligibilityError):
    """The service cannot do this now; nothing was changed."""


class StorageUnavailable(ServiceError):
    """The database cannot be reached; the operation was not carried out (retry later)."""

    code, title = "service-unavailable", "Service unavailable"
    # What a caller is told (the message itself may name hosts: it is logged instead).
    advice: ClassVar[str] = "the database cannot be reached; try again shortly"
    # Set by a readiness check whose reads got through but whose write did not.
    writes_only: bool = False


class DatabaseTimeout(StorageUnavailable):
    """The database did not answer within the time allowed; the transaction was abandoned.

    Nothing was committed unless the commit itself had reached the database (then a
    retry with the same Idempotency-Key returns the stored decision).
    """

    advice: ClassVar[str] = "the database did not answer in time; try again shortly"

    def __init__(self, seconds: float, reason: str | None = None) -> None:
        self.seconds = seconds
        super().__init__(reason or f"the database did not answer within {seconds:g} s")


class EngineError(ServiceError):
    """The rule engine reported a failure while executing a rule network."""

    code, title = "engine-failure", "The rule engine failed"


class StoredVersionAltered(ServiceError):
    """A stored version no longer fits its content hash: it was changed in the database."""

    code, title = "integrity-failure", "Stored data failed its integrity check"
