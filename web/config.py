"""Settings of the front end, read from the environment (`WEB_…`) or given to `create_app`."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

# Where the rule file gives no currency (a question's `constraints.currency`, a goal's `currency`),
# which currency a rule set's amounts are in, and which decimal goals are shares rather than
# amounts, is the front end's presentation setting.
DEFAULT_PRESENTATION: dict[str, dict[str, Any]] = {
    "kindergeld": {"currency": "EUR"},
    "kurzarbeitergeld": {"currency": "EUR", "shares": ["benefit_rate"]},
    "kurzarbeitergeld-abrechnung": {"currency": "EUR", "shares": ["benefit_rate"]},
    "snap": {"currency": "USD"},
}


@dataclass(frozen=True)
class Presentation:
    """How one rule set's numbers are shown: its currency and the decimal goals that are shares."""

    currency: str | None = None
    shares: frozenset[str] = frozenset()


@dataclass(frozen=True)
class WebConfig:
    """Everything the front end needs to reach the API and to sign its cookies."""

    api_url: str | None = None
    api_key: str | None = None
    secret_key: str | None = None
    cookie_secure: bool = False
    presentation: Mapping[str, Presentation] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> WebConfig:
        """WEB_API_URL, WEB_API_KEY, WEB_SECRET_KEY, WEB_COOKIE_SECURE and WEB_PRESENTATION."""
        env = os.environ if environ is None else environ
        raw = dict(DEFAULT_PRESENTATION)
        if env.get("WEB_PRESENTATION"):
            raw.update(json.loads(Path(env["WEB_PRESENTATION"]).read_text(encoding="utf-8")))
        return cls(
            api_url=env.get("WEB_API_URL") or None,
            api_key=env.get("WEB_API_KEY") or None,
            secret_key=env.get("WEB_SECRET_KEY") or None,
            cookie_secure=env.get("WEB_COOKIE_SECURE", "").lower() in {"1", "true", "yes", "on"},
            presentation=presentations(raw),
        )

    def updated(self, **changes: Any) -> WebConfig:
        """A copy with some settings changed."""
        return replace(self, **changes)

    def for_ruleset(self, ruleset: str) -> Presentation:
        """The presentation of one rule set (plain numbers when none is set)."""
        return self.presentation.get(ruleset, Presentation())


def presentations(raw: Mapping[str, Mapping[str, Any]]) -> dict[str, Presentation]:
    """Presentation settings from JSON: `{"snap": {"currency": "USD", "shares": [...]}}`."""
    return {
        ruleset: Presentation(
            currency=settings.get("currency"), shares=frozenset(settings.get("shares", ()))
        )
        for ruleset, settings in raw.items()
    }
