"""The front end's own words (buttons, headings, error messages) in English, German and Spanish.

Everything about a rule set (questions, hints, reasons) comes from the API in the language
chosen; these are only the words around it, one JSON file per language in `locales/`.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LOCALES = Path(__file__).resolve().parent / "locales"
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch", "es": "Español"}
FALLBACK = "en"


@cache
def catalogue(language: str) -> dict[str, str]:
    """The texts of one language."""
    found: dict[str, str] = json.loads((LOCALES / f"{language}.json").read_text("utf-8"))
    return found


def ui_language(locale: str) -> str:
    """The language of the front end's own words for a locale (English when it has none)."""
    lang = locale.split("-")[0].lower()
    return lang if lang in LANGUAGE_NAMES else FALLBACK


def message(key: str, locale: str, **values: object) -> str:
    """One of the front end's texts in the language of `locale`, with `{name}` filled in."""
    text = catalogue(ui_language(locale)).get(key) or catalogue(FALLBACK)[key]
    return text.format(**values) if values else text
