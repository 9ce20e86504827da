"""What each page shows, worked out from the API's answers (no Flask here, only data)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from web.client import ApiProblem, Json
from web.config import Presentation
from web.display import show_answer, show_goal
from web.forms import FIELD
from web.messages import message
from web.numbers import format_date
from web.pointers import answered_pointers, from_error_key, lookup, pointer_of
from web.questions import Option, Question

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Row:
    """One line of "check your answers": the question, the answer in words, where to change it."""

    pointer: str
    label: str
    answer: str


@dataclass(frozen=True)
class Reason:
    """Why a goal came out as it did, with the legal reference."""

    text: str
    legal_reference: str | None


@dataclass(frozen=True)
class Outcome:
    """One goal on the result page."""

    id: str
    label: str
    value: str
    decided: bool
    reasons: tuple[Reason, ...]
    same_reasons_as: str | None = None


@dataclass(frozen=True)
class Problem:
    """One entry of the error summary: the message and the page (or field) it belongs to."""

    pointer: str
    message: str


def localize(texts: Any, locale: str, default: str) -> str | None:
    """A text in the locale (texts of a version come in every language they are written in)."""
    if texts is None or isinstance(texts, str):
        return texts
    for tag in (locale, locale.split("-")[0], default):
        if texts.get(tag):
            return str(texts[tag])
    return next((str(t) for t in texts.values() if t), None)


def version_question(
    found: Mapping[str, Any], version: Json, locale: str, presentation: Presentation, answers: Json
) -> Question:
    """A question from a version's metadata, its `{name}`s filled with the answers given."""
    default = version.get("default_locale", "en")
    label = localize(found.get("label"), locale, default) or found["id"]
    return Question(
        pointer=pointer_of(found["id"]),
        type=found["type"],
        label=PLACEHOLDER.sub(lambda m: _quoted(m.group(1), version, answers, locale), label),
        help=localize(found.get("help"), locale, default),
        options=tuple(
            Option(o["value"], localize(o.get("label"), locale, default) or o["value"])
            for o in found.get("options", [])
        ),
        allow_unknown=bool(found.get("allow_unknown")),
        constraints=found.get("constraints") or {},
        why=(),
        section=found.get("section"),
        currency=presentation.currency,
    )


def _quoted(name: str, version: Json, answers: Json, locale: str) -> str:
    value = answers.get(name)
    spec = next((q for q in version.get("questions", []) if q["id"] == name), None)
    if value is None or spec is None:
        return "{" + name + "}"
    return show_answer(version_question(spec, version, locale, Presentation(), {}), value, locale)


def version_questions(
    version: Json, locale: str, presentation: Presentation, answers: Json
) -> list[Question]:
    """Every question of a version, in the authors' order."""
    return [
        version_question(q, version, locale, presentation, answers)
        for q in version.get("questions", [])
    ]


def summary(interview: Json, version: Json, locale: str, presentation: Presentation) -> list[Row]:
    """The answers that still matter, in the authors' order (ignored ones disappear)."""
    answers = interview["answers"]
    ignored = {from_error_key(i) for i in interview.get("ignored_answers", [])}
    return [
        Row(q.pointer, q.label, show_answer(q, lookup(answers, q.pointer), locale))
        for q in version_questions(version, locale, presentation, answers)
        if lookup(answers, q.pointer) is not None and q.pointer not in ignored
    ]


def outcomes(interview: Json, presentation: Presentation, locale: str) -> list[Outcome]:
    """Every goal with its value in words and its reasons (said once when goals share them)."""
    found: list[Outcome] = []
    for goal_id, goal in interview["goals"].items():
        reasons = tuple(
            Reason(r["text"], r.get("legal_reference"))
            for r in goal.get("reasons", [])
            if r.get("text")
        )
        earlier = next((o.label for o in found if reasons and o.reasons == reasons), None)
        found.append(
            Outcome(
                id=goal_id,
                label=goal.get("label") or goal_id,
                value=show_goal(goal_id, goal, presentation, locale),
                decided=bool(goal.get("decided")),
                reasons=reasons,
                same_reasons_as=earlier,
            )
        )
    return found


def problems(problem: ApiProblem) -> list[Problem]:
    """The error summary of an API problem: one entry per message, by JSON Pointer."""
    found = [
        Problem(from_error_key(key), text)
        for key, messages in problem.errors.items()
        for text in messages
    ]
    return found or [Problem("", problem.detail or problem.title)]


def visible_trail(trail: list[str], interview: Json) -> list[str]:
    """The pages answered, in order, without answers removed or no longer needed."""
    ignored = {from_error_key(i) for i in interview.get("ignored_answers", [])}
    answered = answered_pointers(interview["answers"])
    kept = [p for p in trail if p in answered and p not in ignored]
    return kept + [p for p in answered if p not in kept and p not in ignored]


def previous(pointer: str, trail: list[str]) -> str | None:
    """The page answered before this one (None: this is the first)."""
    if pointer in trail:
        index = trail.index(pointer)
        return trail[index - 1] if index > 0 else None
    return trail[-1] if trail else None


def coverage(ruleset: Json, locale: str) -> str:
    """Which dates the published versions cover, as a hint under the date question."""
    published = [v for v in ruleset.get("versions", []) if v.get("status") == "published"]
    if not published:
        return ""
    start = format_date(dt.date.fromisoformat(min(v["effective_from"] for v in published)), locale)
    ends = [v.get("effective_to") for v in published]
    if None in ends:
        return message("covers_from", locale, start=start)
    end = format_date(dt.date.fromisoformat(max(e for e in ends if e)), locale)
    return message("covers_range", locale, start=start, end=end)


def covering(ruleset: Json, today: dt.date) -> bool:
    """True when a published version covers `today`."""
    return any(
        v.get("status") == "published"
        and v["effective_from"] <= today.isoformat()
        and (v.get("effective_to") is None or today.isoformat() <= v["effective_to"])
        for v in ruleset.get("versions", [])
    )


def field_anchor(question: Question) -> str:
    """The id of the control an error summary links to (the first of a group)."""
    return f"{FIELD}-day" if question.control == "date" else FIELD
