"""What the browser's cookie holds: which API session is its interview, the answered trail, the
language. Never an answer: those stay in the API session.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import current_app, request, session

from web.client import ApiClient
from web.config import WebConfig

EXTENSION = "eligibility_web"
INTERVIEW = "interview"
LANGUAGE = "lang"
LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?")


@dataclass
class WebState:
    """The front end's settings and its API client (one per app)."""

    config: WebConfig
    api: ApiClient


@dataclass
class Interview:
    """The browser's interview: the API session's id, its rule set, and the pages answered."""

    session_id: str
    ruleset: str
    locales: list[str]
    default_locale: str
    trail: list[str] = field(default_factory=list)

    @property
    def locale(self) -> str:
        """The language this interview is shown in."""
        return language(self.locales, self.default_locale)

    def answered(self, pointer: str) -> None:
        """Remember that a page was answered (once, in the order answered)."""
        if pointer not in self.trail:
            self.trail.append(pointer)
        save(self)


def web() -> WebState:
    """The state of the current front end app."""
    found: WebState = current_app.extensions[EXTENSION]
    return found


def current() -> Interview | None:
    """The browser's interview, if it has one."""
    held = session.get(INTERVIEW)
    if not isinstance(held, dict) or not held.get("id"):
        return None
    return Interview(
        session_id=str(held["id"]),
        ruleset=str(held.get("ruleset", "")),
        locales=[str(t) for t in held.get("locales", [])],
        default_locale=str(held.get("default", "en")),
        trail=[str(p) for p in held.get("trail", [])],
    )


def save(interview: Interview) -> None:
    """Keep the interview in the cookie."""
    session[INTERVIEW] = {
        "id": interview.session_id,
        "ruleset": interview.ruleset,
        "locales": interview.locales,
        "default": interview.default_locale,
        "trail": interview.trail[-200:],
    }


def forget() -> None:
    """Drop the interview (it expired, or the claimant starts again)."""
    session.pop(INTERVIEW, None)


def language(available: list[str], default: str) -> str:
    """The language to show: the claimant's choice, else the browser's, else the default."""
    chosen = session.get(LANGUAGE)
    if isinstance(chosen, str) and chosen in available:
        return chosen
    best = request.accept_languages.best_match(available)
    return best or default


def choose_language(tag: str) -> None:
    """Remember the language the claimant picked (a well-formed tag; others are ignored)."""
    if LANGUAGE_TAG.fullmatch(tag):
        session[LANGUAGE] = tag
