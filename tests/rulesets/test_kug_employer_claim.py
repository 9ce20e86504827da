"""The employer's monthly Kurzarbeitergeld claim (rules/kurzarbeitergeld-abrechnung), issue 11.

Reasons cite only the law in force in the claim month: § 421c Abs. 2 SGB III (the raised rates,
Sozialschutz-Paket II, in force 29 May 2020, ended 30 June 2022) is never a reason for a claim
month without raised rates, and is one where the raised rates decide an employee's rate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eligibility import Catalogue, CompiledRuleSet, Evaluation, evaluate, load_paths

RULES = Path(__file__).resolve().parents[2] / "rules"
RULESET = "kurzarbeitergeld-abrechnung"
# Versions without the raised rates of § 421c Abs. 2, and those with them.
WITHOUT_RAISED_RATES = ("2016-01-01", "2020-03-01", "2022-07-01", "2023-07-01", "2025-01-01")
WITH_RAISED_RATES = ("2020-05-29", "2021-01-01", "2022-01-01", "2022-04-01")


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.of(load_paths([RULES / RULESET]))


def version(catalogue: Catalogue, version_id: str) -> CompiledRuleSet:
    return catalogue.version(RULESET, version_id, drafts=True)


def months(compiled: CompiledRuleSet) -> Iterator[dt.date]:
    """Every claim month the version judges (dated by the month's first day)."""
    window = compiled.ruleset
    month = window.effective_from.replace(day=1)
    if month < window.effective_from:  # a version from the 29th governs from the next month
        month = (month + dt.timedelta(days=31)).replace(day=1)
    last = window.effective_to or dt.date(2026, 12, 31)
    while month <= last:
        yield month
        month = (month + dt.timedelta(days=31)).replace(day=1)


def employee(iid: str, **changes: Any) -> dict[str, Any]:
    """An employee losing half their pay, answering every question a version may ask."""
    return {
        "id": iid,
        "name": iid.upper(),
        "target_gross_pay": "3000.00",
        "actual_gross_pay": "1500.00",
        "agency_worker": False,
        "employment_continued": True,
        "employment_terminated": False,
        "sickness_benefit": False,
        "training_with_benefit": False,
        "refused_cooperation": False,
        "has_child": False,
        "months_of_receipt": 1,
        "entitlement_start_month": dt.date(2020, 3, 1),
        "net_target_pay": "1995.41",
        "net_actual_pay": "1138.71",
        **changes,
    }


def claim(month: dt.date, employees: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:
    """An eligible establishment of ten whose listed employees all count towards the quorum."""
    return {
        "cause": "economic",
        "claim_month": month,
        "notification_date": month,
        "notified_without_delay": True,
        "loss_temporary": True,
        "loss_customary": False,
        "leave_used": True,
        "working_time_credits_used": True,
        "negative_balances_used": True,
        "headcount": 10,
        "benefit_period_start": month,
        "employees_complete": True,
        "employees": employees,
        **changes,
    }


def references(result: Evaluation) -> dict[str, set[str]]:
    """Every legal reference given as a reason, by the goal (root or an instance's pointer)."""
    found = {goal: {r.legal_reference or "" for r in g.reasons} for goal, g in result.goals.items()}
    for items in result.instances.values():
        for item in items:
            for goal, g in item.goals.items():
                found[f"{item.pointer}/{goal}"] = {r.legal_reference or "" for r in g.reasons}
    return found


def since_march_2020(month: dt.date) -> int:
    """The months of receipt a claim month can be at most (March 2020 is the first)."""
    return (month.year - 2020) * 12 + month.month - 2


def mixed(month: dt.date) -> dict[str, Any]:
    """Employees in the 4th and 7th or later month of receipt (where that counts), with and
    without a child, one losing less than half, one excluded: every path to a rate."""
    return claim(
        month,
        [
            employee("e1", months_of_receipt=4),
            employee(
                "e2", months_of_receipt=min(7, max(since_march_2020(month), 1)), has_child=True
            ),
            employee("e3", actual_gross_pay="2400.00", net_actual_pay="1650.00"),
            employee("e4", sickness_benefit=True, months_of_receipt=4),
        ],
    )


@pytest.mark.parametrize("version_id", WITHOUT_RAISED_RATES)
def test_no_reason_cites_the_raised_rates_where_there_are_none(
    catalogue: Catalogue, version_id: str
) -> None:
    compiled = version(catalogue, version_id)
    for month in months(compiled):
        result = evaluate(compiled, mixed(month), as_of=month, locale="en")
        assert result.outcome["eligible"] is True, month
        cited = {g: r for g, r in references(result).items() if any("421c Abs. 2" in x for x in r)}
        assert not cited, (month, cited)
        if month < dt.date(2020, 3, 1):  # § 421c did not exist at all before 2020
            assert not any("421c" in r for refs in references(result).values() for r in refs)


@pytest.mark.parametrize("version_id", WITH_RAISED_RATES)
def test_the_raised_rates_are_the_reason_where_they_decide_the_rate(
    catalogue: Catalogue, version_id: str
) -> None:
    compiled = version(catalogue, version_id)
    for month in months(compiled):
        result = evaluate(compiled, mixed(month), as_of=month, locale="en")
        refs = references(result)
        rates = {i.id: i.goals["benefit_rate"].value for i in result.instances["employees"]}
        child_rate = "0.87" if since_march_2020(month) >= 7 else "0.77"
        assert (str(rates["e1"]), str(rates["e2"])) == ("0.70", child_rate), (month, rates)
        for iid in ("e1", "e2", "e3"):  # e3: less than half lost, which § 421c makes the reason
            assert any("421c Abs. 2" in r for r in refs[f"/employees/{iid}/benefit_rate"]), month
        assert not any("421c" in r for r in refs["/employees/e4/benefit_rate"])  # not entitled
