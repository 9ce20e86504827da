"""Versions by id and by date, scenarios, diffs, canonical form and hash, texts and values."""

from __future__ import annotations

import datetime as dt
import importlib
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest

from eligibility import Catalogue, RuleSetError, RuleSetNotFound, VersionNotFound
from eligibility.canonical import ruleset_hash, to_document
from eligibility.catalogue import CachingSource, CompileCache, FileSource
from eligibility.diff import diff_versions
from eligibility.errors import NoVersionApplies, StorageUnavailable
from eligibility.expressions.values import UNKNOWN, Failure
from eligibility.model import localize
from eligibility.scenarios import run_scenario, run_scenarios
from eligibility.texts import default_why, format_value, render
from eligibility.values_io import (
    ConversionError,
    canonical_json,
    content_hash,
    describe_value,
    infer_type,
    to_plain,
    to_typed,
)

from .support import build, document, load


def version(number: str, start: str, end: str | None = None, **parts: Any) -> Any:
    data = document(version=number, effective_from=start, **parts)
    if end:
        data["effective_to"] = end
    return load(data)


# ------------------------------------------------------------------------------ catalogue


def test_selection_by_date_and_by_id() -> None:
    catalogue = Catalogue.of(
        [
            version("2020", "2020-01-01", "2020-12-31"),
            version("2021", "2021-01-01"),
            version("draft", "2022-01-01", status="draft"),
        ]
    )
    assert catalogue.ids() == ["unit"]
    seen = [v.ruleset.version for v in catalogue.ruleset("unit", drafts=True).versions]
    assert seen == ["2020", "2021", "draft"]
    assert [v.ruleset.version for v in catalogue.ruleset("unit").versions] == ["2020", "2021"]
    assert catalogue.covering("unit", dt.date(2020, 6, 1)).ruleset.version == "2020"
    assert catalogue.covering("unit", dt.date(2020, 12, 31)).ruleset.version == "2020"
    assert catalogue.covering("unit", dt.date(2023, 1, 1)).ruleset.version == "2021"  # no draft
    assert catalogue.version("unit", "draft", drafts=True).ruleset.status == "draft"
    with pytest.raises(VersionNotFound, match="rule set 'unit' has no version 'draft'"):
        catalogue.version("unit", "draft")  # hidden from callers who may not see drafts
    with pytest.raises(NoVersionApplies, match="no published version of 'unit' applies on 2019"):
        catalogue.covering("unit", dt.date(2019, 12, 31))
    with pytest.raises(VersionNotFound, match="rule set 'unit' has no version '2030'"):
        catalogue.version("unit", "2030", drafts=True)
    with pytest.raises(RuleSetNotFound, match="no rule set 'unti'; did you mean 'unit'?"):
        catalogue.covering("unti", dt.date(2020, 1, 1))
    with pytest.raises(RuleSetNotFound, match="^no rule set 'xyz'$"):
        catalogue.ruleset("xyz")


def test_resolve_knows_today_and_dates_a_named_version_by_its_first_day() -> None:
    catalogue = Catalogue(
        FileSource([version("2020", "2020-01-01", "2020-12-31"), version("2021", "2021-01-01")]),
        today=lambda: dt.date(2021, 5, 1),
    )
    today = catalogue.resolve("unit")
    assert (today.compiled.ruleset.version, today.as_of) == ("2021", dt.date(2021, 5, 1))
    dated = catalogue.resolve("unit", as_of=dt.date(2020, 2, 1))
    assert (dated.compiled.ruleset.version, dated.as_of) == ("2020", dt.date(2020, 2, 1))
    named = catalogue.resolve("unit", "2020")
    assert (named.compiled.ruleset.version, named.as_of) == ("2020", dt.date(2020, 1, 1))
    both = catalogue.resolve("unit", "2020", dt.date(2020, 7, 1))
    assert both.as_of == dt.date(2020, 7, 1)


class CountingSource(FileSource):
    """A file source that counts how often the catalogue asks it."""

    calls = 0

    def get(self, ruleset_id: str, version: str) -> Any:
        self.calls += 1
        return super().get(ruleset_id, version)

    def covering(self, ruleset_id: str, day: dt.date) -> Any:
        self.calls += 1
        return super().covering(ruleset_id, day)


