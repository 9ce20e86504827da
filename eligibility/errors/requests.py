"""Request errors: the request cannot be served as asked (invalid, not found, conflicting)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import ClassVar

from eligibility.errors.root import EligibilityError


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


class ChainTooLong(Conflict):
    """The chain is longer than one request verifies: a verification job does it."""

    code, title = "chain-too-long", "The chain is too long to verify in a request"

    def __init__(self, records: int, at_most: int) -> None:
        self.records, self.at_most = records, at_most
        super().__init__(
            f"{records} records to verify, more than a request verifies ({at_most}): a chain "
            "verification job or the server's own checkpointing walks them, free of a "
            "request's deadline"
        )


class JobNotResumable(Conflict):
    """A job was asked to resume that is running or done: only one that stopped runs again."""

    code, title = "job-not-resumable", "Only a failed or cancelled job can be resumed"

    def __init__(self, job_id: str, status: str, kind: str = "replay job") -> None:
        self.job_id, self.status = job_id, status
        super().__init__(
            f"{kind} {job_id} is {status}: only a failed job (interrupted, or failed "
            "in some partitions) or a cancelled one whose run has ended is resumed"
        )


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
