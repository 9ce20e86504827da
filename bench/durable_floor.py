"""(2) The durable_rules floor: the same facts and rules, asserted with durable_rules alone.

For the headline version of every rule set (and a generated 100-rule set) the project's
durable path is measured three ways — `evaluate()` in full, `compute_durable` (the
atoms computed in Python, the goals decided by durable_rules), and `decide` (the
durable_rules calls as the project makes them: C functions, one standing session per
version, a session per evaluation) — and the very same events are posted to a second
host holding the very same rule definitions by code that knows nothing of the project
(`bench.durable_raw`: a session per event, through the stock host and through the C
functions). Ratios project / raw say how far the project is above what durable_rules
itself costs. The raw loop runs in this process but
touches nothing of the project (see `bench.durable_raw`), so both are measured in
turns under the same load; ratios use CPU time.
"""

from __future__ import annotations

import itertools
import json
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
    from eligibility.engine import durable_session
    from eligibility.engine.durable import compute_durable, runtime
    from eligibility.engine.mapping import rule_definitions

    rt = runtime()
    with rt.lock:
        version = rt.register(compiled)
    definitions: dict[str, Any] = {}
    for network in version.networks:
        definitions.update(rule_definitions(network))
    evaluations: list[list[dict[str, Any]]] = []
    # The runtime fires one event (JSON) per goal network through `durable_session.fire`:
    # spy on it (the raw loop adds a session id of its own).
    original = durable_session.fire

    def spy(registration: Any, event: str) -> str:
        evaluations[-1].append({k: v for k, v in json.loads(event).items() if k != "sid"})
        return original(registration, event)

    durable_session.fire = spy  # type: ignore[assignment]
    try:
        for item in items:
            evaluations.append([])
            answers = parse_answers(compiled.questions, item.answers)
            compute_durable(compiled, answers.values, item.as_of or compiled.ruleset.effective_from)
    finally:
        durable_session.fire = original  # type: ignore[assignment]
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

    from eligibility.engine import durable_session

    texts = [
        ['{"sid":"%s",' + json.dumps(event)[1:] for event in events]
        for events in payload["evaluations"]
    ]
    sessions = itertools.count()

    def decide(events: list[str]) -> object:
        """The project's durable_rules calls for one evaluation's events, in one session."""
        with rt.lock:
            sid = f"bench{next(sessions)}"
            try:
                return [durable_session.fire(version.registration, e % sid) for e in events]
            finally:
                durable_session.close(version.registration, sid)

    timings = measure_many(
        {
            "raw": (raw_fn, payload["evaluations"]),
            "raw_c": (raw_c, payload["evaluations"]),
            "decide": (decide, texts),
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