def test_published_versions_are_remembered_by_name_and_by_date_drafts_never() -> None:
    source = CountingSource(
        [version("2020", "2020-01-01"), version("draft", "2030-01-01", status="draft")]
    )
    catalogue = Catalogue(source, cache_seconds=60)
    for _ in range(3):
        catalogue.resolve("unit", "2020")
        catalogue.resolve("unit", as_of=dt.date(2020, 3, 1))
    assert source.calls == 2
    for _ in range(3):
        catalogue.resolve("unit", "draft", drafts=True)
    assert source.calls == 5
    catalogue.forget()
    catalogue.resolve("unit", "2020")
    assert source.calls == 6


def test_the_caching_source_wraps_any_source_and_remembers_only_what_was_found() -> None:
    inner = CountingSource([version("2020", "2020-01-01")])
    cached = CachingSource(inner, seconds=60)
    assert cached.get("unit", "2020") is cached.get("unit", "2020")
    assert cached.covering("unit", dt.date(2020, 3, 1)) is cached.get("unit", "2020")
    assert inner.calls == 2
    assert cached.get("unit", "nope") is None and cached.get("unit", "nope") is None
    assert inner.calls == 4  # a version not found is asked for again: it may be published
    assert isinstance(Catalogue(inner).source, CachingSource)


class FailingSource(CountingSource):
    """A source whose storage goes away once `down` is set."""

    down = False

    def get(self, ruleset_id: str, version: str) -> Any:
        if self.down:
            raise StorageUnavailable("the database is unavailable")
        return super().get(ruleset_id, version)

    def covering(self, ruleset_id: str, day: dt.date) -> Any:
        if self.down:
            raise StorageUnavailable("the database is unavailable")
        return super().covering(ruleset_id, day)


def test_remembered_versions_serve_past_their_delay_while_storage_is_away() -> None:
    source = FailingSource([version("2020", "2020-01-01")])
    catalogue = Catalogue(source, cache_seconds=0.01)
    found = catalogue.resolve("unit", as_of=dt.date(2020, 3, 1)).compiled
    assert catalogue.resolve("unit", "2020").compiled is found
    source.down = True
    time.sleep(0.02)
    assert catalogue.resolve("unit", as_of=dt.date(2020, 3, 1)).compiled is found
    assert catalogue.resolve("unit", "2020").compiled is found
    with pytest.raises(StorageUnavailable):  # never found: nothing to fall back on
        catalogue.resolve("unit", as_of=dt.date(2020, 6, 1))


def test_published_windows_may_not_overlap() -> None:
    source = FileSource([version("2020", "2020-01-01", "2020-12-31")])
    with pytest.raises(RuleSetError, match="overlaps published version '2020'"):
        source.add(version("2020b", "2020-06-01"))
    source.add(version("2020c", "2020-06-01", status="draft"))  # drafts may
    source.add(version("2020", "2020-01-01", "2020-12-31", title="Same id, new title"))
    assert Catalogue(source).version("unit", "2020").ruleset.title == {"*": "Same id, new title"}


def test_the_compile_cache_is_bounded_and_shares_by_content() -> None:
    cache = CompileCache(capacity=2)
    first = cache.ruleset(version("1", "2020-01-01"))
    again = cache.ruleset(version("1", "2020-01-01"))
    assert again.named is first.named  # the same content compiles once
    cache.ruleset(version("2", "2021-01-01"))
    cache.ruleset(version("3", "2022-01-01"))
    assert len(cache) == 2
    assert cache.ruleset(version("1", "2020-01-01")).named is not first.named  # evicted


def test_threads_asking_for_one_content_at_once_compile_it_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = importlib.import_module("eligibility.catalogue.compile_cache")

    calls: list[str] = []
    real = module.compile_ruleset

    def slow(ruleset: Any) -> Any:
        calls.append(ruleset.version)
        time.sleep(0.2)  # long enough for every thread to ask meanwhile
        return real(ruleset)

    monkeypatch.setattr(module, "compile_ruleset", slow)
    cache = CompileCache()
    wanted = version("1", "2020-01-01")
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: cache.ruleset(wanted), range(8)))
    assert calls == ["1"]
    assert len({id(r.named) for r in results}) == 1


# ------------------------------------------------------------------------------ scenarios


