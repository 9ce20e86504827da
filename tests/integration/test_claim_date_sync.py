"""Rule files that declare `dated_by` later: a stored published version gains it on sync."""

from __future__ import annotations

from pathlib import Path

from eligibility import Catalogue
from eligibility.catalogue import StoredSource
from eligibility.services import sync_rule_files
from eligibility.storage import memory_storage


def test_a_published_version_stored_before_gains_its_dating_on_sync(tmp_path: Path) -> None:
    source = Path(__file__).resolve().parents[2] / "rules" / "kurzarbeitergeld"
    tmp_path = tmp_path / "kurzarbeitergeld"
    tmp_path.mkdir()
    for name in ("2016-01-01.yaml", "2020-03-01.yaml"):
        (tmp_path / name).write_text((source / name).read_text(encoding="utf-8"), "utf-8")
    baseline = tmp_path / "2016-01-01.yaml"
    text = baseline.read_text(encoding="utf-8")
    baseline.write_text(text.replace("dated_by:", "# dated_by:"), "utf-8")
    store = memory_storage()
    sync_rule_files(store, sorted(tmp_path.glob("*.yaml")))
    before = store.versions.get("kurzarbeitergeld", "2020-03-01")
    assert before is not None and "dated_by" not in before.content
    baseline.write_text(text, "utf-8")
    report = sync_rule_files(store, sorted(tmp_path.glob("*.yaml")))
    assert sorted(report.updated) == ["kurzarbeitergeld 2016-01-01", "kurzarbeitergeld 2020-03-01"]
    after = store.versions.get("kurzarbeitergeld", "2020-03-01")
    assert after is not None and after.content_hash == before.content_hash
    assert after.integrity_problem() is None and after.status == "published"
    stored = Catalogue(StoredSource(store))
    assert stored.resolve("kurzarbeitergeld", answers={"claim_month": "2020-04-01"}).dated_by
