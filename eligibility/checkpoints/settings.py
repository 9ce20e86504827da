"""Where checkpoints are kept and which keys sign and verify them, from settings or the environment.

    CHECKPOINT_DIR               directory of checkpoint files (written and read)
    CHECKPOINT_KEY_FILE          Ed25519 private key (PEM) that signs new checkpoints
    CHECKPOINT_PUBLIC_KEYS       public keys trusted for verification: PEM files, or
                                 directories of `*.pub` PEM files, separated by commas or
                                 the path separator; the signing key's own is always trusted
    CHECKPOINT_INTERVAL_SECONDS  how often `eligibility serve` writes one (0: never by itself)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from eligibility.checkpoints.signing import Signer, TrustedKeys

if TYPE_CHECKING:  # the ports import the checkpoint records from this package
    from eligibility.ports import CheckpointStore


def _paths(text: str) -> tuple[Path, ...]:
    parts = text.replace(os.pathsep, ",").split(",")
    return tuple(Path(p.strip()) for p in parts if p.strip())


@dataclass(frozen=True)
class CheckpointSettings:
    """The checkpoint settings of a deployment (all optional: no directory, no checkpoints)."""

    directory: Path | None = None
    key_file: Path | None = None
    public_keys: tuple[Path, ...] = ()
    interval_seconds: float = 0.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> CheckpointSettings:
        """The settings from CHECKPOINT_DIR, CHECKPOINT_KEY_FILE, CHECKPOINT_PUBLIC_KEYS, …"""
        env = os.environ if environ is None else environ
        return cls(
            directory=Path(env["CHECKPOINT_DIR"]) if env.get("CHECKPOINT_DIR") else None,
            key_file=Path(env["CHECKPOINT_KEY_FILE"]) if env.get("CHECKPOINT_KEY_FILE") else None,
            public_keys=_paths(env.get("CHECKPOINT_PUBLIC_KEYS", "")),
            interval_seconds=float(env.get("CHECKPOINT_INTERVAL_SECONDS") or 0),
        )

    def open(self) -> Checkpoints:
        """The store, signer and trusted keys these settings name (key files are read now)."""
        from eligibility.storage.checkpoint_files import CheckpointDirectory

        signer = Signer.from_file(self.key_file) if self.key_file else None
        keys = TrustedKeys.from_paths(self.public_keys)
        return Checkpoints(
            store=CheckpointDirectory(self.directory) if self.directory else None,
            signer=signer,
            keys=keys.with_key(signer.public_key) if signer else keys,
        )


@dataclass(frozen=True)
class Checkpoints:
    """A deployment's checkpoints: where they are kept, who signs, which keys are trusted."""

    store: CheckpointStore | None = None
    signer: Signer | None = None
    keys: TrustedKeys = field(default_factory=TrustedKeys)

    @property
    def enabled(self) -> bool:
        """True when checkpoints are kept (verification compares the chain with them)."""
        return self.store is not None
