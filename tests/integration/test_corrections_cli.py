"""Corrections from rule files with the CLI, on SQLite and PostgreSQL: publish, diff, what-if."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from cli import main
from eligibility.ports import Storage
from tests.api.test_api_corrections import CORRECTION

from .helpers import FISHING, decide


def test_publish_a_correction_then_list_the_decisions_it_changes(
    migrated_url: str, store: Storage, tmp_path: Path
) -> None:
    folder = tmp_path / "fishing-licence"
    shutil.copytree(FISHING, folder)
    runner, url = CliRunner(), ["--database-url", migrated_url]
    assert runner.invoke(main, ["rules", "publish", str(folder), *url]).exit_code == 0
    paid_too_much = decide(store, {"age": 30, "income": "1100.00", "resident": True})
    decide(store, {"age": 30, "income": "1300.00", "resident": True})
    (folder / "2024-01-01-c1.yaml").write_text(CORRECTION, encoding="utf-8")
    published = runner.invoke(main, ["rules", "publish", str(folder), *url])
    assert published.exit_code == 0, published.output
    assert "published fishing-licence 2024-01-01-c1" in published.output
    result = runner.invoke(
        main, ["rules", "correction-impact", "fishing-licence", "2024-01-01-c1", *url]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "fishing-licence 2024-01-01-c1 (published) corrects 2024-01-01"
    assert lines[1].startswith("  because: The income limit is 1000")
    changed = [line for line in lines if line.startswith(paid_too_much.id)]
    assert len(changed) == 1 and "paid too much (-20)" in changed[0]
    assert "reduction 20 → 0" in changed[0]
    assert "paid too much: 1 decision(s), 20" in lines
    assert lines[-1] == "2 decision(s) replayed: 1 unchanged, 1 changed, 0 failed"
    diff = runner.invoke(
        main,
        ["rules", "diff", "fishing-licence", "2024-01-01", "2024-01-01-c1"]
        + ["--rules-dir", str(tmp_path)],
    )
    assert diff.exit_code == 0, diff.output
    assert "changed  version.supersedes" in diff.output
    assert "changed  version.correction_reason" in diff.output
