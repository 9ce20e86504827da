"""(1) In-process evaluation per rule set and version: durable_rules path and pure evaluator.

`evaluate()` as the API calls it (answers parsed and checked, goals, reasons, next
questions, ignored answers; no trace) on the complete and the partial answer sets of
`bench.corpus`, one process, one core. For the headline version of every rule set the
cost is also split into the phases of an evaluation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench.corpus import AnswerSet, available, corpus, versions_of
from bench.harness import Settings, measure, measure_many, ratio

HEADLINE = {"snap": "2019-10-01"}  # others: the newest version


def headline(ruleset_id: str) -> str:
    """The version reported first (and used by the targets) for a rule set."""
    return HEADLINE.get(ruleset_id) or versions_of(ruleset_id)[-1]


def evaluator(compiled: Any, engine: str) -> Callable[[AnswerSet], object]:
    """`evaluate()` of one version and engine, as a function of an answer set."""
    from eligibility import evaluate

    def run(item: AnswerSet) -> object:
        return evaluate(
            compiled,
            item.answers,
            as_of=item.as_of or compiled.ruleset.effective_from,
            engine=engine,  # type: ignore[arg-type]
        )

    return run


def cold(compiled: Any, fn: Callable[[AnswerSet], object]) -> Callable[[AnswerSet], object]:
    """`fn` with the version's per-process caches of relevance walks emptied before each
    call: the cost of a claim whose path through the rules has not been seen before."""

    def run(item: AnswerSet) -> object:
        compiled.walks.clear()
        return fn(item)

    return run


def phases(compiled: Any, items: list[AnswerSet], settings: Settings) -> dict[str, Any]:
    """CPU µs per call of each stage of one evaluation (what `evaluate` is made of)."""
    from eligibility.answers import parse_answers
    from eligibility.engine.durable import compute_durable
    from eligibility.engine.pure import compute
    from eligibility.relevance import walk

    parsed = [
        (compiled.answer_parser(i.answers), i.as_of or compiled.ruleset.effective_from)
        for i in items
    ]
    envs = [(compute(compiled, a.values, day), a.dont_know) for a, day in parsed]
    timings = measure_many(
        {
            # the version's own parser, as evaluate() parses (answer_parser.py), and the
            # generic one it replaced
            "answers parsed (the version's parser)": (
                lambda i: compiled.answer_parser(i.answers),
                items,
            ),
            "parse_answers (generic)": (
                lambda i: parse_answers(compiled.questions, i.answers),
                items,
            ),
            "compute (pure)": (lambda p: compute(compiled, p[0].values, p[1]), parsed),
            "compute_durable (pure + durable_rules)": (
                lambda p: compute_durable(compiled, p[0].values, p[1]),
                parsed,
            ),
            "walk (next questions, reasons)": (lambda e: walk(compiled, e[0], e[1]), envs),
            "evaluate (durable, total)": (evaluator(compiled, "durable"), items),
        },
        settings,
    )
    out = {name: t["cpu_us_per_call"] for name, t in timings.items()}
    return out


def run(settings: Settings) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    breakdown: dict[str, Any] = {}
    for ruleset_id in available():
        for version in versions_of(ruleset_id):
            found = corpus(ruleset_id, version)
            row: dict[str, Any] = {
                "ruleset": ruleset_id,
                "version": version,
                "headline": version == headline(ruleset_id),
                "complete_sets": len(found.complete),
                "partial_sets": len(found.partial),
                "questions": len(found.compiled.questions),
                "named_values": len(found.compiled.named),
            }
            engines = {engine: evaluator(found.compiled, engine) for engine in ("durable", "pure")}
            for kind in ("complete", "partial"):
                sets = getattr(found, kind)
                # Both paths in turns (durable, pure, durable, …), so a change in the
                # machine's load hits both alike: their ratio is a target.
                timed = (
                    measure_many({e: (fn, sets) for e, fn in engines.items()}, settings)
                    if sets
                    else {}
                )
                for engine in engines:
                    row[f"{engine}_{kind}"] = timed.get(engine)
            if found.partial:
                row["durable_partial_cold"] = measure(
                    cold(found.compiled, evaluator(found.compiled, "durable")),
                    found.partial,
                    settings,
                )
            for kind in ("complete", "partial"):
                d, p = row[f"durable_{kind}"], row[f"pure_{kind}"]
                row[f"durable_over_pure_{kind}"] = ratio(
                    d and d["cpu_us_per_call"], p and p["cpu_us_per_call"]
                )
            rows.append(row)
            print(
                f"   {ruleset_id}@{version}: durable complete "
                f"{(row['durable_complete'] or {}).get('per_second')}/s",
                flush=True,
            )
        found = corpus(ruleset_id, headline(ruleset_id))
        if found.complete:
            breakdown[f"{ruleset_id}@{found.compiled.ruleset.version}"] = phases(
                found.compiled, found.complete, settings
            )
    return {"rows": rows, "phases_complete": breakdown}
