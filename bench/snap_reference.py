"""The SNAP FY2020 method written out in plain Python, and random answer sets for it.

This is the yardstick the ZEN decision graph (`bench/snap_zen.json`) and the project's
`rules/snap` are both checked against: it follows the method of
`shared/reference/snap-fy2020/README.md` step by step, with its figures for Illinois,
Utah and Vermont, and knows nothing of either engine.
"""

from __future__ import annotations

import random
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

NET_LIMIT = {1: 1041, 2: 1410, 3: 1778, 4: 2146, 5: 2515, 6: 2883, 7: 3251, 8: 3620}
MAX_ALLOTMENT = {1: 194, 2: 355, 3: 509, 4: 646, 5: 768, 6: 921, 7: 1018, 8: 1164}
STD_DEDUCTION = {
    "federal": {1: 167, 2: 167, 3: 167, 4: 178, 5: 209, 6: 240},
    "IL": {1: 160, 2: 160, 3: 160, 4: 171, 5: 202, 6: 233},
}
STATES: dict[str, dict[str, Any]] = {
    "IL": {
        "factor": Decimal("1.65"),
        "assets": None,
        "child_support": "exclude",
        "sua": {
            "HEATING_AND_COOLING": 478,
            "BASIC_LIMITED_ALLOWANCE": 328,
            "SINGLE_UTILITY_ALLOWANCE": 74,
            "PHONE": 30,
        },
        "standard_medical": 165,
    },
    "UT": {
        "factor": Decimal("1.30"),
        "assets": {"elderly_or_disabled": 3500, "other": 2250},
        "child_support": "deduct",
        "sua": {"HEATING_AND_COOLING": 360, "BASIC_LIMITED_ALLOWANCE": 283, "PHONE": 64},
        "standard_medical": None,
    },
    "VT": {
        "factor": Decimal("1.85"),
        "assets": None,
        "child_support": "deduct",
        "sua": {"HEATING_AND_COOLING": 822, "BASIC_LIMITED_ALLOWANCE": 235, "PHONE": 36},
        "standard_medical": None,
    },
}
AMOUNTS = (
    "earned_income_monthly",
    "unearned_income_monthly",
    "assets",
    "dependent_care_costs_monthly",
    "medical_expenses_monthly",
    "child_support_paid_monthly",
    "rent_or_mortgage_monthly",
    "homeowners_insurance_and_taxes_monthly",
)


def _round(x: Decimal) -> Decimal:
    return x.quantize(Decimal(1), rounding=ROUND_HALF_EVEN)


def _by_size(table: dict[int, int], size: int, each_additional: int) -> int:
    return table[size] if size <= 8 else table[8] + (size - 8) * each_additional


