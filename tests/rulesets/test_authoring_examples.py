"""docs/authoring.md shows what the commands print: coverage, explain and diff as written."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from click.testing import CliRunner

from cli import main

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
FISHING = ROOT / "tests" / "fixtures" / "fishing-licence"


def block_after(marker: str) -> list[str]:
    """The lines of the first fenced block that starts after `marker` and its own block."""
    start = GUIDE.index(marker) + len(marker)
    blocks = re.findall(r"```\n(.*?)```", GUIDE[start:], flags=re.S)
    return blocks[0].splitlines()


def test_the_coverage_example_is_what_rules_test_prints(tmp_path: Path) -> None:
    folder = tmp_path / "rules" / "fishing-licence"
    shutil.copytree(FISHING, folder)
    result = CliRunner().invoke(main, ["rules", "test", str(folder), "--coverage"])
    assert result.exit_code == 0, result.output
    printed = result.output.replace(str(tmp_path) + "/", "").splitlines()
    assert printed == block_after("eligibility rules test rules/fishing-licence --coverage\n```")


def test_the_explain_example_starts_as_printed(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        "cause: economic\nclaim_month: 2020-04-01\nnotification_date: 2020-04-03\n"
        "employees: 50\nother_affected_employees: 4\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main,
        ["rules", "explain", "kurzarbeitergeld", "--as-of", "2020-04-01", "--answers",
         str(answers), "--locale", "en", "--rules-dir", str(ROOT / "rules")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    shown = block_after("--answers answers.yaml --locale en\n```")
    printed = result.output.splitlines()
    assert len(shown) > 8 and shown[0] == printed[0]
    for line in shown:
        if "…" not in line:
            assert line in printed, line
        else:
            head = line.split("…")[0]
            assert any(p.startswith(head) for p in printed), line
