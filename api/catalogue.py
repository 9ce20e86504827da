"""Finding the version a request means, as the caller may see it (drafts for authors only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask import request

from api.auth import Principal, principal
from api.errors import NoVersionApplies
from api.languages import pick_locale
from api.rulebook import Entry, RulesetEntry, visible
from api.state import state
from eligibility.errors import RuleSetNotFound, VersionNotFound
from eligibility.evaluation import Evaluation, evaluate
from eligibility.records import InterviewSession


def rulesets(caller: Principal | None = None) -> list[RulesetEntry]:
    """Every rule set with the versions the caller may see."""
    who = caller or principal()
    book = state().rulebook
    found = []
    for ruleset_id in book.ids():
        entries = visible(book.entries(ruleset_id), who.sees_drafts)
        if entries:
            found.append(RulesetEntry(ruleset_id, tuple(entries)))
    return found


def ruleset(ruleset_id: str) -> RulesetEntry:
    """One rule set with the versions the caller may see; 404 if it has none."""
    entries = visible(state().rulebook.entries(ruleset_id), principal().sees_drafts)
    if not entries:
        raise RuleSetNotFound(f"no rule set '{ruleset_id}'")
    return RulesetEntry(ruleset_id, tuple(entries))


def version(ruleset_id: str, version_id: str) -> Entry:
    """One version, if the caller may see it; 404 otherwise."""
    entry = state().rulebook.entry(ruleset_id, version_id)
    if entry.draft and not principal().sees_drafts:
        raise VersionNotFound(f"rule set '{ruleset_id}' has no version '{version_id}'")
    return entry


def resolve(ruleset_id: str, version_id: str | None, as_of: dt.date | None) -> Entry:
    """The version named, else the published one covering `as_of` (default today); 422 if none."""
    if version_id:
        return version(ruleset_id, version_id)
    day = as_of or dt.date.today()
    try:
        return state().rulebook.select(ruleset_id, day)
    except RuleSetNotFound:
        raise
    except VersionNotFound as error:
        raise NoVersionApplies(str(error), errors={"as_of": [str(error)]}) from None


def evaluate_request(body: Mapping[str, Any], with_trace: bool = False) -> Evaluation:
    """Evaluate a request body (rule set, version or as_of, answers, locale) under its version."""
    entry = resolve(body["ruleset"], body.get("version"), body.get("as_of"))
    as_of = body.get("as_of") or (None if body.get("version") else dt.date.today())
    return evaluate(
        entry.compiled,
        body["answers"],
        as_of=as_of,
        locale=pick_locale(entry.compiled, body.get("locale")),
        engine=state().engine,  # type: ignore[arg-type]
        with_trace=with_trace,
    )


def session_locale(session: InterviewSession, explicit: str | None) -> str | None:
    """The language for a session: `?locale=`, else Accept-Language, else the session's own."""
    if explicit:
        return explicit
    if request.accept_languages:
        entry = state().rulebook.entry(session.ruleset_id, session.version)
        return pick_locale(entry.compiled)
    return session.locale
