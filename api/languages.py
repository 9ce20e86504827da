"""The language of a response: `locale` if given, else `Accept-Language`, else the default."""

from __future__ import annotations

from flask import Response, jsonify, request

from eligibility.compiler import CompiledRuleSet
from eligibility.evaluation import available_locales, choose_locale


def pick_locale(compiled: CompiledRuleSet, explicit: str | None = None) -> str:
    """The language to answer in; unknown languages fall back to the rule set's default."""
    if explicit:
        return choose_locale(compiled, explicit)
    available = {a.lower(): a for a in available_locales(compiled)}
    # Best quality first; a regional tag (de-AT) falls back to its language (de) before the
    # next, less wanted tag is tried (RFC 4647 lookup).
    for tag, quality in request.accept_languages:
        if quality <= 0:
            continue
        for candidate in (tag.lower(), tag.lower().split("-")[0]):
            if candidate in available:
                return available[candidate]
    return compiled.ruleset.default_locale


def localized(data: object, locale: str, status: int = 200) -> Response:
    """A JSON response that says which language it is in."""
    response = jsonify(data)
    response.status_code = status
    response.headers["Content-Language"] = locale
    response.vary.add("Accept-Language")
    return response