def test_scenario_answers_and_expectations_are_checked_when_the_version_loads() -> None:
    with pytest.raises(RuleSetError) as caught:
        build(
            goals={
                "eligible": {"type": "boolean", "value": "adult and resident"},
                "amount": {"type": "decimal", "value": "if eligible then 12.50 else 0"},
            },
            scenarios=[
                {"name": "bad", "answers": {"age": 20}, "expect": {"amount": "x"}},
                {"name": "refused", "answers": {"age": -1, "resident": "unknown"}, "expect": {}},
            ],
        )
    assert [(p.path, p.message) for p in caught.value.problems] == [
        (
            "scenarios[0].expect.amount",
            'the expected value does not fit the goal: expected an amount such as "412.50", '
            "got 'x'",
        ),
        (
            "scenarios[1].answers.age",
            "the answer does not fit question 'age': expected a whole number of at least 0, "
            "got -1",
        ),
        (
            "scenarios[1].answers.resident",
            "'resident' does not accept \"unknown\" (allow_unknown is not set): give an answer, "
            "or leave the question out",
        ),
    ]


def test_scenarios_compare_goal_by_goal() -> None:
    compiled = build(
        goals={
            "eligible": {"type": "boolean", "value": "adult and resident"},
            "amount": {"type": "decimal", "value": "if eligible then 12.50 else 0"},
        },
        scenarios=[
            {
                "name": "passes",
                "answers": {"age": 20, "resident": True},
                "expect": {"amount": "12.5"},
            },
            {
                "name": "wrong",
                "answers": {"age": 20, "resident": True},
                "expect": {"eligible": False},
            },
            {"name": "open", "answers": {"age": 20}, "expect": {"eligible": None, "amount": "0"}},
            {"name": "decided", "answers": {"age": 10}, "expect": {"eligible": None}},
            {"name": "next", "answers": {}, "expect": {}, "expect_next": ["resident"]},
        ],
    )
    results = {r.name: r for r in run_scenarios(compiled, compiled.ruleset, "pure")}
    assert results["passes"].passed and results["passes"].evaluation is not None
    assert [(m.what, m.expected, m.actual) for m in results["wrong"].mismatches] == [
        ("eligible", False, True)
    ]
    assert [(m.what, m.expected, m.actual) for m in results["open"].mismatches] == [
        ("amount", "0", "undecided")
    ]
    assert [(m.what, m.expected, m.actual) for m in results["decided"].mismatches] == [
        ("eligible", "undecided", False)
    ]
    (nxt,) = results["next"].mismatches
    assert (nxt.what, nxt.expected, nxt.actual) == (
        "next questions",
        ["resident"],
        ["age", "resident"],
    )
    scenario = compiled.ruleset.scenarios[0]
    assert run_scenario(compiled, compiled.ruleset, scenario).passed  # durable by default


def test_scenario_as_of() -> None:
    compiled = build(
        rules={
            "adult": {"when": 'age >= 18 and as_of >= date("2024-06-01")', "legal_reference": "§"}
        },
        scenarios=[
            {
                "name": "later",
                "as_of": "2024-07-01",
                "answers": {"age": 20, "resident": True},
                "expect": {"eligible": True},
            }
        ],
    )
    (result,) = run_scenarios(compiled, compiled.ruleset)
    assert result.passed


# ------------------------------------------------------------------------------ diff


def test_diff_of_two_versions() -> None:
    old = version("1", "2024-01-01", parameters={"limit": {"value": 10}})
    new = version(
        "2",
        "2025-01-01",
        parameters={"limit": {"value": 12}},
        questions={
            "age": document()["questions"]["age"],
            "county": {"type": "string", "label": "?"},
        },
        goals={
            "eligible": {"type": "boolean", "value": 'adult and county = "N"', "label": "Eligible"}
        },
    )
    changes = {(c.part, c.id, c.kind): c.fields for c in diff_versions(old, new)}
    assert changes[("parameters", "limit", "changed")] == {"value": (10, 12)}
    assert ("questions", "resident", "removed") in changes
    assert ("questions", "county", "added") in changes
    assert changes[("goals", "eligible", "changed")] == {
        "value": ("adult and resident", 'adult and county = "N"')
    }
    assert changes[("version", "effective_from", "changed")] == {
        "effective_from": ("2024-01-01", "2025-01-01")
    }
    assert diff_versions(old, old) == []


# ------------------------------------------------------------------------------ canonical form


