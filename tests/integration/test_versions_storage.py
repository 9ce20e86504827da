"""Rule-set lifecycle on storage: sync files, drafts, publish, immutability, retire, select."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from eligibility import services
from eligibility.canonical import ruleset_hash
from eligibility.catalogue import Catalogue, StoredSource
from eligibility.errors import (
    Conflict,
    ImmutableVersion,
    NoVersionApplies,
    RuleSetError,
    ScenariosFailed,
    VersionNotFound,
)
from eligibility.loader import load_paths
from eligibility.ports import Storage
from eligibility.services.versions import document_to_store

from .helpers import FISHING

NEXT_YEAR = """
ruleset: fishing-licence
version: "2025-01-01"
extends: "2024-01-01"
effective_from: 2025-01-01
parameters:
  income_limit:
    value: 1000.00
    legal_reference: "Fisheries Act § 12 (2), as amended"
scenarios:
  - name: an income of 1100 no longer qualifies
    answers: {age: 30, income: "1100.00", resident: true}
    expect: {eligible: false}
"""


def test_sync_publishes_new_versions_with_their_hash(store: Storage) -> None:
    report = services.sync_rule_files(store, [FISHING])
    assert report.added == ("fishing-licence 2024-01-01",)
    stored = services.get_version(store, "fishing-licence", "2024-01-01")
    (ruleset,) = load_paths([FISHING])
    assert stored.status == "published"
    assert stored.content_hash == ruleset_hash(ruleset)
    assert stored.published_at is not None and stored.published_by == "rules-sync"
    again = services.sync_rule_files(store, [FISHING])
    assert again.unchanged == ("fishing-licence 2024-01-01",) and not again.added


def test_sync_refuses_a_changed_published_file_naming_file_and_hashes(
    store: Storage, tmp_path: Path
) -> None:
    folder = tmp_path / "fishing-licence"
    shutil.copytree(FISHING, folder)
    services.sync_rule_files(store, [folder])
    before = services.get_version(store, "fishing-licence", "2024-01-01")
    file = folder / "2024-01-01.yaml"
    file.write_text(file.read_text().replace("value: 1200.00", "value: 1300.00"))
    (changed,) = load_paths([folder])
    with pytest.raises(ImmutableVersion) as refused:
        services.sync_rule_files(store, [folder])
    message = str(refused.value)
    assert str(file) in message
    assert before.content_hash in message and ruleset_hash(changed) in message
    assert services.get_version(store, "fishing-licence", "2024-01-01") == before


def test_draft_from_yaml_extends_the_stored_version(fishing_store: Storage) -> None:
    draft = services.create_draft(fishing_store, NEXT_YEAR, "author-1")
    assert (draft.status, draft.created_by) == ("draft", "author-1")
    assert draft.content["parameters"]["income_limit"]["value"] == "1000.00"
    assert "is_senior" in draft.content["rules"]  # inherited
    stored = services.get_version(fishing_store, "fishing-licence", "2025-01-01")
    assert stored == draft


def test_draft_from_a_json_body(store: Storage) -> None:
    (ruleset,) = load_paths([FISHING])
    body = json.dumps(document_to_store(ruleset))
    draft = services.create_draft(store, body, "author-1")
    assert (draft.status, draft.content_hash) == ("draft", ruleset_hash(ruleset))
    published = services.publish(store, "fishing-licence", "2024-01-01", "publisher-1")
    assert published.status == "published"  # the fixture's three scenarios pass


def test_invalid_draft_reports_every_problem_with_position(fishing_store: Storage) -> None:
    bad = NEXT_YEAR + "rules:\n  quick: {when: age > 1}\n"
    bad += 'questions:\n  pets: {type: animal, label: {en: "Any pets?"}}\n'
    with pytest.raises(RuleSetError) as error:
        services.create_draft(fishing_store, bad, "author-1")
    paths = {p.path for p in error.value.problems}
    assert {"questions.pets.type", "rules.quick.legal_reference"} <= paths
    assert all(p.line for p in error.value.problems)


def test_draft_with_a_wrong_expression_is_refused(fishing_store: Storage) -> None:
    bad = NEXT_YEAR + "derived:\n  doubled: {value: incme * 2}\n"
    with pytest.raises(RuleSetError, match="did you mean 'income'"):
        services.create_draft(fishing_store, bad, "author-1")


def test_drafts_are_not_selected_until_published(fishing_store: Storage) -> None:
    services.create_draft(fishing_store, NEXT_YEAR, "author-1")
    catalogue = Catalogue(StoredSource(fishing_store))
    with pytest.raises(NoVersionApplies):
        catalogue.covering("fishing-licence", dt.date(2025, 3, 1))
    with pytest.raises(VersionNotFound, match="no version '2025-01-01'"):
        catalogue.version("fishing-licence", "2025-01-01")
    assert catalogue.version("fishing-licence", "2025-01-01", drafts=True).ruleset.status == "draft"
    published = services.publish(fishing_store, "fishing-licence", "2025-01-01", "publisher-1")
    assert (published.status, published.published_by) == ("published", "publisher-1")
    chosen = catalogue.covering("fishing-licence", dt.date(2025, 3, 1))
    assert chosen.ruleset.version == "2025-01-01"
    older = catalogue.covering("fishing-licence", dt.date(2024, 3, 1))
    assert older.ruleset.version == "2024-01-01"


def test_published_versions_are_immutable(fishing_store: Storage) -> None:
    services.create_draft(fishing_store, NEXT_YEAR, "author-1")
    services.publish(fishing_store, "fishing-licence", "2025-01-01", "publisher-1")
    with pytest.raises(ImmutableVersion, match="published"):
        services.create_draft(fishing_store, NEXT_YEAR.replace("1000.00", "900.00"), "author-1")
    assert services.publish(fishing_store, "fishing-licence", "2025-01-01", "x").published_by == (
        "publisher-1"
    )


def test_publish_refuses_failing_scenarios(fishing_store: Storage) -> None:
    wrong = NEXT_YEAR.replace("expect: {eligible: false}", "expect: {eligible: true}")
    services.create_draft(fishing_store, wrong, "author-1")
    with pytest.raises(ScenariosFailed) as refused:
        services.publish(fishing_store, "fishing-licence", "2025-01-01", "publisher-1")
    assert refused.value.failures[0].name == "an income of 1100 no longer qualifies"
    assert services.get_version(fishing_store, "fishing-licence", "2025-01-01").status == "draft"


def test_publish_refuses_an_overlapping_window(fishing_store: Storage) -> None:
    overlapping = NEXT_YEAR.replace("effective_from: 2025-01-01", "effective_from: 2024-06-01")
    services.create_draft(fishing_store, overlapping, "author-1")
    with pytest.raises(RuleSetError, match="overlaps"):
        services.publish(fishing_store, "fishing-licence", "2025-01-01", "publisher-1")


def test_retire_stops_selection_and_is_final(fishing_store: Storage) -> None:
    retired = services.retire(fishing_store, "fishing-licence", "2024-01-01", "publisher-1")
    assert (retired.status, retired.retired_by) == ("retired", "publisher-1")
    with pytest.raises(NoVersionApplies):
        Catalogue(StoredSource(fishing_store)).covering("fishing-licence", dt.date(2024, 3, 1))
    with pytest.raises(Conflict):
        services.publish(fishing_store, "fishing-licence", "2024-01-01", "publisher-1")


def test_cli_publish_and_retire(migrated_url: str, store: Storage) -> None:
    runner = CliRunner()
    url = ["--database-url", migrated_url]
    published = runner.invoke(main, ["rules", "publish", str(FISHING), *url])
    assert published.exit_code == 0, published.output
    assert published.output.startswith("published fishing-licence 2024-01-01")
    again = runner.invoke(main, ["rules", "publish", str(FISHING), *url])
    assert again.exit_code == 0, again.output
    assert again.output.startswith("already published fishing-licence 2024-01-01")
    assert "unchanged; published on " in again.output and "by cli" in again.output
    retired = runner.invoke(main, ["rules", "retire", "fishing-licence", "2024-01-01", *url])
    assert retired.exit_code == 0, retired.output
    assert services.get_version(store, "fishing-licence", "2024-01-01").status == "retired"
    missing = runner.invoke(main, ["rules", "retire", "fishing-licence", "1999-01-01", *url])
    assert missing.exit_code == 2 and "no version '1999-01-01'" in missing.output


def test_processes_starting_together_sync_once(migrated_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from eligibility.storage.sql import SqlStorage
    from eligibility.storage.testing import FUNCTIONAL_DEADLINES

    def start() -> tuple[str, ...]:
        own = SqlStorage(migrated_url, settings=FUNCTIONAL_DEADLINES)
        try:
            return services.sync_rule_files(own, [FISHING]).added
        finally:
            own.close()

    with ThreadPoolExecutor(4) as pool:
        added = [a for result in pool.map(lambda _: start(), range(4)) for a in result]
    assert added == ["fishing-licence 2024-01-01"]


def test_sync_refuses_overlapping_files_and_stores_nothing(store: Storage, tmp_path: Path) -> None:
    folder = tmp_path / "fishing-licence"
    shutil.copytree(FISHING, folder)
    text = (folder / "2024-01-01.yaml").read_text()
    overlapping = text.replace('version: "2024-01-01"', 'version: "2024-06-01"')
    overlapping = overlapping.replace("effective_from: 2024-01-01", "effective_from: 2024-06-01")
    (folder / "2024-06-01.yaml").write_text(overlapping)
    with pytest.raises(RuleSetError, match="overlaps published version"):
        services.sync_rule_files(store, [folder])
    assert store.versions.list() == []


def test_sync_can_skip_broken_files_and_name_them(store: Storage, tmp_path: Path) -> None:
    folder = tmp_path / "fishing-licence"
    shutil.copytree(FISHING, folder)
    (folder / "2025-01-01.yaml").write_text(NEXT_YEAR.replace("1000.00", "[1000"))
    with pytest.raises(RuleSetError):  # by default one broken file stops the sync
        services.sync_rule_files(store, [folder])
    assert store.versions.list() == []
    report = services.sync_rule_files(store, [folder], skip_broken=True)
    assert report.added == ("fishing-licence 2024-01-01",)
    (problem,) = report.problems
    assert problem.file == str(folder / "2025-01-01.yaml") and problem.line is not None
    file = folder / "2024-01-01.yaml"
    file.write_text(file.read_text().replace("value: 1200.00", "value: 1300.00"))
    again = services.sync_rule_files(store, [folder], skip_broken=True)
    assert not again.added and not again.unchanged
    assert {p.file for p in again.problems} == {str(file), str(folder / "2025-01-01.yaml")}
    changed = next(p for p in again.problems if p.file == str(file))
    assert changed.message.startswith("fishing-licence 2024-01-01 is published with content hash")


def test_a_published_file_may_not_extend_a_draft_file(store: Storage, tmp_path: Path) -> None:
    folder = tmp_path / "fishing-licence"
    shutil.copytree(FISHING, folder)
    parent = folder / "2024-01-01.yaml"
    parent.write_text(parent.read_text().replace("status: published", "status: draft"))
    child = NEXT_YEAR.replace('effective_from: "2025-01-01"', "effective_from: 2025-01-01")
    (folder / "2025-01-01.yaml").write_text(child + "status: published\n")
    report = services.sync_rule_files(store, [folder], skip_broken=True)
    assert report.added == ("fishing-licence 2024-01-01",)
    (problem,) = report.problems
    assert problem.file == str(folder / "2025-01-01.yaml") and problem.path == "extends"
    assert "extends 2024-01-01, which is still a draft" in problem.message
    assert problem.line is not None
