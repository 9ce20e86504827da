"""Core errors over HTTP: a status for each branch of the tree, members for each error."""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Response, g

from api import metrics
from api.errors.envelope import problem
from eligibility.errors import (
    AnswerError,
    ClaimDateConflict,
    Conflict,
    CoverageIncomplete,
    EligibilityError,
    IncompleteDecision,
    InvalidCursor,
    InvalidRequestError,
    NotAllowed,
    NotFound,
    NoVersionApplies,
    PreconditionFailed,
    RuleFileError,
    RuleSetError,
    ScenariosFailed,
    ServiceError,
    StorageUnavailable,
)
from eligibility.values_io import pointer, to_plain

log = logging.getLogger("api.errors")

# The core's branches (eligibility/errors) and the status each means over HTTP; the most specific
# branch that matches decides. Anything else the core raises is a 500.
_STATUS_BY_BRANCH: tuple[tuple[type[EligibilityError], int], ...] = (
    (NotFound, 404),
    (PreconditionFailed, 412),
    (NotAllowed, 403),
    (InvalidRequestError, 422),
    (Conflict, 409),
    (RuleFileError, 422),
    (StorageUnavailable, 503),
    (ServiceError, 500),
)


def status_of(error: EligibilityError) -> int:
    """The HTTP status of a core error: by its branch of the exception tree."""
    return next((status for cls, status in _STATUS_BY_BRANCH if isinstance(error, cls)), 500)


def core_problem(error: EligibilityError) -> Response:
    """A core error as problem+json: its branch's status, detail, headers and members."""
    status = status_of(error)
    if isinstance(error, StorageUnavailable):
        metrics.database_error()
        log.warning("storage unavailable: %s", error)
        return problem(503, error.code, error.title, error.advice, {"Retry-After": "5"})
    if status >= 500:
        log.error("core failure: %s: %s", error.__class__.__name__, error)
        return problem(500, error.code, error.title)
    return problem(
        status, error.code, error.title, _detail(error), _headers(error), **_members(error)
    )


def _headers(error: EligibilityError) -> dict[str, str]:
    """A 412 names the current state (its ETag), so a client can read it and try again."""
    if isinstance(error, PreconditionFailed) and error.current not in ("", "(deleted)"):
        current = error.current
        quoted = current.startswith(('"', 'W/"'))
        return {"ETag": current if quoted else f'"{current}"'}
    return {}


def _members(error: EligibilityError) -> dict[str, Any]:
    """The structured fields of a core error, `errors` keyed by JSON Pointer or parameter."""
    if isinstance(error, AnswerError):
        at = g.get("answers_pointer", pointer("answers"))  # where the answers are in the body
        return {"errors": {at + k: v for k, v in error.errors.items()}}
    if isinstance(error, RuleSetError):
        return {
            "problems": [_public_problem(p.to_dict()) for p in error.problems],
            "errors": _problems_by_pointer(error),
        }
    if isinstance(error, ScenariosFailed):
        return {"failures": [_failure(f) for f in error.failures]}
    if isinstance(error, CoverageIncomplete):
        return {"missed": [_missed(o) for o in error.missed]}
    if isinstance(error, InvalidCursor):
        return {"errors": {"cursor": [str(error)]}}
    if isinstance(error, IncompleteDecision):
        return {"undecided": error.undecided, "next_questions": error.next_questions}
    if isinstance(error, NoVersionApplies):
        if error.path[0] == "answers":  # the claim's own date, an answer
            at = g.get("answers_pointer", pointer("answers"))
            return {"errors": {at + pointer(*error.path[1:]): [str(error)]}}
        return {"errors": {pointer(*error.path): [str(error)]}}
    if isinstance(error, ClaimDateConflict):
        at = g.get("answers_pointer", pointer("answers"))
        both = [str(error)]
        return {"errors": {pointer("as_of"): both, at + pointer(error.question): both}}
    return {}


def _detail(error: EligibilityError) -> str:
    if isinstance(error, AnswerError):
        return "some answers do not fit the questions"
    if isinstance(error, RuleSetError):
        return f"the version has {len(error.problems)} problem(s); see `problems`"
    return str(error)


def _public_problem(data: dict[str, object]) -> dict[str, object]:
    # File names of the server's rule directory are internal detail; request bodies are not.
    data.pop("file", None)
    return data


def _missed(outcome: Any) -> dict[str, Any]:
    """An outcome no scenario exercises (its file is the server's business, not the caller's)."""
    return {
        "path": outcome.path,
        "kind": outcome.kind,
        "expression": outcome.expression,
        "outcome": outcome.value,
        "detail": outcome.describe(),
    }


def _failure(result: Any) -> dict[str, Any]:
    mismatches = getattr(result, "mismatches", ())
    return {
        "scenario": getattr(result, "name", str(result)),
        "error": getattr(result, "error", None),
        "mismatches": [
            {"what": m.what, "expected": to_plain(m.expected), "actual": to_plain(m.actual)}
            for m in mismatches
        ],
    }


_PATH_PART = re.compile(r"[^.\[\]]+")


def path_pointer(path: str) -> str:
    """A rule-file path (`rules.adult.when`, `scenarios[0].answers.x`) as a JSON Pointer."""
    return pointer(*_PATH_PART.findall(path))


def _problems_by_pointer(error: RuleSetError) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for p in error.problems:
        message = p.message + (f" (did you mean '{p.suggestion}'?)" if p.suggestion else "")
        found.setdefault(path_pointer(p.path), []).append(message)
    return found
