"""Every scenario of the one-employee Kurzarbeitergeld versions has a counterpart in the employer's
claim for the same period (issue 11 § 1), and the two agree.

COUNTERPARTS (kug_employer_claim_counterparts.yaml) maps, per period, each scenario of
rules/kurzarbeitergeld (the published version and its correction `.1`) to the scenario of
rules/kurzarbeitergeld-abrechnung that shows the same case for a list of employees, and to the
employee on that list who is "this employee" (None where the case is the establishment's: the
cause, the notification, the order of the questions, a refusal, the benefit period). A case the
employer claim does not model would have no scenario but a stated `gap` (none is left: the benefit
period of the 3. and 4. KugBeV and § 104, which the one-employee corrections of 2025 and 2026
follow, has its counterparts since the employer claim follows it too). Where an
employee is named, the employer claim must give that employee an allowance exactly when the
one-employee scenario is eligible, at the same rate. Amounts are not compared: the employer claim
rounds each product (the agency's table), the one-employee versions the difference, which can
differ by a cent (scenarios in both pin their own amounts).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from eligibility import Catalogue, evaluate, load_paths
from eligibility.model import RuleSet, Scenario

RULES = Path(__file__).resolve().parents[2] / "rules"
Counterpart = tuple[str | None, str | None]


def _counterpart(entry: dict[str, Any]) -> Counterpart:
    """The scenario and employee of one entry; an entry without a scenario must state its gap."""
    if entry.get("scenario") is None:
        assert str(entry.get("gap", "")).strip(), entry  # a missing counterpart says why
    return entry.get("scenario"), entry.get("employee")


def _counterparts() -> dict[str, dict[str, Counterpart]]:
    """The mapping, kept as data beside this file (names are long; reviewers read them there)."""
    data = yaml.safe_load(
        (Path(__file__).with_name("kug_employer_claim_counterparts.yaml")).read_text()
    )
    return {
        str(period): {name: _counterpart(entry) for name, entry in items.items()}
        for period, items in data.items()
    }


COUNTERPARTS = _counterparts()


@pytest.fixture(scope="module")
def versions() -> dict[tuple[str, str], RuleSet]:
    found = load_paths([RULES / "kurzarbeitergeld", RULES / "kurzarbeitergeld-abrechnung"])
    return {(r.id, r.version): r for r in found}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.of(load_paths([RULES / "kurzarbeitergeld-abrechnung"]))


def one_employee_scenarios(
    versions: dict[tuple[str, str], RuleSet], period: str
) -> dict[str, Scenario]:
    """The scenarios of the published version and of its correction, by name."""
    found: dict[str, Scenario] = {}
    for version in (period, f"{period}.1"):
        found.update({s.name: s for s in versions[("kurzarbeitergeld", version)].scenarios})
    return found


def test_every_period_is_mapped(versions: dict[tuple[str, str], RuleSet]) -> None:
    periods = {v for (rid, v) in versions if rid == "kurzarbeitergeld-abrechnung"}
    assert periods == set(COUNTERPARTS)


@pytest.mark.parametrize("period", sorted(COUNTERPARTS))
def test_every_one_employee_scenario_has_a_counterpart(
    versions: dict[tuple[str, str], RuleSet], period: str
) -> None:
    theirs = one_employee_scenarios(versions, period)
    ours = {s.name for s in versions[("kurzarbeitergeld-abrechnung", period)].scenarios}
    assert sorted(set(theirs) - set(COUNTERPARTS[period])) == []  # a new one needs its counterpart
    assert sorted(set(COUNTERPARTS[period]) - set(theirs)) == []  # a mapping of a removed one
    missing = {
        name: target
        for name, (target, _) in COUNTERPARTS[period].items()
        if target is not None and target not in ours
    }
    assert missing == {}


def _employee_outcome(catalogue: Catalogue, period: str, scenario: Scenario, iid: str) -> Any:
    compiled = catalogue.version("kurzarbeitergeld-abrechnung", period, drafts=True)
    as_of = scenario.as_of or compiled.ruleset.effective_from
    result = evaluate(compiled, dict(scenario.answers), as_of=as_of, today=dt.date(2027, 1, 31))
    return next(i for i in result.instances["employees"] if i.id == iid).goals


@pytest.mark.parametrize("period", sorted(COUNTERPARTS))
def test_counterparts_agree_on_the_employee(
    versions: dict[tuple[str, str], RuleSet], catalogue: Catalogue, period: str
) -> None:
    theirs = one_employee_scenarios(versions, period)
    ours = {s.name: s for s in versions[("kurzarbeitergeld-abrechnung", period)].scenarios}
    checked = 0
    for name, (target, iid) in COUNTERPARTS[period].items():
        one = theirs[name]
        if target is None or iid is None:
            continue
        if one.expect_refused is not None or one.expect.get("eligible") is None:
            continue
        goals = _employee_outcome(catalogue, period, ours[target], iid)
        rate = goals["benefit_rate"]
        assert rate.decided, (name, target)
        assert (rate.value != 0) is one.expect["eligible"], (name, target, rate.value)
        if one.expect.get("benefit_rate") is not None and one.expect["eligible"]:
            assert rate.value == Decimal(str(one.expect["benefit_rate"])), (name, target)
        checked += 1
    assert checked >= 3