def reference(answers: dict[str, Any], emergency_allotments: bool = False) -> dict[str, Any]:
    """Eligible and the monthly benefit, by the method; amounts may be strings or numbers."""
    state = STATES[answers["state"]]
    size = int(answers["household_size"])
    elderly = bool(answers["has_elderly_or_disabled_member"])
    a = {k: Decimal(str(answers.get(k) or 0)) for k in AMOUNTS}
    # 1-2 gross income and its test
    excluded = a["child_support_paid_monthly"] if state["child_support"] == "exclude" else 0
    gross = max(Decimal(0), a["earned_income_monthly"] + a["unearned_income_monthly"] - excluded)
    net_limit = _by_size(NET_LIMIT, size, 369)
    gross_ok = elderly or gross < _round(state["factor"] * net_limit)
    # 3 deductions before shelter
    standard = STD_DEDUCTION["IL" if answers["state"] == "IL" else "federal"][min(size, 6)]
    medical = Decimal(0)
    expenses = a["medical_expenses_monthly"]
    if elderly and expenses > 35:
        smd = state["standard_medical"]
        medical = Decimal(smd) if smd and expenses <= smd + 35 else expenses - 35
    deductions = (
        standard
        + _round(Decimal("0.20") * a["earned_income_monthly"])
        + a["dependent_care_costs_monthly"]
        + medical
        + (a["child_support_paid_monthly"] if state["child_support"] == "deduct" else 0)
    )
    # 4-6 adjusted income, excess shelter, net income
    adjusted = max(Decimal(0), gross - deductions)
    category = answers["utility_allowance"]
    sua = 0 if category == "NONE" else state["sua"][category]
    shelter = a["rent_or_mortgage_monthly"] + a["homeowners_insurance_and_taxes_monthly"] + sua
    half = _round(adjusted / 2)
    excess = shelter - half if shelter > half else Decimal(0)
    if not elderly:
        excess = min(excess, Decimal(569))
    net = max(Decimal(0), adjusted - excess)
    # 7-9 tests
    net_ok = net < net_limit
    limits = state["assets"]
    assets_ok = (
        True
        if limits is None
        else a["assets"] <= limits["elderly_or_disabled" if elderly else "other"]
    )
    eligible = bool(gross_ok and net_ok and assets_ok)
    # 10 benefit
    maximum = _by_size(MAX_ALLOTMENT, size, 146)
    if not eligible:
        benefit = Decimal(0)
    elif emergency_allotments:
        benefit = Decimal(maximum)
    else:
        minimum = 16 if size <= 2 else 0
        benefit = max(Decimal(0), maximum - _round(Decimal("0.30") * net), Decimal(minimum))
    return {"eligible": eligible, "estimated_monthly_benefit": benefit}


def _amount(rng: random.Random, high: int, zero_share: float = 0.4) -> str:
    if rng.random() < zero_share:
        return "0"
    return f"{rng.randint(0, high * 100) / 100:.2f}"


