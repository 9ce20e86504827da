"""(3) A peer engine: SNAP as a GoRules ZEN decision graph, on the same answer sets.

`bench/peer/snap.jdm.json` is the SNAP method written by hand as a JDM graph
(decision tables for the state options, household-size tables, standard deduction,
utility allowance and asset limit; expression nodes for the arithmetic, with
half-to-even rounding spelled out because ZEN's `round` rounds halves away from zero).
Before timing anything, every answer set is checked three ways: ZEN, the plain-Python
reference method (`bench.snap_reference`) and `rules/snap` must agree on `eligible`
and the benefit; a further batch of random households checks ZEN against the
reference alone.

ZEN is given its best footing: the graph is parsed and compiled once
(`ZenDecisionContent`, ZEN's precompiled form; measured 1.2-1.5x cheaper per call than a
decision created from the JSON text) and that one decision is evaluated throughout; the
decision made from the text is timed beside it for comparison.
ZEN's Python binding starts a new Tokio runtime (two threads) for every synchronous
`evaluate` call, which costs more than the graph itself; `async_evaluate` on one
event loop avoids that. Both are measured, the faster one is the peer's rate, and
ZEN's own figure for the graph alone (its `performance` field) is reported beside.

ZEN computes the two outputs only; the project's `evaluate()` also parses and checks
the answers, reports reasons and next questions and decides three-valued. Both the
full call and the project's bare computation (`compute`: the version's generated program;
`compute_closures`: the same on the closures it replaced) are set against ZEN, and the
plain-Python floor (`bench.snap_reference.reference`: the method written by hand with
`Decimal`, two-valued, no checks) is timed on the same sets as the reference the
project is measured against, and beside it the same method three-valued
(`reference_three_valued`: an answer not given is unknown, `and` decides as soon as one
operand does), the floor issue 13 sets the project's ≤ 5 × against.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.corpus import AnswerSet, corpus
from bench.evaluation import evaluator
from bench.harness import Settings, measure_many, ratio
from bench.snap_reference import AMOUNTS, random_answers, reference, reference_three_valued

GRAPH = Path(__file__).resolve().parent / "peer" / "snap.jdm.json"
VERSIONS = {"2019-10-01": False, "2020-03-01": True}  # version → emergency allotments
RANDOM_CHECKS = 5000


def context(answers: dict[str, Any], emergency: bool) -> dict[str, Any]:
    """The ZEN input: amounts as numbers, plus the version's emergency-allotment switch."""
    out = {k: (float(v) if k in AMOUNTS else v) for k, v in answers.items()}
    out["emergency_allotments"] = emergency
    return out


def context_json(answers: dict[str, Any], emergency: bool) -> str:
    """The same input as JSON text with the amounts written exactly as answered."""
    parts = [
        f'"{k}": {v}' if k in AMOUNTS else f'"{k}": {json.dumps(v)}' for k, v in answers.items()
    ]
    parts.append(f'"emergency_allotments": {json.dumps(emergency)}')
    return "{" + ", ".join(parts) + "}"


def _same(zen_result: dict[str, Any], expected: dict[str, Any]) -> bool:
    return bool(zen_result["eligible"] == expected["eligible"]) and Decimal(
        str(zen_result["estimated_monthly_benefit"])
    ) == Decimal(str(expected["estimated_monthly_benefit"]))


def _self_reported_us(graph: Any, contexts: list[dict[str, Any]]) -> float:
    """Median of ZEN's own `performance` figure: the graph's evaluation inside the engine."""
    found = []
    for ctx in contexts * 3:
        text = graph.evaluate(ctx)["performance"]
        number = float(text.rstrip("µsm"))
        found.append(number * (1000 if text.endswith("ms") else 1))
    return statistics.median(found)


def _async_sequential(graph: Any) -> Any:
    """One call evaluates every context in turn through `async_evaluate` on one event loop."""

    def run(contexts: list[dict[str, Any]]) -> None:
        async def all_of_them() -> None:
            for ctx in contexts:
                await graph.async_evaluate(ctx)

        asyncio.run(all_of_them())

    return run


def decision() -> Any:
    """ZEN's decision from its precompiled content (parsed and compiled once)."""
    import zen

    return zen.ZenEngine().create_decision(zen.ZenDecisionContent(GRAPH.read_text()))


def decision_from_text() -> Any:
    """ZEN's decision created from the JSON text (how this bench loaded it before)."""
    import zen

    return zen.ZenEngine().create_decision(GRAPH.read_text())


def verify(version: str, items: list[AnswerSet]) -> dict[str, Any]:
    """ZEN, the reference method and rules/snap on the same answer sets."""
    from eligibility import evaluate

    emergency = VERSIONS[version]
    graph = decision()
    compiled = corpus("snap", version).compiled
    mismatches: list[str] = []
    for item in items:
        ref = reference(item.answers, emergency)
        ours = evaluate(compiled, item.answers, as_of=item.as_of).outcome
        zen_out = graph.evaluate(context(item.answers, emergency))["result"]
        if not _same(zen_out, ref):
            mismatches.append(f"ZEN ≠ reference: {item.name}")
        if not _same(ours, ref):
            mismatches.append(f"rules/snap ≠ reference: {item.name}")
        if reference_three_valued(item.answers, emergency) != ref:
            mismatches.append(f"three-valued reference ≠ reference: {item.name}")
    rng = random.Random(version)
    random_mismatches = 0
    for _ in range(RANDOM_CHECKS):
        answers = random_answers(rng)
        if not _same(
            graph.evaluate(context(answers, emergency))["result"], reference(answers, emergency)
        ):
            random_mismatches += 1
    return {
        "answer_sets_checked": len(items),
        "mismatches": mismatches[:20],
        "mismatch_count": len(mismatches),
        "random_households_checked_against_reference": RANDOM_CHECKS,
        "random_mismatches": random_mismatches,
    }


