"""Service errors: the service cannot do it now (storage, engine, integrity); nothing changed."""

from __future__ import annotations

from typing import ClassVar

from eligibility.errors.root import EligibilityError


class ServiceError(EligibilityError):
    """The service cannot do this now; nothing was changed."""


class StorageUnavailable(ServiceError):
    """The database cannot be reached; the operation was not carried out (retry later)."""

    code, title = "service-unavailable", "Service unavailable"
    # What a caller is told (the message itself may name hosts: it is logged instead).
    advice: ClassVar[str] = "the database cannot be reached; try again shortly"
    # Set by a readiness check whose reads got through but whose write did not.
    writes_only: bool = False


class DatabaseTimeout(StorageUnavailable):
    """The database did not answer within the time allowed; the transaction was abandoned.

    Nothing was committed unless the commit itself had reached the database (then a
    retry with the same Idempotency-Key returns the stored decision).
    """

    advice: ClassVar[str] = "the database did not answer in time; try again shortly"

    def __init__(self, seconds: float, reason: str | None = None) -> None:
        self.seconds = seconds
        super().__init__(reason or f"the database did not answer within {seconds:g} s")


class EngineError(ServiceError):
    """The rule engine reported a failure while executing a rule network."""

    code, title = "engine-failure", "The rule engine failed"


class StoredVersionAltered(ServiceError):
    """A stored version no longer fits its content hash: it was changed in the database."""

    code, title = "integrity-failure", "Stored data failed its integrity check"


class ChainMismatch(ServiceError):
    """The database chained a decision to a hash the service does not compute; rolled back."""

    code, title = "integrity-failure", "Stored data failed its integrity check"
