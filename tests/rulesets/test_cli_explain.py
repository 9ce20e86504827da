"""`eligibility rules explain`: each reason once, and what each undecided goal still needs."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
PARTLY = (
    "cause: economic\nclaim_month: 2020-04-01\nnotification_date: 2020-04-03\n"
    "employees: 50\nother_affected_employees: 4\n"
)


def run_explain(
    ruleset: str, answers: Path, *args: str, rules_dir: Path = ROOT / "rules", exit_code: int = 0
) -> str:
    """The output of `rules explain` for an answers file, once it exits with `exit_code`."""
    result = CliRunner().invoke(
        main,
        ["rules", "explain", ruleset, "--answers", str(answers), "--rules-dir", str(rules_dir),
         *args],
    )  # fmt: skip
    assert result.exit_code == exit_code, result.output
    return result.output


def answers_file(tmp_path: Path, answers: str) -> Path:
    file = tmp_path / "answers.yaml"
    file.write_text(answers, encoding="utf-8")
    return file


def explain(tmp_path: Path, answers: str, *args: str) -> str:
    """A Kurzarbeitergeld claim for April 2020, explained in English."""
    file = answers_file(tmp_path, answers)
    return run_explain("kurzarbeitergeld", file, "--as-of", "2020-04-01", "--locale", "en", *args)


def explain_family(tmp_path: Path, answers: str, *args: str) -> str:
    """A claim under the family-allowance fixture (a rule set with a collection of children)."""
    file = answers_file(tmp_path, answers)
    return run_explain(
        "family-allowance", file, "--version", "2024-01-01", *args, rules_dir=FIXTURES
    )


def test_known_reasons_are_given_once_not_under_every_undecided_goal(tmp_path: Path) -> None:
    lines = explain(tmp_path, PARTLY).splitlines()
    reasons = [line for line in lines if line.startswith("  - ")]
    assert reasons and Counter(reasons).most_common(1)[0][1] == 1
    known = lines.index("Known so far:")
    assert lines[known + 1].startswith("  - The work loss is due to economic reasons")


def test_each_undecided_goal_says_what_it_still_needs(tmp_path: Path) -> None:
    lines = explain(tmp_path, PARTLY).splitlines()
    # April 2020 is decided by the correction 2020-03-01.1: the knock-outs first, and the benefit
    # period by the start of the entitlement (KugBeV).
    assert lines[0] == (
        "kurzarbeitergeld 2020-03-01.1 (as of 2020-04-01): incomplete, 0 of 4 decided"
    )
    entitled = lines.index("Entitled to short-time work allowance: undecided")
    assert lines[entitled + 1].startswith("  still needs: loss_temporary, loss_customary, ")
    rate = lines.index("Benefit rate: undecided")
    assert lines[rate + 1] == (
        "  still needs what 'Entitled to short-time work allowance' needs, and has_child"
    )
    period = lines.index("Longest benefit period (months): undecided")
    assert lines[period + 1] == (
        "  still needs what 'Entitled to short-time work allowance' needs, "
        "and entitlement_start_month"
    )


def test_the_next_questions_that_matter_come_with_why(tmp_path: Path) -> None:
    lines = explain(tmp_path, PARTLY).splitlines()
    start = lines.index("Still missing, the next questions that matter (in asking order):")
    assert lines[start + 1] == "  loss_temporary: Is the work loss temporary?"
    assert lines[start + 2].startswith("      why: Only a temporary work loss is significant.")
    assert lines[start + 2].endswith("[§ 96 Abs. 1 Satz 1 Nr. 2 SGB III]")
    target = "  target_gross_pay: What is the employee's target pay for the month (gross)?"
    pay = lines.index(target)
    assert lines[pay + 1].startswith("      why: Every employee who loses more than 10 per cent")
    assert lines[pay + 1].endswith("[§ 96 Abs. 1 Satz 1 Nr. 4 SGB III]")


def test_json_lists_each_goals_missing_questions(tmp_path: Path) -> None:
    data = json.loads(explain(tmp_path, PARTLY, "--json"))
    assert data["status"] == "incomplete"
    assert data["goals"]["benefit_rate"]["missing"][-1] == "has_child"
    assert data["goals"]["max_duration_months"]["missing"][-1] == "entitlement_start_month"
    first = data["next_questions"][0]
    assert first["id"] == "loss_temporary"
    assert first["why"][0]["legal_reference"] == "§ 96 Abs. 1 Satz 1 Nr. 2 SGB III"


def test_a_decided_goal_resting_on_reasons_shown_points_up(tmp_path: Path) -> None:
    illinois = ROOT / "examples" / "snap-illinois.yaml"
    lines = run_explain("snap", illinois, "--as-of", "2020-01-15").splitlines()
    benefit = lines.index('Estimated monthly benefit: "439"')
    assert lines[benefit + 1] == "  for the reasons above"
    assert not any(line.startswith("Still missing") for line in lines)


def test_an_unreadable_answers_file_is_located(tmp_path: Path) -> None:
    file = answers_file(tmp_path, "claim_month: 2020-13-01\n")
    output = run_explain("kurzarbeitergeld", file, "--as-of", "2020-04-01", exit_code=2)
    assert f"{file}:1:14: claim_month: '2020-13-01' is not a date that exists" in output
    assert "Traceback" not in output


def test_collections_show_each_instance_and_what_the_root_waits_on(tmp_path: Path) -> None:
    """Total waits on whether the list is complete; Ben's allowance is his own."""
    answers = (
        "resident: true\nchildren:\n  - {id: c1, name: Anna, age: 30}\n"
        "  - {id: c2, name: Ben, age: 3}\n"
    )
    lines = explain_family(tmp_path, answers).splitlines()
    total = lines.index("Allowance per month: undecided")
    assert lines[total + 1] == "  still needs: children_complete"
    ben = lines.index("/children/c2 (Ben):")
    assert lines[ben + 1 : ben + 3] == [
        '  Allowance for this child: "250.00"',
        "    - Ben qualifies.  [Example Act § 1]",
    ]


