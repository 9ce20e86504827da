"""Signed checkpoints of the decision chain's head, kept outside the database.

A checkpoint says "on this date the chain had N records and ended in hash H",
signed with an Ed25519 key the database never sees. Verification walks the
chain and compares it with every checkpoint, so records removed from the end,
records forged in place of others and rewrites before the latest checkpoint are
found even when the writer recomputed every hash.

    signing      Checkpoint · Signer · TrustedKeys · key_id · new_private_key
    check        check_signatures · unreadable
    settings     CheckpointSettings (CHECKPOINT_DIR, CHECKPOINT_KEY_FILE, …)
"""

from __future__ import annotations

from eligibility.checkpoints.check import check_signatures, unreadable
from eligibility.checkpoints.settings import CheckpointSettings
from eligibility.checkpoints.signing import (
    FORMAT,
    Checkpoint,
    Signer,
    TrustedKeys,
    key_id,
    new_private_key,
)

__all__ = [
    "FORMAT",
    "Checkpoint",
    "CheckpointSettings",
    "Signer",
    "TrustedKeys",
    "check_signatures",
    "key_id",
    "new_private_key",
    "unreadable",
]
