"""A question as the front end shows it, built from the API's `next_questions` entry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from web.config import Presentation
from web.messages import message
from web.pointers import pointer_of

UNKNOWN = "unknown"


@dataclass(frozen=True)
class Option:
    """One choice of a radio question."""

    value: str
    label: str


@dataclass(frozen=True)
class Why:
    """One reason a question is asked: the rule's text and its legal reference."""

    text: str
    legal_reference: str | None


@dataclass(frozen=True)
class Question:
    """One question on one page: label as the heading, hint, control, and why it is asked."""

    pointer: str
    type: str
    label: str
    help: str | None
    options: tuple[Option, ...]
    allow_unknown: bool
    constraints: Mapping[str, Any]
    why: tuple[Why, ...]
    section: str | None
    currency: str | None

    @property
    def control(self) -> str:
        """radios, date, amount, number, integer or text."""
        if self.type in ("enum", "boolean"):
            return "radios"
        if self.type == "decimal":
            return "amount" if self.is_amount else "number"
        return {"date": "date", "integer": "integer"}.get(self.type, "text")

    @property
    def is_amount(self) -> bool:
        """Money: a decimal with a currency of its own, or in cents in a rule set with one."""
        if self.currency is None or self.type != "decimal":
            return False
        return bool(self.constraints.get("currency")) or self.constraints.get("decimal_places") == 2

    def choices(self, locale: str) -> tuple[Option, ...]:
        """The radio options, yes/no for boolean questions, and "I don't know" where allowed."""
        found: tuple[Option, ...] = self.options
        if self.type == "boolean":
            found = (Option("true", message("yes", locale)), Option("false", message("no", locale)))
        if self.allow_unknown:
            found = (*found, Option(UNKNOWN, message("unknown", locale)))
        return found


def from_api(
    found: Mapping[str, Any], presentation: Presentation, section: str | None = None
) -> Question:
    """A question from an entry of `next_questions` (label, help and why already localized)."""
    return Question(
        pointer=asked_pointer(found),
        type=found["type"],
        label=found["label"],
        help=found.get("help") or None,
        options=tuple(Option(o["value"], o["label"]) for o in found.get("options", [])),
        allow_unknown=bool(found.get("allow_unknown")),
        constraints=found.get("constraints") or {},
        why=_whys(found.get("why") or []),
        section=section,
        currency=(found.get("constraints") or {}).get("currency") or presentation.currency,
    )


def asked_pointer(found: Mapping[str, Any]) -> str:
    """Where a next question's answer goes: its `path` (an instance's question, `/children/c1/age`),
    else the root question's id."""
    return str(found.get("path") or pointer_of(found["id"]))


def _whys(entries: list[Mapping[str, Any]]) -> tuple[Why, ...]:
    """Why the question is asked, each sentence once, with its legal reference if it has one."""
    seen: set[str] = set()
    result: list[Why] = []
    for entry in entries:
        text, reference = entry.get("text") or "", entry.get("legal_reference")
        if text and text not in seen:
            seen.add(text)
            result.append(Why(text, reference))
    return tuple(result)
