"""`eligibility rules diff`: texts in every language, legal basis, questions, scenarios, drafts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli import main

FISHING = Path(__file__).resolve().parents[1] / "fixtures" / "fishing-licence"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["rules", "diff", *args], catch_exceptions=False)


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    shutil.copytree(FISHING, tmp_path / "rules" / "fishing-licence")
    return tmp_path / "rules"


def draft(tmp_path: Path, *edits: tuple[str, str], version: str = "2024-01-01") -> Path:
    """The fishing licence edited as a draft file kept outside the rules folder."""
    text = (FISHING / "2024-01-01.yaml").read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    folder = tmp_path / "drafts" / "fishing-licence"
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / f"{version}.yaml"
    file.write_text(text.replace("status: published", "status: draft"), encoding="utf-8")
    return file


def lines_of(result: Result) -> list[str]:
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_a_draft_file_shows_changed_texts_in_every_language(
    rules_dir: Path, tmp_path: Path
) -> None:
    file = draft(
        tmp_path,
        ('de: "Wie alt sind Sie?"', 'de: "Wie alt bist du?"'),
        ('false: {en: "At', 'false: {de: "Mit {age} noch nicht", en: "At'),
        ("help: {en: Your age on the day the licence starts.}", "help: {en: Your age today.}"),
    )
    lines = lines_of(run("fishing-licence", "2024-01-01", str(file), "--rules-dir", str(rules_dir)))
    assert lines[0] == (
        f"fishing-licence: 2024-01-01 ({rules_dir / 'fishing-licence' / '2024-01-01.yaml'}, "
        f"published) → 2024-01-01 ({file}, draft)"
    )
    assert lines[1:] == [
        "changed  version.status",
        '           status: "published" → "draft"',
        "changed  questions.age",
        '           label.de: "Wie alt sind Sie?" → "Wie alt bist du?"',
        '           help.en: "Your age on the day the licence starts." → "Your age today."',
        "changed  rules.is_senior",
        '           explanation.false.de: (none) → "Mit {age} noch nicht"',
        "3 change(s)",
    ]


def test_questions_added_removed_and_changed(rules_dir: Path, tmp_path: Path) -> None:
    file = draft(
        tmp_path,
        ("    max: 130\n", "    max: 120\n"),
        ("  resident:\n    type: boolean\n    label: {en: \"Do you live in the county?\"}\n",
         "  county:\n    type: enum\n    options: {NORTH: North, SOUTH: {en: South, de: Süd}}\n"
         "    label: {en: \"Which county?\"}\n"),
        ("value: resident and", "value: county = \"NORTH\" and"),
        ("resident: true}", "county: NORTH}"),
    )  # fmt: skip
    lines = lines_of(run("fishing-licence", "2024-01-01", str(file), "--rules-dir", str(rules_dir)))
    removed = lines.index("removed  questions.resident")
    assert lines[removed + 1 : removed + 3] == [
        '           type: "boolean"',
        '           label.en: "Do you live in the county?"',
    ]
    added = lines.index("added    questions.county")
    assert lines[added + 1 : added + 5] == [
        '           type: "enum"',
        '           label.en: "Which county?"',
        '           options.NORTH.*: "North"',
        '           options.SOUTH.en: "South"',
    ]
    assert lines[lines.index("changed  questions.age") + 1] == "           max: 130 → 120"
    goal = lines.index("changed  goals.eligible")
    assert lines[goal + 1] == (
        '           value: "resident and (is_senior or low_income)" → '
        '"county = \\"NORTH\\" and (is_senior or low_income)"'
    )
    scenario = lines.index("changed  scenarios.a senior resident qualifies whatever the income")
    assert lines[scenario + 1 : scenario + 3] == [
        "           answers.resident: true → (none)",
        '           answers.county: (none) → "NORTH"',
    ]


def test_legal_basis_and_a_changed_type(rules_dir: Path, tmp_path: Path) -> None:
    file = draft(
        tmp_path,
        ("    title: {en: Reduced fees}\n",
         "    title: {en: Reduced fees, de: Ermäßigte Gebühren}\n"
         "  - reference: \"Fee Schedule No. 4\"\n"),
        ("  resident:\n    type: boolean\n", "  resident:\n    type: enum\n"
         "    options: {local: Local, visitor: Visitor}\n"),
        ("value: resident and", "value: resident = \"local\" and"),
        ("resident: true}", "resident: local}"),
    )  # fmt: skip
    lines = lines_of(run("fishing-licence", "2024-01-01", str(file), "--rules-dir", str(rules_dir)))
    basis = lines.index("changed  legal_basis.Fisheries Act § 12")
    assert lines[basis + 1] == '           title.de: (none) → "Ermäßigte Gebühren"'
    assert "added    legal_basis.Fee Schedule No. 4" in lines
    question = lines.index("changed  questions.resident")
    assert lines[question + 1 : question + 4] == [
        '           type: "boolean" → "enum"',
        '           options.local.*: (none) → "Local"',
        '           options.visitor.*: (none) → "Visitor"',
    ]


def test_a_new_version_file_extending_one_in_the_rules_folder(
    rules_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "drafts" / "fishing-licence"
    folder.mkdir(parents=True)
    file = folder / "2025-01-01.yaml"
    file.write_text(
        'ruleset: fishing-licence\nversion: "2025-01-01"\nextends: "2024-01-01"\n'
        "status: draft\neffective_from: 2025-01-01\n"
        "parameters:\n  income_limit: {value: 1300.00}\n"
        "scenarios:\n  - name: a senior resident qualifies whatever the income\n"
        "    answers: {age: 70, resident: true}\n    expect: {eligible: true}\n",
        encoding="utf-8",
    )
    lines = lines_of(run("fishing-licence", "2024-01-01", str(file), "--rules-dir", str(rules_dir)))
    assert '           value: "1200.00" → "1300.00"' in lines
    assert '           effective_to: "2024-12-31" → (none)' in lines
    scenario = lines.index("changed  scenarios.a senior resident qualifies whatever the income")
    assert lines[scenario + 1] == '           expect.reduction: "20" → (none)'
    assert "removed  scenarios.income unknown leaves the outcome open" in lines


def test_json_output_and_written_nulls(rules_dir: Path, tmp_path: Path) -> None:
    file = draft(tmp_path, ("expect: {eligible: null}", "expect: {eligible: false}"))
    result = run(
        "fishing-licence", "2024-01-01", str(file), "--json", "--rules-dir", str(rules_dir)
    )
    assert result.exit_code == 0, result.output
    changes = json.loads(result.output)
    assert changes[-1] == {
        "part": "scenarios",
        "id": "income unknown leaves the outcome open",
        "kind": "changed",
        "fields": {"expect.eligible": {"old": None, "new": False}},
    }


def test_a_broken_draft_file_is_shown_with_its_line(rules_dir: Path, tmp_path: Path) -> None:
    file = draft(tmp_path, ("    max: 130\n", "    max: lots\n"))
    result = CliRunner().invoke(
        main, ["rules", "diff", "fishing-licence", "2024-01-01", str(file), "--rules-dir",
               str(rules_dir)],
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.output.startswith(f"{file}:16:10: questions.age.max:")
    assert "Traceback" not in result.output


def test_an_unknown_rule_set_is_named_with_a_suggestion(rules_dir: Path) -> None:
    result = CliRunner().invoke(
        main, ["rules", "diff", "fishing-licenc", "2024-01-01", "2025-01-01", "--rules-dir",
               str(rules_dir)],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "did you mean 'fishing-licence'?" in result.output


FAMILY = Path(__file__).resolve().parents[1] / "fixtures" / "family-allowance"


def test_collections_are_compared_entry_by_entry(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(FAMILY, rules / "family-allowance")
    text = (FAMILY / "2024-01-01.yaml").read_text(encoding="utf-8")
    for old, new in (
        ("    max: 20\n", "    max: 12\n"),
        ("(age < 25 and in_education)", "(age < 27 and in_education)"),
        ('de: "Wie alt ist {name}?"', 'de: "Wie alt ist {name} heute?"'),
        ("      in_education:\n", "      disabled:\n        type: boolean\n"
         "        label: {en: \"Is {name} disabled?\"}\n      in_education:\n"),
    ):  # fmt: skip
        assert old in text, old
        text = text.replace(old, new)
    folder = tmp_path / "drafts" / "family-allowance"
    folder.mkdir(parents=True)
    file = folder / "2024-01-01.yaml"
    file.write_text(text.replace("status: published", "status: draft"), encoding="utf-8")
    lines = lines_of(run("family-allowance", "2024-01-01", str(file), "--rules-dir", str(rules)))
    assert lines[lines.index("changed  collections.children") + 1] == "           max: 20 → 12"
    age = lines.index("changed  collections.children.questions.age")
    assert (
        lines[age + 1] == '           label.de: "Wie alt ist {name}?" → "Wie alt ist {name} heute?"'
    )
    assert "added    collections.children.questions.disabled" in lines
    rule = lines.index("changed  collections.children.rules.qualifies")
    assert "age < 27 and in_education" in lines[rule + 1]
