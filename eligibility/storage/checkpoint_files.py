"""Checkpoints as files in a directory outside the database: one JSON file each, never rewritten."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from eligibility.checkpoints.signing import Checkpoint


class CheckpointDirectory:
    """A directory of checkpoint files (`<sequence>-<time>-<id>.json`), written once, read all."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, checkpoint: Checkpoint) -> str:
        """Store a checkpoint atomically (a crash leaves no half file); its file name."""
        self.path.mkdir(parents=True, exist_ok=True)
        target = self.path / checkpoint.file_name
        text = json.dumps(checkpoint.to_dict(), indent=2, sort_keys=True) + "\n"
        if target.exists() and target.read_text(encoding="utf-8") == text:
            return target.name  # the same checkpoint again (signatures are deterministic)
        handle, temporary = tempfile.mkstemp(dir=self.path, prefix=".writing-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.link(temporary, target)  # fails rather than overwrite an existing checkpoint
        finally:
            os.unlink(temporary)
        return target.name

    def read_all(self) -> tuple[list[Checkpoint], list[tuple[str, str]]]:
        """Every checkpoint in file-name order, and (file, problem) for files that are not one."""
        found: list[Checkpoint] = []
        problems: list[tuple[str, str]] = []
        if not self.path.is_dir():
            return found, problems
        for file in sorted(self.path.glob("*.json")):
            try:
                found.append(Checkpoint.from_dict(json.loads(file.read_text(encoding="utf-8"))))
            except (OSError, ValueError, AttributeError) as error:
                problems.append((file.name, str(error)))
        return found, problems