def comparable(version: str) -> list[AnswerSet]:
    """The complete SNAP answer sets the method can compute (every needed answer given)."""
    items = []
    for item in corpus("snap", version).complete:
        try:
            reference(item.answers)
        except KeyError:
            continue  # decided without some answers (e.g. gross income test failed)
        items.append(item)
    return items


def run(settings: Settings) -> dict[str, Any]:
    from eligibility.answers import parse_answers
    from eligibility.engine.pure import compute, compute_closures

    try:
        graph, from_text = decision(), decision_from_text()
    except ImportError:
        return {"skipped": "zen-engine is not installed (pip install -e '.[bench]')"}
    rows = []
    for version, emergency in VERSIONS.items():
        items = comparable(version)
        compiled = corpus("snap", version).compiled
        check = verify(version, items)
        contexts = [context(i.answers, emergency) for i in items]
        texts = [context_json(i.answers, emergency) for i in items]
        parsed = [
            (
                parse_answers(compiled.questions, i.answers).values,
                i.as_of or compiled.ruleset.effective_from,
            )
            for i in items
        ]
        timings = measure_many(
            {
                "zen_evaluate_dict": (graph.evaluate, contexts),
                "zen_from_text_evaluate_dict": (from_text.evaluate, contexts),
                "zen_evaluate_json_text": (graph.evaluate, texts),
                "zen_async_sequential": (_async_sequential(graph), [contexts]),
                "project_evaluate_durable": (evaluator(compiled, "durable"), items),
                "project_evaluate_pure": (evaluator(compiled, "pure"), items),
                "project_compute_pure": (
                    lambda p, c=compiled: compute(c, p[0], p[1]),
                    parsed,
                ),
                # the same on the closures (the reference the generated program replaced)
                "project_compute_closures": (
                    lambda p, c=compiled: compute_closures(c, p[0], p[1]),
                    parsed,
                ),
                "floor_python_decimal": (
                    lambda a, e=emergency: reference(a, e),
                    [i.answers for i in items],
                ),
                "floor_python_three_valued": (
                    lambda a, e=emergency: reference_three_valued(a, e),
                    [i.answers for i in items],
                ),
            },
            settings,
        )
        per_batch = timings["zen_async_sequential"]
        for key in ("us_per_call", "cpu_us_per_call", "min_us", "max_us"):
            per_batch[key] = round(per_batch[key] / len(contexts), 2)
        for key in ("per_second", "cpu_per_second"):
            per_batch[key] = round(per_batch[key] * len(contexts), 1)
        zen_cpu = min(v["cpu_us_per_call"] for k, v in timings.items() if k.startswith("zen"))
        zen_wall = min(v["us_per_call"] for k, v in timings.items() if k.startswith("zen"))
        floor = timings["floor_python_decimal"]["cpu_us_per_call"]
        floor3 = timings["floor_python_three_valued"]["cpu_us_per_call"]
        rows.append(
            {
                "version": version,
                "answer_sets": len(items),
                "verification": check,
                "timings": timings,
                "zen_best_cpu_us": zen_cpu,
                "zen_best_wall_us": zen_wall,
                "zen_self_reported_us": _self_reported_us(graph, contexts),
                # project evaluations per second / ZEN evaluations per second (CPU time)
                "rate_ratio_project_over_zen": {
                    k: ratio(zen_cpu, v["cpu_us_per_call"])
                    for k, v in timings.items()
                    if k.startswith("project")
                },
                # CPU per call of each project path / the hand-written floor's (how far off)
                "cost_ratio_project_over_floor": {
                    k: ratio(v["cpu_us_per_call"], floor)
                    for k, v in timings.items()
                    if k.startswith("project")
                },
                # the same against the three-valued floor (issue 13: ≤ 5 ×)
                "cost_ratio_project_over_three_valued_floor": {
                    k: ratio(v["cpu_us_per_call"], floor3)
                    for k, v in timings.items()
                    if k.startswith("project")
                },
                "closures_over_generated_cost": ratio(
                    timings["project_compute_closures"]["cpu_us_per_call"],
                    timings["project_compute_pure"]["cpu_us_per_call"],
                ),
                "zen_precompiled_over_from_text_cost": ratio(
                    timings["zen_evaluate_dict"]["cpu_us_per_call"],
                    timings["zen_from_text_evaluate_dict"]["cpu_us_per_call"],
                ),
                "rate_ratio_project_over_zen_wall": {
                    k: ratio(zen_wall, v["us_per_call"])
                    for k, v in timings.items()
                    if k.startswith("project")
                },
            }
        )
        print(f"   snap@{version}: {rows[-1]['rate_ratio_project_over_zen']}", flush=True)
    return {"graph": str(GRAPH.relative_to(GRAPH.parents[2])), "rows": rows}
