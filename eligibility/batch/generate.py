"""Synthetic populations for the examples, seeded: SNAP households, Kurzarbeitergeld claims.

The distributions are plausible, not official: household sizes weighted towards
one to four people, incomes log-normal around the poverty line, most claims for
economic reasons with a loss of pay between none and all of it. The same seed
gives the same rows. Only the questions the chosen version asks are written.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import random
from collections.abc import Callable, Collection, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

Answers = dict[str, Any]
PARQUET_GROUP = 2000  # rows per Parquet row group: one partition each


def _money(value: float) -> str:
    return str(Decimal(str(max(0.0, value))).quantize(Decimal("0.01")))


UTILITIES = [
    "HEATING_AND_COOLING",
    "BASIC_LIMITED_ALLOWANCE",
    "SINGLE_UTILITY_ALLOWANCE",
    "PHONE",
    "NONE",
]


def snap_household(rng: random.Random, day: dt.date) -> Answers:
    """One SNAP household (monthly amounts in dollars)."""
    state = rng.choice(["IL", "UT", "VT"])
    size = rng.choices(range(1, 9), weights=[30, 26, 17, 14, 7, 3, 2, 1])[0]
    earned = rng.lognormvariate(math.log(900 + 350 * size), 0.7) if rng.random() < 0.7 else 0.0
    rent = rng.lognormvariate(math.log(700 + 80 * size), 0.35)
    return {
        "state": state,
        "household_size": size,
        "has_elderly_or_disabled_member": rng.random() < 0.22,
        "earned_income_monthly": _money(earned),
        "unearned_income_monthly": _money(rng.expovariate(1 / 250) if rng.random() < 0.4 else 0),
        "assets": _money(rng.lognormvariate(math.log(1500), 1.1)),
        "dependent_care_costs_monthly": _money(rng.uniform(0, 400) if size > 2 else 0),
        "medical_expenses_monthly": _money(rng.expovariate(1 / 80) if rng.random() < 0.3 else 0),
        "child_support_paid_monthly": _money(rng.uniform(100, 500) if rng.random() < 0.08 else 0),
        "rent_or_mortgage_monthly": _money(rent),
        "homeowners_insurance_and_taxes_monthly": _money(rng.uniform(0, 150)),
        "utility_allowance": _utility(rng, state),
    }


def _utility(rng: random.Random, state: str) -> str:
    """A category the state offers (only Illinois has a single-utility allowance)."""
    chosen = rng.choices(UTILITIES, weights=[55, 20, 10, 10, 5])[0]
    return "NONE" if chosen == "SINGLE_UTILITY_ALLOWANCE" and state != "IL" else chosen


def kug_claim(rng: random.Random, day: dt.date) -> Answers:
    """One Kurzarbeitergeld claim: an establishment, one employee, one month from `day` on."""
    month = _add_months(day.replace(day=1), rng.randrange(12))
    employees = max(1, int(rng.lognormvariate(math.log(40), 1.2)))
    target = rng.lognormvariate(math.log(3400), 0.35)
    actual = target * rng.choice([0.0, rng.uniform(0.0, 0.95), rng.uniform(0.5, 0.95)])
    net_target = target * 0.66
    return {
        "cause": rng.choices(["economic", "unavoidable_event", "other"], weights=[85, 10, 5])[0],
        "claim_month": month.isoformat(),
        "notification_date": _add_months(month, -rng.choice([0, 0, 0, 1, 2, -1])).isoformat(),
        "notified_without_delay": rng.random() < 0.8,
        "employees": employees,
        "other_affected_employees": min(employees - 1, int(employees * rng.uniform(0, 0.8))),
        "target_gross_pay": _money(target),
        "actual_gross_pay": _money(actual),
        "loss_temporary": rng.random() < 0.93,
        "loss_customary": rng.random() < 0.05,
        "leave_used": rng.random() < 0.9,
        "working_time_credits_used": rng.random() < 0.9,
        "negative_balances_used": rng.random() < 0.6,
        "employment_continued": rng.random() < 0.95,
        "employment_terminated": rng.random() < 0.03,
        "sickness_benefit": rng.random() < 0.03,
        "training_with_benefit": rng.random() < 0.02,
        "refused_cooperation": rng.random() < 0.01,
        "agency_worker": rng.random() < 0.05,
        "has_child": rng.random() < 0.4,
        "months_of_receipt": rng.randint(1, 12),
        "entitlement_start_month": _add_months(month, -rng.randrange(6)).isoformat(),
        "net_target_pay": _money(net_target),
        "net_actual_pay": _money(net_target * (actual / target if target else 0)),
    }


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


GENERATORS: dict[str, Callable[[random.Random, dt.date], Answers]] = {
    "snap": snap_household,
    "kurzarbeitergeld": kug_claim,
}


def population(
    ruleset_id: str, rows: int, seed: int, questions: Collection[str], day: dt.date
) -> Iterator[Answers]:
    """`rows` answer sets for the rule set, only the given questions, from `seed`."""
    make = GENERATORS.get(ruleset_id)
    if make is None:
        raise ValueError(f"no generator for '{ruleset_id}'; one of {', '.join(GENERATORS)}")
    rng = random.Random(seed)
    for number in range(1, rows + 1):
        answers = make(rng, day)
        yield {"id": f"{ruleset_id[:4]}-{number:07d}"} | {
            k: v for k, v in answers.items() if k in questions
        }


def write(path: Path, answer_sets: Iterator[Answers]) -> int:
    """Write answer sets to a .csv, .jsonl or .parquet file; how many rows."""
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return _jsonl(path, answer_sets)
    if suffix == ".csv":
        return _csv(path, answer_sets)
    if suffix == ".parquet":
        return _parquet(path, answer_sets)
    raise ValueError(f"'{path}': write .csv, .jsonl or .parquet")


def _jsonl(path: Path, answer_sets: Iterator[Answers]) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for answers in answer_sets:
            row_id = answers.pop("id")
            out.write(json.dumps({"id": row_id, "answers": answers}) + "\n")
            count += 1
    return count


def _csv(path: Path, answer_sets: Iterator[Answers]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer: csv.DictWriter[str] | None = None
        for answers in answer_sets:
            if writer is None:
                writer = csv.DictWriter(out, fieldnames=list(answers))
                writer.writeheader()
            writer.writerow({k: _cell(v) for k, v in answers.items()})
            count += 1
    return count


def _cell(value: Any) -> Any:
    return str(value).lower() if isinstance(value, bool) else value


def _parquet(path: Path, answer_sets: Iterator[Answers]) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    count, writer, batch = 0, None, []
    for answers in answer_sets:
        batch.append({k: _typed(v) for k, v in answers.items()})
        if len(batch) == PARQUET_GROUP:
            writer = _group(pa, pq, path, writer, batch)
            count, batch = count + len(batch), []
    if batch:
        writer = _group(pa, pq, path, writer, batch)
        count += len(batch)
    if writer is not None:
        writer.close()
    return count


def _typed(value: Any) -> Any:
    """Amounts as decimals and dates as dates in Parquet (typed columns, not text)."""
    if isinstance(value, str) and value.count("-") == 2 and len(value) == 10:
        return dt.date.fromisoformat(value)
    if isinstance(value, str) and value.replace(".", "", 1).isdigit() and "." in value:
        return Decimal(value)
    return value


def _group(pa: Any, pq: Any, path: Path, writer: Any, batch: list[Answers]) -> Any:
    table = pa.Table.from_pylist(batch)
    if writer is None:  # amounts up to 16 digits and cents, whatever the first rows hold
        fields = [
            pa.field(f.name, pa.decimal128(18, 2)) if pa.types.is_decimal(f.type) else f
            for f in table.schema
        ]
        writer = pq.ParquetWriter(str(path), pa.schema(fields))
    writer.write_table(table.cast(writer.schema), row_group_size=PARQUET_GROUP)
    return writer
