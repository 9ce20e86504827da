"""Checkpoints checked before the chain is compared with them: readable, signed by a trusted key."""

from __future__ import annotations

from collections.abc import Iterable

from eligibility.checkpoints.signing import Checkpoint, TrustedKeys
from eligibility.decisions import BrokenRecord


def check_signatures(checkpoints: Iterable[Checkpoint], keys: TrustedKeys) -> BrokenRecord | None:
    """The first checkpoint (by sequence) whose signature cannot be trusted, as a failure."""
    for checkpoint in sorted(checkpoints, key=lambda c: (c.sequence, c.created_at)):
        problem = keys.problem(checkpoint)
        if problem is not None:
            return BrokenRecord(
                checkpoint.sequence,
                None,
                f"{checkpoint.name} cannot be trusted: {problem}",
                ("checkpoint",),
                checkpoint.name,
            )
    return None


def unreadable(file_name: str, problem: str) -> BrokenRecord:
    """The failure when a file among the checkpoints is not a checkpoint."""
    return BrokenRecord(
        0,
        None,
        f"the checkpoint file {file_name} cannot be read: {problem}",
        ("checkpoint",),
        file_name,
    )
