"""The authors' commands: `eligibility rules lint | test | explain | diff` (click's CliRunner)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli import main

FISHING = Path(__file__).resolve().parents[1] / "fixtures" / "fishing-licence"
INVALID = Path(__file__).parent / "invalid"

AMENDMENT = """\
ruleset: fishing-licence
version: "2025-01-01"
extends: "2024-01-01"
status: published
effective_from: 2025-01-01
title: {en: Reduced fishing licence 2025}
parameters:
  income_limit:
    value: 1300.00
    legal_reference: "Fisheries Act § 12 (2) as amended"
questions:
  resident: null
  county:
    type: enum
    options: {NORTH: North, SOUTH: South}
    label: {en: "Which county do you live in?"}
goals:
  eligible:
    type: boolean
    value: county = "NORTH" and (is_senior or low_income)
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    """A rules folder holding the fishing licence and a 2025 amendment of it."""
    folder = tmp_path / "rules" / "fishing-licence"
    shutil.copytree(FISHING, folder)
    (folder / "2025-01-01.yaml").write_text(AMENDMENT, encoding="utf-8")
    return tmp_path / "rules"


def copy_invalid(tmp_path: Path, *names: str) -> Path:
    folder = tmp_path / "invalid"
    folder.mkdir()
    for name in names:
        shutil.copy(INVALID / name, folder / name)
    return folder


# ------------------------------------------------------------------------------ lint


def test_lint_clean_files(rules_dir: Path) -> None:
    result = run("rules", "lint", str(rules_dir))
    assert result.exit_code == 0
    assert result.output.strip() == "2 version(s) of 1 rule set(s): no problems"


def test_lint_reports_every_problem_of_every_file_and_fails(tmp_path: Path) -> None:
    folder = copy_invalid(
        tmp_path, "unknown-name-in-expression.yaml", "type-mismatch.yaml", "duplicate-yaml-key.yaml"
    )
    result = run("rules", "lint", str(folder))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[-1] == "3 problem(s) found"
    unknown = f"{folder / 'unknown-name-in-expression.yaml'}:15:11: rules.adult.when: "
    assert unknown + "unknown name 'agee' (did you mean 'age'?)" in lines
    assert any(line.startswith(f"{folder / 'type-mismatch.yaml'}:14:11: ") for line in lines)
    assert any("'age' is written twice" in line for line in lines)


def test_lint_takes_several_paths(tmp_path: Path, rules_dir: Path) -> None:
    folder = copy_invalid(tmp_path, "missing-eligible-goal.yaml")
    result = run("rules", "lint", str(rules_dir), str(folder / "missing-eligible-goal.yaml"))
    assert result.exit_code == 1
    assert "every rule set has a boolean goal named 'eligible'" in result.output
    assert result.output.strip().endswith("1 problem(s) found")


