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
└── EngineError                  the rule engine failed (durable_rules reported an exception)
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


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