def test_a_goal_waiting_on_a_list_said_to_be_incomplete_asks_for_the_next_one(
    tmp_path: Path,
) -> None:
    answers = (
        "resident: true\nchildren_complete: false\nchildren:\n  - {id: c1, name: Ben, age: 3}\n"
    )
    total = json.loads(explain_family(tmp_path, answers, "--json"))["goals"]["total"]
    # more children are to come: the next question is the next instance
    assert (total["missing"], total["collections"]) == (["/children/-"], ["children"])


def test_questions_inside_instances_are_named_by_pointer(tmp_path: Path) -> None:
    answers = "resident: true\nchildren:\n  - {id: c1, name: Anna, age: 20}\n"
    lines = explain_family(tmp_path, answers).splitlines()
    assert lines[lines.index("Eligible: undecided") + 1] == (
        "  still needs: /children/c1/in_education, children_complete"
    )
    assert "  /children/c1/in_education: Is Anna in school or training?" in lines


def test_a_goal_blocked_by_i_dont_know_says_so(tmp_path: Path) -> None:
    file = answers_file(tmp_path, "age: 30\nresident: true\nincome: unknown\n")
    output = run_explain("fishing-licence", file, "--version", "2024-01-01", rules_dir=FIXTURES)
    lines = output.splitlines()
    assert lines[lines.index("Reduced licence: undecided") + 1] == (
        "  cannot be decided with the answers given ('I don't know' to income)"
    )
    assert not any(line.startswith("Still missing") for line in lines)


@pytest.mark.parametrize(("setting", "durable_decides"), [("pure", False), ("durable", True)])
def test_the_engine_setting_reaches_the_cli(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    durable_decided: list[str],
    setting: str,
    durable_decides: bool,
) -> None:
    """ELIGIBILITY_ENGINE, the server's setting, is the CLI's default engine too."""
    decided = durable_decided
    monkeypatch.setenv("ELIGIBILITY_ENGINE", setting)
    assert "incomplete" in explain(tmp_path, PARTLY)
    assert bool(decided) is durable_decides