def test_lint_a_file_named_from_inside_its_folder(
    rules_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(rules_dir / "fishing-licence")
    result = run("rules", "lint", "2024-01-01.yaml")
    assert result.exit_code == 0, result.output


def test_lint_needs_an_existing_path() -> None:
    result = CliRunner().invoke(main, ["rules", "lint", "/no/such/rules"])
    assert result.exit_code == 2
    assert "does not exist" in result.output


# ------------------------------------------------------------------------------ test


def test_scenarios_pass_on_both_engines(rules_dir: Path) -> None:
    for engine in ("durable", "pure"):
        result = run("rules", "test", "--engine", engine, str(rules_dir))
        assert result.exit_code == 0, result.output
        assert result.output.strip() == "3 passed, 0 failed"


def test_failing_scenario_shows_expected_and_actual_per_goal_and_the_trace(
    rules_dir: Path,
) -> None:
    file = rules_dir / "fishing-licence" / "2024-01-01.yaml"
    text = file.read_text(encoding="utf-8")
    text = text.replace('expect: {eligible: true, reduction: "20"}', 'expect: {reduction: "25"}')
    text = text.replace("expect: {eligible: null}", "expect: {eligible: false}")
    file.write_text(text, encoding="utf-8")
    result = run("rules", "test", str(rules_dir))
    assert result.exit_code == 1
    out = result.output
    assert "FAIL fishing-licence 2024-01-01: a senior resident qualifies whatever the income" in out
    assert '  reduction: expected "25", got "20"' in out
    assert "FAIL fishing-licence 2024-01-01: income unknown leaves the outcome open" in out
    assert '  eligible: expected false, got "undecided"' in out
    assert "  trace:" in out
    assert "    is_senior = true  (age=70)" in out
    assert "    eligible = true  (resident=true, is_senior=true, low_income=null)" in out
    assert '    reduction = "20"  (eligible=true)' in out
    assert out.strip().endswith("1 passed, 2 failed")


def test_scenario_answers_are_checked_against_the_questions_with_their_line(
    rules_dir: Path,
) -> None:
    file = rules_dir / "fishing-licence" / "2024-01-01.yaml"
    text = file.read_text(encoding="utf-8")
    text = text.replace("answers: {age: 70,", "answers: {age: 170,")
    text = text.replace('income: "900.00"', 'income: "900.001"')
    file.write_text(text, encoding="utf-8")
    for command in ("lint", "test"):
        result = run("rules", command, str(rules_dir))
        assert result.exit_code == 1
        assert result.output.splitlines() == [
            f"{file}:71:20: scenarios[0].answers.age: the answer does not fit question 'age': "
            "expected a whole number of at most 130, got 170",
            f"{file}:74:33: scenarios[1].answers.income: the answer does not fit question "
            "'income': expected an amount with at most 2 decimal places, got 900.001",
            "2 problem(s) found",
        ]
        assert "AnswerError" not in result.output


def test_scenario_refused_by_a_check_between_answers_shows_line_and_reason(
    rules_dir: Path,
) -> None:
    file = rules_dir / "fishing-licence" / "2024-01-01.yaml"
    text = file.read_text(encoding="utf-8")
    text = text.replace(
        "    allow_unknown: true ",
        "    checks:\n"
        '      - when: "income < 100000"\n'
        "        message: {en: \"An income of {income} is not plausible.\"}\n"
        "    allow_unknown: true ",
    )
    text = text.replace('income: "900.00"', 'income: "250000.00"')
    file.write_text(text, encoding="utf-8")
    result = run("rules", "test", str(rules_dir))
    assert result.exit_code == 1
    assert (
        f"  error: {file}:77:33: scenarios[1].answers.income: the answer is refused: "
        "An income of 250,000 is not plausible."
    ) in result.output.splitlines()
    assert "AnswerError" not in result.output


def test_scenario_pinning_next_questions(rules_dir: Path) -> None:
    file = rules_dir / "fishing-licence" / "2024-01-01.yaml"
    text = file.read_text(encoding="utf-8")
    text += (
        "  - name: only the age is known\n"
        "    answers: {age: 30}\n"
        "    expect: {eligible: null}\n"
        "    expect_next: [resident, income]\n"
    )
    file.write_text(text, encoding="utf-8")
    result = run("rules", "test", str(rules_dir))
    assert result.exit_code == 1
    assert (
        '  next questions: expected ["resident", "income"], got ["income", "resident"]'
        in result.output
    )


def test_test_stops_on_invalid_files(tmp_path: Path) -> None:
    folder = copy_invalid(tmp_path, "bad-question-type.yaml")
    result = run("rules", "test", str(folder))
    assert result.exit_code == 1
    assert "must be one of boolean, integer, decimal, string, date, enum" in result.output


# ------------------------------------------------------------------------------ explain


def answers_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_explain_in_text(rules_dir: Path, tmp_path: Path) -> None:
    answers = answers_file(tmp_path, "age: 70\nresident: true\nincome: '5000.00'\n")
    result = run(
        "rules", "explain", "fishing-licence", "--as-of", "2024-06-01",
        "--answers", str(answers), "--rules-dir", str(rules_dir),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "fishing-licence 2024-01-01 (as of 2024-06-01): complete"
    assert "Reduced licence: true" in lines
    assert "  - At 70 you count as a senior.  [Fisheries Act § 12 (1) No. 1]" in lines
    assert 'Reduction: "20"' in lines
    assert lines[-1] == "Ignored answers: income"


def test_explain_lists_next_questions_with_why(rules_dir: Path, tmp_path: Path) -> None:
    answers = answers_file(tmp_path, "age: 30\n")
    result = run(
        "rules", "explain", "fishing-licence", "--version", "2024-01-01",
        "--answers", str(answers), "--rules-dir", str(rules_dir), "--locale", "de",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Still missing, the next questions that matter (in asking order):" in result.output
    assert "  income: What is your monthly income?" in result.output
    assert (
        "      why: Wir fragen dies, weil Fisheries Act § 12 (1) No. 2 es verlangt."
        in result.output
    )


def test_explain_as_json(rules_dir: Path, tmp_path: Path) -> None:
    answers = answers_file(tmp_path, "age: 30\ncounty: SOUTH\n")
    result = run(
        "rules", "explain", "fishing-licence", "--as-of", "2025-03-01",
        "--answers", str(answers), "--rules-dir", str(rules_dir), "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["version"] == "2025-01-01"
    assert data["status"] == "complete"
    assert data["goals"]["eligible"] == {"value": False, "decided": True, "reasons": []}
    assert "missing" not in data["goals"]["eligible"]
    assert data["goals"]["reduction"]["value"] == "0"
    assert data["next_questions"] == []


def test_explain_reports_errors_with_exit_code_2(rules_dir: Path, tmp_path: Path) -> None:
    answers = answers_file(tmp_path, "age: -1\n")
    for args, message in (
        (["fishing-licenc", "--as-of", "2024-06-01"], "did you mean 'fishing-licence'?"),
        (["fishing-licence", "--as-of", "2023-06-01"], "no published version"),
        (["fishing-licence", "--version", "1999"], "has no version '1999'"),
        (["fishing-licence", "--as-of", "2024-06-01"], "answers.yaml:1:6: age: expected a whole"),
    ):
        result = CliRunner().invoke(
            main,
            ["rules", "explain", *args, "--answers", str(answers), "--rules-dir", str(rules_dir)],
        )
        assert result.exit_code == 2, result.output
        assert message in result.output


# ------------------------------------------------------------------------------ diff


def test_diff_lists_what_changed(rules_dir: Path) -> None:
    result = run(
        "rules", "diff", "fishing-licence", "2024-01-01", "2025-01-01",
        "--rules-dir", str(rules_dir),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "removed  questions.resident" in lines
    assert "added    questions.county" in lines
    assert "changed  parameters.income_limit" in lines
    assert '           value: "1200.00" → "1300.00"' in lines
    assert "changed  goals.eligible" in lines
    assert "changed  version.effective_from" in lines
    assert lines[-1].endswith("change(s)")


def test_diff_of_an_unknown_version_fails(rules_dir: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["rules", "diff", "fishing-licence", "2024-01-01", "2030", "--rules-dir", str(rules_dir)],
    )
    assert result.exit_code == 2
    assert "has no version '2030'" in result.output


def test_scenario_that_cannot_be_evaluated_shows_line_and_reason(tmp_path: Path) -> None:
    folder = tmp_path / "rules" / "shares"
    folder.mkdir(parents=True)
    file = folder / "2024-01-01.yaml"
    file.write_text(
        'ruleset: shares\nversion: "2024-01-01"\neffective_from: 2024-01-01\ntitle: Shares\n'
        "questions:\n"
        '  people: {type: integer, min: 0, label: "How many people?"}\n'
        "goals:\n"
        "  eligible: {type: boolean, value: 100 / people > 10}\n"
        "scenarios:\n"
        "  - name: nobody\n"
        "    answers: {people: 0}\n"
        "    expect: {eligible: false}\n",
        encoding="utf-8",
    )
    result = run("rules", "test", str(folder))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[1].startswith(f"  error: {file}:10:5: scenarios[0]: cannot be evaluated: ")
    assert lines[1].endswith("cannot be evaluated: eligible: division by zero")
