"""`eligibility rules test --coverage | --require-coverage`: what no scenario exercises."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner, Result

from cli import main

FISHING = Path(__file__).resolve().parents[1] / "fixtures" / "fishing-licence"
MORE_SCENARIOS = """\
  - name: a resident with a high income pays the full fee
    answers: {age: 30, income: "5000.00", resident: true}
    expect: {eligible: false, reduction: "0"}
  - name: a visitor pays the full fee
    answers: {age: 70, resident: false}
    expect: {eligible: false}
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["rules", "test", *args], catch_exceptions=False)


def fishing(tmp_path: Path, extra: str = "") -> Path:
    folder = tmp_path / "fishing-licence"
    shutil.copytree(FISHING, folder)
    file = folder / "2024-01-01.yaml"
    file.write_text(file.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return folder


def test_coverage_lists_each_outcome_no_scenario_shows_with_its_place(tmp_path: Path) -> None:
    folder = fishing(tmp_path)
    result = run(str(folder), "--coverage")
    assert result.exit_code == 0, result.output
    file = folder / "2024-01-01.yaml"
    assert result.output.splitlines() == [
        "3 passed, 0 failed",
        "Coverage:",
        "fishing-licence 2024-01-01: 3 scenario(s) exercise 11 of 15 outcomes "
        "(goals 4/5, rules 4/5, branches 3/5)",
        f"  {file}:62:12: goals.eligible.value: no scenario makes goal 'eligible' false",
        f"  {file}:53:11: rules.low_income.when: no scenario makes rule 'low_income' false",
        f"  {file}:62:12: goals.eligible.value: no scenario makes `resident` false",
        f"  {file}:62:26: goals.eligible.value: no scenario makes `is_senior or low_income` false",
    ]


def test_require_coverage_fails_with_a_clear_message(tmp_path: Path) -> None:
    result = run(str(fishing(tmp_path)), "--require-coverage")
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        "coverage required: 4 outcome(s) are exercised by no scenario; add scenarios that show them"
    )


def test_scenarios_that_show_every_outcome_pass_the_gate(tmp_path: Path) -> None:
    result = run(str(fishing(tmp_path, MORE_SCENARIOS)), "--require-coverage")
    assert result.exit_code == 0, result.output
    assert "5 scenario(s) exercise 15 of 15 outcomes" in result.output


def test_without_the_flag_no_coverage_is_shown(tmp_path: Path) -> None:
    result = run(str(fishing(tmp_path)))
    assert result.exit_code == 0
    assert "Coverage:" not in result.output


def test_collections_count_each_instance_kind_too(tmp_path: Path) -> None:
    family = Path(__file__).resolve().parents[1] / "fixtures" / "family-allowance"
    result = run(str(family), "--coverage")
    assert result.exit_code == 0, result.output
    file = family / "2024-01-01.yaml"
    assert (
        f"  {file}:47:59: collections.children.rules.qualifies.when: no scenario makes "
        "`age < 25 and in_education` true"
    ) in result.output.splitlines()
    assert "rule 'qualifies'" not in result.output  # Anna qualifies, Ben does not


def test_coverage_as_json_for_a_build(tmp_path: Path) -> None:
    folder = fishing(tmp_path)
    out = tmp_path / "coverage.json"
    result = run(str(folder), "--coverage-json", str(out))
    assert result.exit_code == 0, result.output
    (report,) = json.loads(out.read_text(encoding="utf-8"))
    assert report["counts"]["branches"] == {"exercised": 3, "total": 5}
    assert report["missed"][1] == {
        "path": "rules.low_income.when",
        "kind": "rule",
        "expression": "monthly_income_rounded <= income_limit",
        "outcome": "false",
        "detail": "no scenario makes rule 'low_income' false",
        "file": str(folder / "2024-01-01.yaml"),
        "line": 53,
        "column": 11,
    }
