"""(2) The durable_rules floor: the same facts and rules, asserted with durable_rules alone.

For the headline version of every rule set (and a generated 100-rule set) the project's
durable path is measured three ways — `evaluate()` in full, `compute_durable` (pure
values + the durable_rules decision), and the runtime's `decide` (the durable_rules
calls as the project makes them) — and the very same events are posted to a second
host holding the very same rule definitions by code that knows nothing of the
project (`bench.durable_raw`). Ratios project / raw say how far the project
is above what durable_rules itself costs. The raw loop runs in this process but
touches nothing of the project (see `bench.durable_raw`), so both are measured in
turns under the same load; ratios use CPU time.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from bench.corpus import AnswerSet, available, corpus
from bench.durable_raw import prepare
from bench.evaluation import evaluator, headline
from bench.harness import Settings, measure_many, ratio


def job(compiled: Any, items: list[AnswerSet], settings: Settings) -> dict[str, Any]:
    """Plain data for `bench.durable_raw`: definitions and the events of every answer set.

    The events are the ones the project posts: its runtime is spied on while
    `compute_durable` runs once per answer set.
    """
    from eligibility.answers import parse_answers
    from eligibility.engine.durable import compute_durable, runtime
    from eligibility.engine.mapping import rule_definitions

    rt = runtime()
    with rt.lock:
        version = rt.register(compiled)
    definitions: dict[str, Any] = {}
    for network in version.networks:
        for rule_name, rule in rule_definitions(network, lambda goal, value: None).items():
            definitions[rule_name] = {k: v for k, v in rule.items() if k != "run"}
    evaluations: list[list[dict[str, Any]]] = []
    # The runtime posts one event per goal network: through `post(version, event)` where
    # it has one, else through `decide(version, events)`. Spy on whichever exists.
    hook = "post" if hasattr(rt, "post") else "decide"
    original = getattr(rt, hook)

    def spy(version: Any, payload: Any) -> Any:
        events = [payload] if hook == "post" else payload
        evaluations[-1].extend(dict(e) for e in events)
        return original(version, payload)

    setattr(rt, hook, spy)
    try:
        for item in items:
            evaluations.append([])
            answers = parse_answers(compiled.questions, item.answers)
            compute_durable(compiled, answers.values, item.as_of or compiled.ruleset.effective_from)
    finally:
        delattr(rt, hook)
    return {
        "name": version.name,
        "definitions": definitions,
        "evaluations": evaluations,
        "settings": asdict(settings),
    }


def compare(
    label: str, compiled: Any, items: list[AnswerSet], settings: Settings
) -> dict[str, Any]:
    """The project's durable path three ways and the raw floor, measured in turns."""
    from eligibility.answers import parse_answers
    from eligibility.engine.durable import compute_durable, runtime
    from eligibility.engine.pure import compute

    payload = job(compiled, items, settings)
    raw_fn, raw_c, info = prepare(payload)
    parsed = [
        (
            parse_answers(compiled.questions, i.answers).values,
            i.as_of or compiled.ruleset.effective_from,
        )
        for i in items
    ]
    rt = runtime()
    with rt.lock:
        version = rt.register(compiled)

    def decide(events: list[dict[str, Any]]) -> object:
        """The project's durable_rules calls for one evaluation's events."""
        with rt.lock:
            if hasattr(rt, "post"):
                return [rt.post(version, event) for event in events]
            return rt.decide(version, events)

    timings = measure_many(
        {
            "raw": (raw_fn, payload["evaluations"]),
            "raw_c": (raw_c, payload["evaluations"]),
            "decide": (decide, payload["evaluations"]),
            "compute_durable": (lambda p: compute_durable(compiled, p[0], p[1]), parsed),
            "compute_pure": (lambda p: compute(compiled, p[0], p[1]), parsed),
            "evaluate": (evaluator(compiled, "durable"), items),
        },
        settings,
    )
    cpu = {k: v["cpu_us_per_call"] for k, v in timings.items()}
    return {
        "label": label,
        "answer_sets": len(items),
        "durable_rules": info,
        "raw": timings.pop("raw"),
        "raw_c": timings.pop("raw_c"),
        "project": timings,
        "ratios_cpu": {
            "evaluate_over_raw": ratio(cpu["evaluate"], cpu["raw"]),
            "compute_durable_over_raw": ratio(cpu["compute_durable"], cpu["raw"]),
            "decide_over_raw": ratio(cpu["decide"], cpu["raw"]),
            "raw_over_c_engine": ratio(cpu["raw"], cpu["raw_c"]),
            "durable_share_of_evaluate": ratio(
                cpu["compute_durable"] - cpu["compute_pure"], cpu["evaluate"]
            ),
        },
    }


def run(settings: Settings) -> dict[str, Any]:
    from bench import generate
    from eligibility import compile_ruleset, document_from_data, load_document

    rows = []
    for ruleset_id in available():
        found = corpus(ruleset_id, headline(ruleset_id))
        if found.complete:
            rows.append(compare(found.label, found.compiled, found.complete, settings))
            print(f"   {found.label}: {rows[-1]['ratios_cpu']}", flush=True)
    compiled = compile_ruleset(load_document(document_from_data(generate.document(100))))
    items = [AnswerSet("complete", generate.answers(100))]
    rows.append(compare("generated@100 rules", compiled, items, settings))
    print(f"   generated@100: {rows[-1]['ratios_cpu']}", flush=True)
    return {"rows": rows}
