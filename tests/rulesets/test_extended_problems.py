"""A problem in a version that others extend is reported once, not once per extending version."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from cli import main

FISHING = Path(__file__).resolve().parents[1] / "fixtures" / "fishing-licence"


def child(version: str) -> str:
    return (
        "ruleset: fishing-licence\n"
        f'version: "{version}"\n'
        'extends: "2024-01-01"\n'
        f"effective_from: {version}\n"
        "parameters:\n"
        "  income_limit: {value: 1300.00}\n"
    )


def rules_with_children(tmp_path: Path, base_text: str) -> Path:
    folder = tmp_path / "rules" / "fishing-licence"
    shutil.copytree(FISHING, folder)
    (folder / "2024-01-01.yaml").write_text(base_text, encoding="utf-8")
    for version in ("2025-01-01", "2026-01-01"):
        (folder / f"{version}.yaml").write_text(child(version), encoding="utf-8")
    return folder


def lint(*paths: Path) -> list[str]:
    result = CliRunner().invoke(main, ["rules", "lint", *map(str, paths)])
    assert result.exit_code == 1, result.output
    return result.output.strip().splitlines()


def base() -> str:
    return (FISHING / "2024-01-01.yaml").read_text(encoding="utf-8")


def test_a_syntax_error_of_an_extended_version_is_printed_once(tmp_path: Path) -> None:
    broken = base().replace('label: {en: "How old are you?"', "label: {en: How old are you?")
    folder = rules_with_children(tmp_path, broken)
    lines = lint(folder)
    question_mark = [line for line in lines if "cannot hold a question mark" in line]
    assert len(question_mark) == 1
    assert question_mark[0].startswith(f"{folder / '2024-01-01.yaml'}:17:32:")
    for version in ("2025-01-01", "2026-01-01"):
        assert (
            f"{folder / version}.yaml:3:11: extends: extends '2024-01-01', which cannot be used "
            "until the problems of 2024-01-01.yaml are fixed"
        ) in lines
    assert lines[-1] == "3 problem(s) found"


def test_a_child_named_alone_reports_its_broken_parent_once(tmp_path: Path) -> None:
    broken = base().replace('label: {en: "How old are you?"', "label: {en: How old are you?")
    folder = rules_with_children(tmp_path, broken)
    lines = lint(folder / "2025-01-01.yaml", folder / "2026-01-01.yaml")
    assert len([line for line in lines if "cannot hold a question mark" in line]) == 1
    assert lines[-1] == "3 problem(s) found"


def test_an_expression_error_of_an_extended_version_is_printed_once(tmp_path: Path) -> None:
    folder = rules_with_children(tmp_path, base().replace("when: age >= 65", "when: agee >= 65"))
    lines = lint(folder)
    assert lines == [
        f"{folder / '2024-01-01.yaml'}:46:11: rules.is_senior.when: unknown name 'agee' "
        "(did you mean 'age'?)",
        "1 problem(s) found",
    ]
