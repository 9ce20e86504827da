"""Corrections in the catalogue: which version governs a window, as known at which moment."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from eligibility import Catalogue, RuleSetError
from eligibility.canonical import ruleset_hash, to_document
from eligibility.catalogue.windows import covering, refuse_overlap

from .support import document, load

JUNE = dt.date(2024, 6, 1)
NOON = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)


def version(
    number: str, supersedes: str | None = None, end: str = "2024-12-31", **more: Any
) -> Any:
    data = document(version=number, effective_from="2024-01-01", effective_to=end, **more)
    if supersedes is not None:
        data.update(supersedes=supersedes, correction_reason={"en": "a mistake"})
    return load(data)


def published(ruleset: Any, at: dt.datetime) -> Any:
    return dataclasses.replace(ruleset, published_at=at)


def test_a_correction_replaces_the_version_it_supersedes() -> None:
    versions = [version("1"), version("1-c1", "1"), version("1-c2", "1-c1")]
    assert covering(versions, JUNE).version == "1-c2"  # type: ignore[union-attr]
    assert Catalogue.of(versions).resolve("unit", as_of=JUNE).compiled.ruleset.version == "1-c2"


def test_a_correction_governs_from_its_publication_on() -> None:
    original = published(version("1"), NOON - dt.timedelta(days=300))
    correction = published(version("1-c1", "1"), NOON)
    versions = [original, correction]
    assert covering(versions, JUNE, NOON - dt.timedelta(seconds=1)) is original
    assert covering(versions, JUNE, NOON) is correction
    assert covering(versions, JUNE) is correction  # known now


def test_a_correction_and_its_version_share_a_window_but_siblings_do_not() -> None:
    original, correction = version("1"), version("1-c1", "1")
    refuse_overlap(correction, [original], None)
    refuse_overlap(original, [correction], None)
    with pytest.raises(RuleSetError):
        refuse_overlap(version("1-c2", "1"), [original, correction], None)


def test_rule_files_name_a_correction_that_changes_the_window() -> None:
    with pytest.raises(RuleSetError) as caught:
        Catalogue.of([version("1"), version("1-c1", "1", end="2024-11-30")])
    assert "the window of the version it supersedes" in str(caught.value)
    with pytest.raises(RuleSetError) as caught:
        Catalogue.of([version("1"), version("1-c1", "2", status="draft")])
    assert "no version '2' of 'unit' to supersede" in str(caught.value)


def test_a_correction_states_its_reason_and_other_versions_keep_their_hash() -> None:
    with pytest.raises(RuleSetError) as caught:
        load(document(version="1-c1", supersedes="1"))
    assert "a correction states its reason" in str(caught.value)
    plain = to_document(version("1"))  # what is hashed: nothing new for other versions
    assert "supersedes" not in plain and "correction_reason" not in plain
    assert ruleset_hash(version("1")) != ruleset_hash(version("1-c1", "1"))
