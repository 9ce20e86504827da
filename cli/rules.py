"""`eligibility rules …`: check, test, explain and compare rule files (for legal experts)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from cli.common import _load
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