def test_canonical_document_and_hash() -> None:
    ruleset = load(
        document(
            parameters={
                "limit": {
                    "value": Decimal("1200.00"),
                    "legal_reference": "§ 1",
                    "description": "L",
                },
                "fee": {"table": {1: 40}, "each_additional": -5, "default": 50},
            },
            scenarios=[{"name": "x", "answers": {}, "expect": {}}],
        )
    )
    doc = to_document(ruleset)
    assert doc["parameters"]["limit"] == {
        "type": "decimal",
        "value": "1200.00",
        "legal_reference": "§ 1",
        "description": {"*": "L"},
    }
    assert doc["parameters"]["fee"]["table"] == {"1": 40}
    assert doc["parameters"]["fee"]["each_additional"] == -5
    assert "scenarios" not in doc and "status" not in doc
    assert to_document(ruleset, with_scenarios=True)["scenarios"] == [
        {"name": "x", "answers": {}, "expect": {}}
    ]
    assert ruleset_hash(ruleset) == content_hash(doc)
    # scenarios and status are not part of the content
    again = load(document(status="draft", parameters=ruleset.document["parameters"]))
    assert ruleset_hash(again) == ruleset_hash(ruleset)


# ------------------------------------------------------------------------------ texts, values


def test_localize() -> None:
    text = {"en": "Hello", "de": "Hallo"}
    assert localize(text, "de-AT", "en") == "Hallo"
    assert localize(text, "fr", "en") == "Hello"
    assert localize({"*": "Hi"}, "fr", "en") == "Hi"
    assert localize({"es": "Hola"}, "fr", "en") == "Hola"
    assert localize({}, "en", "en") is None


def test_render_and_format_values() -> None:
    env = {"n": 3, "amount": Decimal("1234.5"), "flag": True, "day": dt.date(2020, 3, 1)}
    text = {"en": "{n} · {amount} · {flag} · {day} · {missing}", "de": "{amount} · {flag}"}
    assert render(text, "en", "en", env) == "3 · 1,234.50 · yes · 2020-03-01 · ?"
    assert render(text, "de", "en", env) == "1.234,50 · ja"
    assert render(None, "en", "en", env) is None
    assert format_value(Decimal("1200.00"), "en") == "1,200"
    assert format_value(UNKNOWN, "en") == "?" and format_value(Failure("x"), "en") == "?"
    assert format_value(False, "fr") == "non"
    assert format_value("x", "en") == "x"
    assert default_why("§ 1", "es") == "Lo preguntamos porque § 1 lo exige."
    assert default_why("§ 1", "xx") == "We ask this because § 1 requires it."


@pytest.mark.parametrize(
    ("value", "type_name", "expected"),
    [
        (True, "boolean", True),
        ("12", "integer", 12),
        (Decimal("12.0"), "integer", 12),
        ("-3", "integer", -3),
        ("412.50", "decimal", Decimal("412.50")),
        (" 1.5 ", "decimal", Decimal("1.5")),
        (7, "decimal", Decimal(7)),
        ("x", "string", "x"),
        ("2020-03-01", "date", dt.date(2020, 3, 1)),
        (dt.date(2020, 3, 1), "date", dt.date(2020, 3, 1)),
    ],
)
def test_to_typed(value: Any, type_name: str, expected: Any) -> None:
    result = to_typed(value, type_name)
    assert result == expected and type(result) is type(expected)


@pytest.mark.parametrize(
    ("value", "type_name"),
    [
        ("true", "boolean"),
        (1, "boolean"),
        (True, "integer"),
        (Decimal("1.5"), "integer"),
        ("1.0", "integer"),
        (0.1, "decimal"),
        (True, "decimal"),
        ("1e3", "decimal"),
        ("NaN", "decimal"),
        (1, "string"),
        ("2020-02-30", "date"),
        (dt.datetime(2020, 1, 1), "date"),
        (20200101, "date"),
    ],
)
def test_to_typed_refuses(value: Any, type_name: str) -> None:
    with pytest.raises(ConversionError):
        to_typed(value, type_name)


def test_plain_values_and_hashes() -> None:
    assert to_plain({1: (Decimal("1.50"), dt.date(2020, 1, 1)), "a": [True, None]}) == {
        "1": ["1.50", "2020-01-01"],
        "a": [True, None],
    }
    assert canonical_json({"b": 1, "a": Decimal("0.10")}) == '{"a":"0.10","b":1}'
    assert content_hash({"a": 1}) == content_hash({"a": 1})
    assert content_hash({"a": 1}) != content_hash({"a": 2})
    assert [infer_type(v) for v in (True, 1, Decimal(1), dt.date(2020, 1, 1), "x", None)] == [
        "boolean",
        "integer",
        "decimal",
        "date",
        "string",
        None,
    ]
    assert [describe_value(v) for v in ("x", True, False, 3)] == ["'x'", "true", "false", "3"]