def random_answers(rng: random.Random) -> dict[str, Any]:
    """A complete, valid answer set as an interview would collect it.

    Assets are asked only in Utah (the only state with an asset test) and medical
    expenses only with an elderly or disabled member, as the rule set's relevance does.
    """
    state = rng.choice(sorted(STATES))
    elderly = rng.random() < 0.3
    answers: dict[str, Any] = {
        "state": state,
        "household_size": rng.choice([1, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
        "has_elderly_or_disabled_member": elderly,
        "earned_income_monthly": _amount(rng, 4000),
        "unearned_income_monthly": _amount(rng, 1500, 0.6),
    }
    if state == "UT":
        answers["assets"] = _amount(rng, 5000, 0.2)
    answers["dependent_care_costs_monthly"] = _amount(rng, 600, 0.7)
    if elderly:
        answers["medical_expenses_monthly"] = _amount(rng, 400, 0.3)
    answers["child_support_paid_monthly"] = _amount(rng, 500, 0.8)
    answers["rent_or_mortgage_monthly"] = _amount(rng, 2000, 0.1)
    answers["homeowners_insurance_and_taxes_monthly"] = _amount(rng, 300, 0.7)
    answers["utility_allowance"] = rng.choice([*sorted(STATES[state]["sua"]), "NONE"])
    return answers


# --- the same method three-valued -------------------------------------------------------
# An answer not given is unknown (None); arithmetic and comparisons on an unknown are
# unknown; `and` is false as soon as one operand is, true only when all are; a choice on
# an unknown condition is unknown unless both branches agree. Written by hand as plainly as
# the two-valued method, with `Decimal`: the floor a three-valued engine is measured against.


def _all3(*values: bool | None) -> bool | None:
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def _max0(x: Decimal | None) -> Decimal | None:
    return None if x is None else max(Decimal(0), x)


def _amount3(answers: dict[str, Any], key: str) -> Decimal | None:
    value = answers.get(key)
    return None if value is None else Decimal(str(value))


def _gross3(answers: dict[str, Any], state: dict[str, Any] | None) -> Decimal | None:
    earned = _amount3(answers, "earned_income_monthly")
    unearned = _amount3(answers, "unearned_income_monthly")
    if state is None or earned is None or unearned is None:
        return None
    if state["child_support"] != "exclude":
        return max(Decimal(0), earned + unearned)
    paid = _amount3(answers, "child_support_paid_monthly")
    return None if paid is None else max(Decimal(0), earned + unearned - paid)


def _deductions3(
    answers: dict[str, Any], state: dict[str, Any], size: int, elderly: bool
) -> Decimal | None:
    earned = _amount3(answers, "earned_income_monthly")
    care = _amount3(answers, "dependent_care_costs_monthly")
    paid = _amount3(answers, "child_support_paid_monthly")
    if earned is None or care is None or (paid is None and state["child_support"] == "deduct"):
        return None
    medical = Decimal(0)
    if elderly:
        expenses = _amount3(answers, "medical_expenses_monthly")
        if expenses is None:
            return None
        if expenses > 35:
            smd = state["standard_medical"]
            medical = Decimal(smd) if smd and expenses <= smd + 35 else expenses - 35
    standard = STD_DEDUCTION["IL" if state is STATES["IL"] else "federal"][min(size, 6)]
    deducted = paid if state["child_support"] == "deduct" else 0
    return standard + _round(Decimal("0.20") * earned) + care + medical + (deducted or 0)


def _net3(
    answers: dict[str, Any], state: dict[str, Any], size: int, elderly: bool, gross: Decimal
) -> Decimal | None:
    deductions = _deductions3(answers, state, size, elderly)
    category = answers.get("utility_allowance")
    rent = _amount3(answers, "rent_or_mortgage_monthly")
    insurance = _amount3(answers, "homeowners_insurance_and_taxes_monthly")
    if deductions is None or category is None or rent is None or insurance is None:
        return None
    adjusted = max(Decimal(0), gross - deductions)
    shelter = rent + insurance + (0 if category == "NONE" else state["sua"][category])
    half = _round(adjusted / 2)
    excess = shelter - half if shelter > half else Decimal(0)
    if not elderly:
        excess = min(excess, Decimal(569))
    return max(Decimal(0), adjusted - excess)


def reference_three_valued(
    answers: dict[str, Any], emergency_allotments: bool = False
) -> dict[str, Any]:
    """`reference`, three-valued: None for what the answers given do not decide."""
    state = STATES.get(answers.get("state"))  # type: ignore[arg-type]
    given_size = answers.get("household_size")
    elderly = answers.get("has_elderly_or_disabled_member")
    size = None if given_size is None else int(given_size)
    gross = _gross3(answers, state)
    net_limit = None if size is None else _by_size(NET_LIMIT, size, 369)
    gross_ok: bool | None = None
    if elderly is True:
        gross_ok = True
    elif state is not None and gross is not None and net_limit is not None:
        below = gross < _round(state["factor"] * net_limit)
        gross_ok = below if elderly is False else (True if below else None)
    net_ok: bool | None = None
    assets_ok: bool | None = None
    if state is not None and size is not None and elderly is not None and gross is not None:
        net = _net3(answers, state, size, elderly, gross)
        net_ok = None if net is None or net_limit is None else net < net_limit
    if state is not None:
        limits = state["assets"]
        held = _amount3(answers, "assets")
        if limits is None:
            assets_ok = True
        elif elderly is not None and held is not None:
            assets_ok = held <= limits["elderly_or_disabled" if elderly else "other"]
    eligible = _all3(gross_ok, net_ok, assets_ok)
    benefit: Decimal | None = None
    if eligible is False:
        benefit = Decimal(0)
    elif eligible is True and size is not None:
        maximum = _by_size(MAX_ALLOTMENT, size, 146)
        if emergency_allotments:
            benefit = Decimal(maximum)
        else:
            net = _net3(answers, state, size, bool(elderly), gross)  # type: ignore[arg-type]
            minimum = 16 if size <= 2 else 0
            if net is not None:
                benefit = max(Decimal(0), maximum - _round(Decimal("0.30") * net), Decimal(minimum))
    return {"eligible": eligible, "estimated_monthly_benefit": benefit}
