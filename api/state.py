"""What one app instance holds: its settings, its rule book and its storage."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from api.config import Config
from api.rulebook import RuleBook
from eligibility.ports import Storage

EXTENSION = "eligibility"


@dataclass
class AppState:
    """The app's settings, where versions come from, and where sessions, keys, decisions live."""

    config: Config
    rulebook: RuleBook

    @property
    def engine(self) -> str:
        """The evaluation engine: durable (durable_rules) or pure."""
        return self.config.engine

    storage: Storage
    synced: bool = False  # the rule files' versions are in storage


def state() -> AppState:
    """The state of the current app."""
    found: AppState = current_app.extensions[EXTENSION]
    return found
