"""`eligibility rules …`: check, test, explain and compare rule files (for legal experts)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import click

from cli.common import DEFAULT_RULES, _load
from eligibility.errors import AnswerError, EligibilityError, Problem, RuleSetError
from eligibility.evaluation import Evaluation
from eligibility.model import Location
from eligibility.scenarios import ScenarioResult, run_scenarios
from eligibility.services import EvaluationRequest, Evaluator
from eligibility.values_io import pointer_path, to_plain
from eligibility.yaml_source import load_yaml


@click.group()
def rules() -> None:
    """Write, check and explore rule sets."""


@rules.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def lint(paths: tuple[Path, ...]) -> None:
    """Check rule files: every problem with file, path, line and column."""
    found = _load(paths).rulesets(drafts=True)
    count = sum(len(r.versions) for r in found)
    click.echo(f"{count} version(s) of {len(found)} rule set(s): no problems")


@rules.command("test")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--engine", type=click.Choice(["durable", "pure"]), default="durable", show_default=True
)
def test_scenarios(paths: tuple[Path, ...], engine: str) -> None:
    """Run the scenarios of every version; a failure shows expected vs actual and the trace."""
    results: list[ScenarioResult] = []
    for found in _load(paths).rulesets(drafts=True):
        for version in found.versions:
            results.extend(run_scenarios(version, version.ruleset, engine))  # type: ignore[arg-type]
    failed = [r for r in results if not r.passed]
    for result in failed:
        _show_failure(result)
    click.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)


def _show_failure(result: ScenarioResult) -> None:
    click.echo(f"FAIL {result.ruleset} {result.version}: {result.name}")
    for line in (result.error or "").splitlines():
        click.echo(f"  error: {line}")
    for m in result.mismatches:
        click.echo(f"  {m.what}: expected {json.dumps(m.expected)}, got {json.dumps(m.actual)}")
    if result.evaluation is not None:
        click.echo("  trace:")
        for step in result.evaluation.trace:
            inputs = ", ".join(f"{k}={json.dumps(v)}" for k, v in step.inputs.items())
            click.echo(f"    {step.name} = {json.dumps(step.result)}  ({inputs})")


@rules.command()
@click.argument("ruleset")
@click.option(
    "--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="Date the claim is about."
)
@click.option("--version", "version", help="A version id instead of --as-of.")
@click.option("--answers", type=click.Path(exists=True, path_type=Path), required=True)
@click.option("--locale", default=None)
@click.option("--rules-dir", type=click.Path(exists=True, path_type=Path), default=DEFAULT_RULES)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def explain(
    ruleset: str,
    as_of: dt.datetime | None,
    version: str | None,
    answers: Path,
    locale: str | None,
    rules_dir: Path,
    as_json: bool,
) -> None:
    """Evaluate answers: goals, reasons and the next questions."""
    evaluator = Evaluator(_load((rules_dir,)))
    positions: dict[str, Location] = {}
    try:
        data, positions = load_yaml(answers.read_text(encoding="utf-8"), str(answers))
        if not isinstance(data, dict):
            raise RuleSetError(
                [Problem("write the answers as 'question: answer' lines", "", str(answers), 1, 1)]
            )
        request = EvaluationRequest(
            ruleset,
            data,
            version,
            as_of.date() if as_of else None,
            (locale,) if locale else (),
            with_trace=True,
        )
        result = evaluator.evaluate(request, drafts=True)
    except AnswerError as error:
        for at, messages in error.errors.items():
            path = pointer_path(at)
            where = positions.get(path, Location(str(answers)))
            for message in messages:
                problem = Problem(message, path, where.file, where.line, where.column)
                click.echo(f"error: {problem}", err=True)
        sys.exit(2)
    except EligibilityError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    click.echo(
        json.dumps(_explanation(result), indent=2, ensure_ascii=False) if as_json else _text(result)
    )


def _explanation(result: Evaluation) -> dict[str, Any]:
    return {
        "ruleset": result.ruleset_id,
        "version": result.version,
        "status": "complete" if result.complete else "incomplete",
        "goals": {
            k: {
                "value": to_plain(g.value),
                "decided": g.decided,
                "reasons": [r.text for r in g.reasons],
            }
            for k, g in result.goals.items()
        },
        "next_questions": [q.question.id for q in result.next_questions],
        "ignored_answers": list(result.ignored_answers),
    }


def _text(result: Evaluation) -> str:
    lines = [f"{result.ruleset_id} {result.version} (as of {result.as_of})"]
    for goal in result.goals.values():
        shown = json.dumps(to_plain(goal.value)) if goal.decided else "undecided"
        lines.append(f"{goal.label or goal.id}: {shown}")
        lines += [f"  - {r.text}  [{r.legal_reference}]" for r in goal.reasons]
    if result.next_questions:
        lines.append("Next questions:")
        for q in result.next_questions:
            why = "; ".join(w.text or "" for w in q.why)
            lines.append(f"  {q.question.id}: {q.label}  ({why})")
    if result.ignored_answers:
        lines.append("Ignored answers: " + ", ".join(result.ignored_answers))
    return "\n".join(lines)
