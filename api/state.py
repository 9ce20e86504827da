"""What one app instance holds: settings, evaluator (catalogue + engine), storage, rule files."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app

from api.config import Config
from api.rule_files import RuleFiles
from api.throttle import FailedAuthLimiter
from eligibility.catalogue import Catalogue
from eligibility.checkpoints.settings import Checkpoints
from eligibility.ports import Storage
from eligibility.services import Evaluator

EXTENSION = "eligibility"


@dataclass
class AppState:
    """The app's settings, how it evaluates, and where sessions, keys, decisions live."""

    config: Config
    evaluator: Evaluator
    storage: Storage
    rule_files: RuleFiles  # synced into storage, watched for changes, their problems
    checkpoints: Checkpoints = field(default_factory=Checkpoints)  # signed chain heads
    auth_limiter: FailedAuthLimiter = field(default_factory=lambda: FailedAuthLimiter(10, 60))

    @property
    def catalogue(self) -> Catalogue:
        """The versions of the stored rule sets, resolved per request."""
        return self.evaluator.catalogue


def state() -> AppState:
    """The state of the current app."""
    found: AppState = current_app.extensions[EXTENSION]
    return found
