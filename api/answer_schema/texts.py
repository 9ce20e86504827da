"""The texts of one version in one language, and the answer schema's own words."""

from __future__ import annotations

from typing import Any

from eligibility.compiler import PLACEHOLDER, CompiledRuleSet
from eligibility.model import Text, localize

DONT_KNOW_TEXT = {
    "en": "I don't know",
    "de": "Weiß ich nicht",
    "es": "No lo sé",
    "fr": "Je ne sais pas",
}
YES_NO = {"en": ("Yes", "No"), "de": ("Ja", "Nein"), "es": ("Sí", "No"), "fr": ("Oui", "Non")}


class Texts:
    """Texts of one version in one language (placeholders shown as an ellipsis)."""

    def __init__(self, compiled: CompiledRuleSet, locale: str) -> None:
        self.locale, self.default = locale, compiled.ruleset.default_locale

    def __call__(self, text: Text | None) -> str | None:
        """The text in this language (else the version's default), placeholders elided."""
        chosen = localize(text, self.locale, self.default)
        return None if chosen is None else PLACEHOLDER.sub("…", chosen)

    def template(self, text: Text | None) -> str | None:
        """The text in this language as written, when it quotes values (`{name}`), else None."""
        chosen = localize(text, self.locale, self.default)
        return chosen if chosen is not None and PLACEHOLDER.search(chosen) else None

    def fixed(self, table: dict[str, Any]) -> Any:
        """A text of the API's own (Yes, No, I don't know) in this language, else English."""
        return table.get(self.locale.split("-")[0], table["en"])
