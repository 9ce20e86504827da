"""Rule-file errors: what is wrong in a rule file or document, found at load, compile or publish."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eligibility.errors.root import EligibilityError


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
