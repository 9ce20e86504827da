"""Publishing tied to review: exactly the reviewed content hash, and maker-checker."""

from __future__ import annotations

from pathlib import Path

import pytest

from eligibility import services
from eligibility.errors import PreconditionFailed, SameAuthorAndPublisher
from eligibility.evaluation import EngineName
from eligibility.model import Status
from eligibility.records import StoredVersion
from eligibility.storage.memory import MemoryStorage

FISHING = Path(__file__).resolve().parents[1] / "fixtures" / "fishing-licence"
NEXT = {
    "ruleset": "fishing-licence",
    "version": "2025-01-01",
    "extends": "2024-01-01",
    "effective_from": "2025-01-01",
    "parameters": {"income_limit": {"value": "1000.00", "legal_reference": "§ 12 (2) new"}},
}
OTHER = {**NEXT, "parameters": {"income_limit": {"value": "950.00", "legal_reference": "§ 12"}}}


@pytest.fixture
def store() -> MemoryStorage:
    storage = MemoryStorage()
    services.sync_rule_files(storage, [FISHING])
    return storage


def test_only_the_reviewed_content_is_published(store: MemoryStorage) -> None:
    reviewed = services.create_draft(store, NEXT, "author").content_hash
    resent = services.create_draft(store, OTHER, "author").content_hash
    with pytest.raises(PreconditionFailed) as stale:
        services.publish(store, "fishing-licence", "2025-01-01", "p", reviewed_hash=reviewed)
    assert (stale.value.expected, stale.value.current) == (reviewed, resent)
    assert services.get_version(store, "fishing-licence", "2025-01-01").status == "draft"
    done = services.publish(store, "fishing-licence", "2025-01-01", "p", reviewed_hash=resent)
    assert done.status == "published" and done.content_hash == resent


@pytest.mark.parametrize("engine", ["pure", "durable"])
def test_the_scenarios_run_on_the_engine_set(
    store: MemoryStorage, durable_decided: list[str], engine: EngineName
) -> None:
    decided = durable_decided
    senior = {"name": "senior", "answers": {"age": 70, "resident": True}}
    senior["expect"] = {"eligible": True}
    services.create_draft(store, {**NEXT, "scenarios": [senior]}, "author")
    assert services.publish(store, "fishing-licence", "2025-01-01", "p", engine=engine).status
    assert bool(decided) is (engine == "durable")


class RacingVersions:
    """Versions whose draft is sent again just before the publication is written."""

    def __init__(self, store: MemoryStorage) -> None:
        self.store, self.inner = store, store.versions

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def replace(
        self, version: StoredVersion, expected_status: Status, expected_hash: str | None = None
    ) -> None:
        if version.status == "published":
            self.store.versions = self.inner  # type: ignore[assignment]
            services.create_draft(self.store, OTHER, "author")
        self.inner.replace(version, expected_status, expected_hash)


def test_a_draft_sent_while_publishing_is_not_published(store: MemoryStorage) -> None:
    reviewed = services.create_draft(store, NEXT, "author").content_hash
    store.versions = RacingVersions(store)  # type: ignore[assignment]
    with pytest.raises(PreconditionFailed):
        services.publish(store, "fishing-licence", "2025-01-01", "p", reviewed_hash=reviewed)
    stored = services.get_version(store, "fishing-licence", "2025-01-01")
    assert stored.status == "draft" and stored.content_hash != reviewed


def test_maker_checker_compares_people_by_key_name(store: MemoryStorage) -> None:
    _, author = services.create_key(store, "author", "Alice")
    _, same = services.create_key(store, "publisher", "alice")
    _, other = services.create_key(store, "publisher", "Bob")
    services.create_draft(store, NEXT, f"key:{author.id}")
    with pytest.raises(SameAuthorAndPublisher, match="another person"):
        services.publish(
            store, "fishing-licence", "2025-01-01", f"key:{same.id}", maker_checker=True
        )
    published = services.publish(
        store, "fishing-licence", "2025-01-01", f"key:{other.id}", maker_checker=True
    )
    assert published.published_by == f"key:{other.id}"
