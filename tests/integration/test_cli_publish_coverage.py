"""`eligibility rules publish --require-coverage` against a real database."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cli import main
from eligibility import services
from eligibility.ports import Storage

from .helpers import FISHING


def test_publish_requiring_coverage_refuses_and_names_each_place(
    migrated_url: str, store: Storage
) -> None:
    result = CliRunner().invoke(
        main,
        ["rules", "publish", str(FISHING), "--require-coverage", "--database-url", migrated_url],
    )
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0].startswith(
        "error: fishing-licence 2024-01-01: publishing requires scenarios that exercise every "
        "outcome of the rules, and 4 are exercised by none"
    )
    file = Path(FISHING) / "2024-01-01.yaml"
    assert f"  {file}:53:11: rules.low_income.when: no scenario makes rule 'low_income' false" in (
        lines
    )
    assert services.get_version(store, "fishing-licence", "2024-01-01").status == "draft"
    plain = CliRunner().invoke(
        main, ["rules", "publish", str(FISHING), "--database-url", migrated_url]
    )
    assert plain.exit_code == 0, plain.output
