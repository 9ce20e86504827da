"""`rules diff --stored`: a draft sent over the API compared with the published version."""

from __future__ import annotations

from click.testing import CliRunner

from cli import main
from eligibility import services
from eligibility.ports import Storage

AMENDMENT = """\
ruleset: fishing-licence
version: "2025-01-01"
extends: "2024-01-01"
status: published
effective_from: 2025-01-01
title: {en: Reduced fishing licence 2025, de: Ermäßigter Angelschein 2025}
parameters:
  income_limit: {value: 1300.00}
scenarios:
  - name: a senior qualifies
    answers: {age: 70, resident: true}
    expect: {eligible: true}
"""


def test_a_stored_draft_against_the_published_version(
    migrated_url: str, fishing_store: Storage
) -> None:
    services.create_draft(fishing_store, AMENDMENT, "author-1")
    result = CliRunner().invoke(
        main,
        ["rules", "diff", "fishing-licence", "2024-01-01", "2025-01-01", "--stored",
         "--database-url", migrated_url],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (
        "fishing-licence: 2024-01-01 (stored, published) → 2025-01-01 (stored, draft)"
    )
    assert '           status: "published" → "draft"' in lines
    assert '           title.de: "Ermäßigter Angelschein" → "Ermäßigter Angelschein 2025"' in lines
    assert '           value: "1200.00" → "1300.00"' in lines
    assert "added    scenarios.a senior qualifies" in lines


def test_a_version_not_stored_is_named(migrated_url: str, fishing_store: Storage) -> None:
    result = CliRunner().invoke(
        main,
        ["rules", "diff", "fishing-licence", "2024-01-01", "2031-01-01", "--stored",
         "--database-url", migrated_url],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "has no version '2031-01-01'" in result.output
