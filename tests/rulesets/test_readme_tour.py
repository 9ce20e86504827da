"""The README's two-minute tour works as printed."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cli import main

ROOT = Path(__file__).resolve().parents[2]


def _explain(*args: str) -> str:
    result = CliRunner().invoke(
        main, ["rules", "explain", *args, "--rules-dir", str(ROOT / "rules")]
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_the_readme_shows_the_tour_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "examples/kug-april-2020.yaml" in readme
    assert "examples/snap-illinois.yaml" in readme


def test_kurzarbeitergeld_month_is_explained_with_next_questions() -> None:
    answers = str(ROOT / "examples" / "kug-april-2020.yaml")
    output = _explain(
        "kurzarbeitergeld", "--as-of", "2020-04-01", "--answers", answers, "--locale", "en"
    )
    # April 2020 is decided by the published correction of 2020-03-01.
    assert output.startswith("kurzarbeitergeld 2020-03-01.1 (as of 2020-04-01)")
    assert "Still missing, the next questions that matter" in output
    assert "§ 96" in output


def test_snap_household_is_decided_with_its_benefit() -> None:
    answers = str(ROOT / "examples" / "snap-illinois.yaml")
    output = _explain("snap", "--as-of", "2020-01-15", "--answers", answers)
    assert "Eligible for SNAP: true" in output
    assert 'Estimated monthly benefit: "439"' in output  # 30 % of 231 rounded up
    assert "Still missing" not in output
