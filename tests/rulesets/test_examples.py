"""Every rule set in rules/ (and the fixtures) loads, lints clean, and passes its scenarios.

Written over whatever rule files exist: a new rule set or version is tested as soon as it is
added. Scenarios run on both engines and must give the same results on each.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from eligibility import Catalogue, load_paths
from eligibility.model import RuleSet
from eligibility.scenarios import ScenarioResult, run_scenarios

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = sorted(
    p
    for base in (ROOT / "rules", ROOT / "tests" / "fixtures")
    for p in base.iterdir()
    if p.is_dir() and any(p.glob("*.yaml"))
)
VERSIONS = sorted(f"{p.parent.name}/{p.stem}" for f in FOLDERS for p in f.glob("*.yaml"))


@functools.cache
def catalogue(folder: Path) -> Catalogue:
    """One rule set's folder, loaded and compiled."""
    return Catalogue.of(load_paths([folder]))


def folder_of(version_id: str) -> Path:
    return next(f for f in FOLDERS if f.name == version_id.split("/")[0])


def ruleset(version_id: str) -> RuleSet:
    name, version = version_id.split("/")
    return catalogue(folder_of(version_id)).version(name, version, drafts=True).ruleset


def describe(result: ScenarioResult) -> str:
    lines = [f"{result.version}: {result.name}: {result.error or ''}"]
    lines += [f"  {m.what}: expected {m.expected}, got {m.actual}" for m in result.mismatches]
    return "\n".join(lines)


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_rule_set_lints_clean(folder: Path) -> None:
    result = CliRunner().invoke(main, ["rules", "lint", str(folder)])
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output


@pytest.mark.parametrize("version_id", VERSIONS)
def test_version_is_where_its_name_says(version_id: str) -> None:
    version = ruleset(version_id)
    assert f"{version.id}/{version.version}" == version_id
    assert version.source is not None and Path(version.source).name == f"{version.version}.yaml"
    assert version.effective_to is None or version.effective_from <= version.effective_to


@pytest.mark.parametrize("version_id", VERSIONS)
@pytest.mark.parametrize("engine", ["durable", "pure"])
def test_every_scenario_passes(version_id: str, engine: str) -> None:
    name, version = version_id.split("/")
    compiled = catalogue(folder_of(version_id)).version(name, version, drafts=True)
    results = run_scenarios(compiled, compiled.ruleset, engine)  # type: ignore[arg-type]
    failed = [describe(r) for r in results if not r.passed]
    assert not failed, "\n".join(failed)


@pytest.mark.parametrize("version_id", VERSIONS)
def test_scenarios_give_the_same_results_on_both_engines(version_id: str) -> None:
    name, version = version_id.split("/")
    compiled = catalogue(folder_of(version_id)).version(name, version, drafts=True)
    durable = run_scenarios(compiled, compiled.ruleset, "durable")
    pure = run_scenarios(compiled, compiled.ruleset, "pure")
    for a, b in zip(durable, pure, strict=True):
        if a.evaluation is None and a.passed:  # refused as the scenario expects
            assert b.passed and b.evaluation is None, b.name
            continue
        assert a.evaluation is not None and b.evaluation is not None, a.error or b.error
        assert a.evaluation.goals == b.evaluation.goals, a.name
        assert a.evaluation.next_questions == b.evaluation.next_questions, a.name


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_published_windows_do_not_overlap_and_select_by_date(folder: Path) -> None:
    found = catalogue(folder)
    for ruleset in found.rulesets(drafts=True):
        versions = [v.ruleset for v in ruleset.versions if v.ruleset.status == "published"]
        corrected = {v.supersedes: v.version for v in versions if v.supersedes}
        for version in versions:  # a corrected version's window is its correction's
            chosen = found.covering(ruleset.id, version.effective_from)
            assert chosen.ruleset.version == corrected.get(version.version, version.version)


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_amounts_are_exact_decimals(folder: Path) -> None:
    for ruleset in catalogue(folder).rulesets(drafts=True):
        for version in (v.ruleset for v in ruleset.versions):
            for parameter in version.parameters:
                assert not isinstance(parameter.value, float)
                if parameter.type == "decimal" and parameter.value is not None:
                    assert isinstance(parameter.value, Decimal)


@pytest.mark.parametrize(
    "version_id", [v for v in VERSIONS if (ROOT / "rules" / v).parent.is_dir()]
)
def test_every_check_speaks_every_language_of_its_version(version_id: str) -> None:
    version = ruleset(version_id)
    languages = set(version.title) - {"*"}
    for question in version.questions:
        for check in question.checks:
            assert "*" in check.message or languages <= set(check.message), question.id
