"""The exception tree of the eligibility core.

EligibilityError                 root; every error the core raises on purpose
├── RuleSetError                 a rule file or document is invalid (load/compile time)
│   └── (carries a list of Problem: file, path, line, column, message, suggestion)
├── ExpressionError              one expression is invalid (syntax, name, type); becomes a Problem
├── AnswerError                  answers do not fit the questions (request time)
│   └── (carries {question: [messages]} for every bad field at once)
├── EvaluationError              a rule could not be computed for these answers
├── VersionNotFound              no version with this id / none covering a date
│   └── RuleSetNotFound          no rule set with this id
├── ImmutableVersion             a published version's content would change
├── EngineError                  the rule engine failed (durable_rules reported an exception)
├── StorageUnavailable           the database cannot be reached; nothing was written (503)
├── NotFound                     no stored record of this kind with this id (decision, session, …)
│   └── SessionExpired           an interview session was idle too long
├── Conflict                     the request conflicts with stored state (409)
│   └── IdempotencyConflict      an Idempotency-Key was reused with another request
├── PreconditionFailed           an ETag (If-Match) is stale: the session changed meanwhile (412)
├── ScenariosFailed              a version's scenarios fail, so it cannot be published
│   └── (carries the failing ScenarioResults)
└── InvalidCursor                a pagination cursor that this service did not issue
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class EligibilityError(Exception):
    """Root of every error the core raises on purpose."""


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


class RuleSetError(EligibilityError):
    """A rule file or rule document is invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = unique(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def unique(problems: list[Problem]) -> list[Problem]:
    """Each problem once: a version that extends a broken one would repeat its problems."""
    return list(dict.fromkeys(problems))


@dataclass
class ExpressionError(EligibilityError):
    """One expression is invalid: syntax, unknown name or type mismatch, with its position."""

    message: str
    line: int = 1
    column: int = 1
    suggestion: str | None = None

    def __str__(self) -> str:
        return f"{self.line}:{self.column}: {self.message}"


class AnswerError(EligibilityError):
    """Answers do not fit the questions; carries every bad field at once."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        fields = ", ".join(sorted(errors))
        super().__init__(f"invalid answers: {fields}")


@dataclass
class EvaluationError(EligibilityError):
    """A named rule or value could not be computed for these answers."""

    name: str
    reason: str
    details: dict[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.name}: {self.reason}"


class VersionNotFound(EligibilityError):
    """No version with this id, or none whose effective window covers the date."""


class RuleSetNotFound(VersionNotFound):
    """No rule set with this id."""


class ImmutableVersion(EligibilityError):
    """A published version would change: versions are immutable once published."""


class EngineError(EligibilityError):
    """The rule engine reported a failure while executing a rule network."""


class StorageUnavailable(EligibilityError):
    """The database cannot be reached; the operation was not carried out (retry later)."""


class NotFound(EligibilityError):
    """No stored record of this kind with this id."""

    def __init__(self, kind: str, record_id: str) -> None:
        self.kind, self.id = kind, record_id
        super().__init__(f"no {kind} '{record_id}'")


class SessionExpired(NotFound):
    """An interview session was idle longer than allowed and is gone."""

    def __init__(self, record_id: str) -> None:
        super().__init__("session", record_id)
        self.args = (f"session '{record_id}' expired after being idle",)


class Conflict(EligibilityError):
    """The request conflicts with the stored state (for example a retired version)."""


class IdempotencyConflict(Conflict):
    """An Idempotency-Key was used before with a different request."""


class PreconditionFailed(EligibilityError):
    """The entity tag the client holds is stale: someone changed the record meanwhile."""

    def __init__(self, expected: str, current: str) -> None:
        self.expected, self.current = expected, current
        super().__init__(f"the record changed: you have {expected}, it is now {current}")


class ScenariosFailed(EligibilityError):
    """A version's scenarios do not all pass, so it is not published; carries the failures."""

    def __init__(self, ruleset_id: str, version: str, failures: list[Any]) -> None:
        self.ruleset_id, self.version, self.failures = ruleset_id, version, failures
        names = "; ".join(getattr(f, "name", str(f)) for f in failures)
        super().__init__(f"{ruleset_id} {version}: {len(failures)} scenario(s) failed: {names}")


class InvalidCursor(EligibilityError):
    """A pagination cursor that this service did not issue."""
