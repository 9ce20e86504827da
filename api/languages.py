"""The language of a response: `locale` if given, else `Accept-Language`, else the default."""

from __future__ import annotations

from flask import Response, jsonify, request

from eligibility.compiler import CompiledRuleSet
from eligibility.evaluation import available_locales, choose_locale


def pick_locale(compiled: CompiledRuleSet, explicit: str | None = None) -> str:
    """The language to answer in; unknown languages fall back to the rule set's default."""
    if explicit:
        return choose_locale(compiled, explicit)
    available = sorted(available_locales(compiled))
    best = request.accept_languages.best_match(available)
    return best or compiled.ruleset.default_locale


def localized(data: object, locale: str, status: int = 200) -> Response:
    """A JSON response that says which language it is in."""
    response = jsonify(data)
    response.status_code = status
    response.headers["Content-Language"] = locale
    response.vary.add("Accept-Language")
    return response
