"""Render a page in the claimant's language, with the language switch for the languages offered."""

from __future__ import annotations

from typing import Any

from flask import Response, make_response, render_template, request

from web.messages import LANGUAGE_NAMES, message, ui_language


def page(
    template: str, locale: str, languages: list[str], status: int = 200, **context: Any
) -> Response:
    """A template rendered with the front end's words (`ui`) in `locale`."""
    switch = [
        (tag, LANGUAGE_NAMES.get(tag.split("-")[0], tag), f"{request.path}?lang={tag}")
        for tag in languages
    ]

    def ui(key: str, **values: object) -> str:
        return message(key, locale, **values)

    html = render_template(
        template,
        locale=locale,
        ui_lang=ui_language(locale),
        languages=switch if len(switch) > 1 else [],
        ui=ui,
        **context,
    )
    response = make_response(html, status)
    response.headers["Content-Language"] = locale
    return response
