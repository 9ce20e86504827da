"""(10) Collections: an employer's claim listing 100, 1,000 and 10,000 employees.

The rule set is tests/fixtures/employer-claim with its bounds raised to 10,000. Per size:
- evaluation of the complete claim (every employee answered), pure and durable_rules;
- next questions of a claim whose employees are listed by name only (every instance's pay
  is relevant: the worst case for the walk), pure;
- the parts of one pure evaluation: checking the answers document, computing the values,
  the relevance walk, and building the instances' results;
- RSS after the largest claims.
Times are CPU time of this process (the median of a few runs): the machine is shared.
The growth exponent is the slope of log(time) over log(instances) (1.0 is linear).
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from bench.harness import ROOT, Settings, growth_exponent, ratio, rss_bytes, time_once
from eligibility.answer_document import parse_document
from eligibility.compiler import CompiledRuleSet, compile_ruleset
from eligibility.engine.pure import compute
from eligibility.entity_relevance import entity_walk
from eligibility.evaluation import evaluate
from eligibility.loader import load_document, read_document

SIZES = (100, 1000, 10_000)
FIXTURE = ROOT / "tests" / "fixtures" / "employer-claim" / "2024-01-01.yaml"


def version(path: Path = FIXTURE, most: int = 10_000) -> CompiledRuleSet:
    """The employer claim with room for `most` employees."""
    document = read_document(path)
    document.data["collections"]["employees"]["max"] = most
    document.data["questions"]["employees_count"]["max"] = most
    document.data.pop("scenarios", None)
    return compile_ruleset(load_document(document))


def claim(size: int, complete: bool = True) -> dict[str, Any]:
    """A claim of `size` employees, one in five on short time; pay left out unless complete."""
    employees = []
    for i in range(size):
        employee: dict[str, Any] = {"id": f"e{i}", "name": f"Employee {i}"}
        if complete:
            employee["target_pay"] = "3000.00"
            employee["actual_pay"] = "1500.00" if i % 5 == 0 else "3000.00"
        employees.append(employee)
    return {"loss_reported": True, "employees_count": size, "employees": employees}


def _size(compiled: CompiledRuleSet, size: int, settings: Settings) -> dict[str, Any]:
    full, listed = claim(size), claim(size, complete=False)
    few = Settings(max(2, min(settings.repeat, 3)), settings.seconds, settings.quick)
    out: dict[str, Any] = {"instances": size}
    pure = time_once(lambda: evaluate(compiled, full, engine="pure"), few)
    durable = time_once(lambda: evaluate(compiled, full, engine="durable"), few)
    out["evaluate_pure_ms"], out["evaluate_durable_ms"] = pure["cpu_ms"], durable["cpu_ms"]
    result = evaluate(compiled, listed, engine="pure")
    out["next_questions"] = len(result.next_questions)
    out["next_questions_pure_ms"] = time_once(
        lambda: evaluate(compiled, listed, engine="pure"), few
    )["cpu_ms"]
    answers = parse_document(compiled.questions, compiled.collections, full)
    env = compute(compiled, answers.values, compiled.ruleset.effective_from, answers.collections)
    out["parts_ms"] = {
        "answers": time_once(
            lambda: parse_document(compiled.questions, compiled.collections, full), few
        )["cpu_ms"],
        "compute": time_once(
            lambda: compute(
                compiled, answers.values, compiled.ruleset.effective_from, answers.collections
            ),
            few,
        )["cpu_ms"],
        "walk": time_once(lambda: entity_walk(compiled, env, answers), few)["cpu_ms"],
    }
    out["parts_ms"]["results"] = round(out["evaluate_pure_ms"] - sum(out["parts_ms"].values()), 3)
    out["us_per_instance_pure"] = round(out["evaluate_pure_ms"] * 1000 / size, 1)
    gc.collect()
    out["rss_mib"] = round(rss_bytes() / 2**20, 1)
    return out


def run(settings: Settings) -> dict[str, Any]:
    """Every size; growth exponents; the durable/pure ratio at the largest size."""
    compiled = version()
    sizes = SIZES[:2] if settings.quick else SIZES
    rows = [_size(compiled, size, settings) for size in sizes]
    growth = {
        key: growth_exponent([r["instances"] for r in rows], [r[key] for r in rows])
        for key in ("evaluate_pure_ms", "evaluate_durable_ms", "next_questions_pure_ms")
    }
    largest = rows[-1]
    return {
        "rows": rows,
        "growth": growth,
        "durable_over_pure": ratio(largest["evaluate_durable_ms"], largest["evaluate_pure_ms"]),
    }
