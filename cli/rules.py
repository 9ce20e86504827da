"""`eligibility rules …`: check, test, explain and compare rule files (for legal experts)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from cli.common import _load, engine_option
from eligibility.coverage import Coverage, coverage
from eligibility.scenarios import ScenarioResult, run_scenarios


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
@engine_option
@click.option(
    "--coverage",
    "show_coverage",
    is_flag=True,
    help="Also list the goals, rules and branches no scenario exercises.",
)
@click.option(
    "--require-coverage",
    is_flag=True,
    help="Fail unless the scenarios exercise every outcome (implies --coverage).",
)
@click.option(
    "--coverage-json",
    "coverage_json",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write the coverage of every version to this file as JSON (for a build).",
)
def test_scenarios(
    paths: tuple[Path, ...],
    engine: str,
    show_coverage: bool,
    require_coverage: bool,
    coverage_json: Path | None,
) -> None:
    """Run the scenarios of every version; a failure shows expected vs actual and the trace."""
    versions = [v for found in _load(paths).rulesets(drafts=True) for v in found.versions]
    results: list[ScenarioResult] = []
    for version in versions:
        results.extend(run_scenarios(version, version.ruleset, engine))  # type: ignore[arg-type]
    failed = [r for r in results if not r.passed]
    for result in failed:
        _show_failure(result)
    click.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    missed = 0
    if show_coverage or require_coverage or coverage_json:
        reports = [coverage(v) for v in versions]
        missed = _show_coverage(reports)
        if coverage_json:
            data = [_coverage_plain(r) for r in reports]
            coverage_json.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    if require_coverage and missed:
        click.echo(
            f"coverage required: {missed} outcome(s) are exercised by no scenario; "
            "add scenarios that show them"
        )
    sys.exit(1 if failed or (require_coverage and missed) else 0)


def _coverage_plain(report: Coverage) -> dict[str, object]:
    return {
        "ruleset": report.ruleset,
        "version": report.version,
        "scenarios": report.scenarios,
        "complete": report.complete,
        "counts": report.shares(),
        "missed": [
            {
                "path": o.path,
                "kind": o.kind,
                "expression": o.expression,
                "outcome": o.value,
                "detail": o.describe(),
                "file": o.location.file,
                "line": o.location.line,
                "column": o.location.column,
            }
            for o in report.missed
        ],
    }


def _show_coverage(reports: list[Coverage]) -> int:
    """Each version's coverage and the outcomes no scenario shows; how many those are."""
    click.echo("Coverage:")
    for report in reports:
        click.echo(report.summary())
        for outcome in report.missed:
            click.echo(f"  {outcome}")
    return sum(len(r.missed) for r in reports)


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
