"""The root of the exception tree: every error the core raises on purpose."""

from __future__ import annotations

from typing import ClassVar


class EligibilityError(Exception):
    """Root of every error the core raises on purpose."""

    code: ClassVar[str] = "error"
    title: ClassVar[str] = "Error"
