"""(4) Scale: generated rule sets of 10, 100, 1,000 and 2,000 rules (`bench.generate`).

Each size runs in a fresh process (`python -m bench.scale <n>`), so its memory is its
own and a size that hangs durable_rules cannot stop the others; it holds its compiled
version as a server's worker does, set apart from the cycle collector's full scans
(`set_apart_compiled`). Per size:
- load (YAML file → RuleSet) and compile (→ CompiledRuleSet), each repeated;
- the durable_rules mapping and registration (a new host each time);
- evaluation of the complete answer set (every rule decided, goal true), durable
  and pure;
- next questions: `evaluate()` with no answer (every question relevant: the worst
  case) and with half of them, and the relevance walk alone on the empty set;
- an interview step: `evaluate()` with a session's state (`interview_state`), one answer
  added or removed per call around half answered (`interview_path`), the first PAGE
  next questions worded (a session's `limit`), and the same with all of them worded;
- RSS after importing, after load + compile, after registration and evaluating.
The growth exponent is the slope of log(time) over log(rules), fitted over the sizes
from 100 up (at 10 rules the fixed cost of a call dominates), over all sizes, and
between the two largest sizes alone (where a superlinear part shows first).
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench import generate
from bench.harness import ROOT, Settings, growth_exponent, measure_many, rss_bytes, time_once

SIZES = (10, 100, 1000, 2000)
PAGE = 10  # next questions a front end shows at once (`limit` of the session endpoints)
METRICS = {
    "load_ms": "load (YAML → RuleSet)",
    "compile_ms": "compile",
    "durable_register_ms": "durable_rules mapping + registration",
    "evaluate_complete_durable_us": "evaluate, complete answers, durable",
    "evaluate_complete_pure_us": "evaluate, complete answers, pure",
    "next_questions_empty_durable_us": "next questions, no answers, durable",
    "next_questions_empty_pure_us": "next questions, no answers, pure",
    "next_questions_half_durable_us": "next questions, half answered, durable",
    "next_questions_half_durable_cold_us": "the same, no walk cached for the path",
    "next_questions_step_durable_us": "interview step from the session's state, first 10 worded",
    "next_questions_step_all_durable_us": "the same step, every next question worded",
    "walk_empty_us": "relevance walk alone, no answers (found in the version's cache)",
    "walk_empty_cold_us": "relevance walk alone, no answers, not cached",
    "rss_compiled_mib": "RSS of load + compile",
}


def one_size(n: int, settings: Settings) -> dict[str, Any]:
    """Everything measured for one generated rule set (run in its own process)."""
    import yaml

    from eligibility import compile_ruleset, evaluate, load_paths
    from eligibility.answers import parse_answers
    from eligibility.catalogue import compiled as kept
    from eligibility.engine import durable_plan, durable_session
    from eligibility.engine.pure import compute
    from eligibility.interview_state import InterviewState
    from eligibility.relevance import walk

    out: dict[str, Any] = {"rules": n, **generate.counts(n)}
    gc.collect()
    out["rss_start_mib"] = rss_bytes() / 2**20
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "generated"
        folder.mkdir()
        path = folder / "2024-01-01.yaml"
        path.write_text(yaml.safe_dump(generate.document(n), sort_keys=False, allow_unicode=True))
        out["yaml_bytes"] = path.stat().st_size
        (ruleset,) = load_paths([folder])
        compiled = kept(ruleset)  # held as a server's worker holds it (set apart, see run)
        gc.collect()
        out["rss_compiled_mib"] = rss_bytes() / 2**20 - out["rss_start_mib"]
        slow = Settings(max(1, min(settings.repeat, 3 if n >= 1000 else settings.repeat)))
        out["load_ms"] = time_once(lambda: load_paths([folder]), slow)["cpu_ms"]
    out["compile_ms"] = time_once(lambda: compile_ruleset(ruleset), slow)["cpu_ms"]

    def register() -> None:
        """Map the version (networks, durable program) and register its rules in C."""
        compiled.walks.clear()
        registration = durable_session.create("scale", durable_plan.make(compiled).definitions)
        durable_session.free(registration)

    # Every repetition (a quarter of a second at 2,000 rules): with 3, one slow one at 1,000
    # rules moved the size's median by ~15 % and the fit over the sizes by ~0.05.
    out["durable_register_ms"] = time_once(register, settings)["cpu_ms"]
    full, half = generate.answers(n), generate.partial(n, 0.5)
    day = compiled.ruleset.effective_from
    first = evaluate(compiled, full, as_of=day)
    out["complete_decided"] = first.complete
    out["outcome"] = first.outcome
    empty = evaluate(compiled, {}, as_of=day)
    out["next_questions_empty"] = len(empty.next_questions)
    out["next_questions_half"] = len(evaluate(compiled, half, as_of=day).next_questions)
    gc.collect()
    out["rss_registered_mib"] = rss_bytes() / 2**20 - out["rss_start_mib"]
    env = compute(compiled, parse_answers(compiled.questions, {}).values, day)

    def without_walks(fn: Callable[[], Any]) -> Any:
        """`fn` with no walk remembered, the version's walks given back afterwards.

        Otherwise the cached cases measured in turns with it would meet an empty cache at
        the start of each repetition, and their plan would be sized by a cold warm-up.
        """
        kept = dict(compiled.walks)
        compiled.walks.clear()
        try:
            return fn()
        finally:
            compiled.walks.clear()
            compiled.walks.update(kept)

    def cold_walk(_: object) -> Any:
        return without_walks(lambda: walk(compiled, env, frozenset()))

    def cold(answers: dict[str, Any]) -> Any:
        def run(_: object) -> Any:
            return without_walks(lambda: tuple(call(answers, "durable")(None)))

        return run

    state = InterviewState()

    def step(answers: dict[str, Any]) -> Any:
        return evaluate(compiled, answers, as_of=day, state=state).next_questions[:PAGE]

    def step_all(answers: dict[str, Any]) -> Any:
        return tuple(evaluate(compiled, answers, as_of=day, state=state).next_questions)

    def call(answers: dict[str, Any], engine: str) -> Any:
        def run(_: object) -> Any:  # every next question worded, as a full response has them
            result = evaluate(compiled, answers, as_of=day, engine=engine)  # type: ignore[arg-type]
            return tuple(result.next_questions)

        return run

    timings = measure_many(
        {
            "evaluate_complete_durable_us": (call(full, "durable"), [0]),
            "evaluate_complete_pure_us": (call(full, "pure"), [0]),
            "next_questions_empty_durable_us": (call({}, "durable"), [0]),
            "next_questions_empty_pure_us": (call({}, "pure"), [0]),
            "next_questions_half_durable_us": (call(half, "durable"), [0]),
            "next_questions_half_durable_cold_us": (cold(half), [0]),
            "next_questions_step_durable_us": (step, interview_path(n)),
            "next_questions_step_all_durable_us": (step_all, interview_path(n)),
            "walk_empty_us": (lambda _: walk(compiled, env, frozenset()), [0]),
            "walk_empty_cold_us": (cold_walk, [0]),
        },
        settings,
    )
    for key, timing in timings.items():
        out[key] = timing["us_per_call"]
        out[key.replace("_us", "_cpu_us")] = timing["cpu_us_per_call"]
    out["spread"] = {k: t["spread"] for k, t in timings.items()}
    return out


def interview_path(n: int, steps: int = 40) -> list[dict[str, Any]]:
    """Answer sets one answer apart: from half answered up by `steps` answers and back."""
    full, half = generate.answers(n), generate.partial(n, 0.5)
    rest = [q for q in full if q not in half][:steps]
    up = [{**half, **{q: full[q] for q in rest[:k]}} for k in range(1, len(rest) + 1)]
    return up + up[-2::-1] + [half]


def run(settings: Settings) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    for n in SIZES:
        started = time.perf_counter()
        try:
            done = subprocess.run(
                [sys.executable, "-m", "bench.scale", str(n), json.dumps(asdict(settings))],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=900,
                check=False,
            )
        except subprocess.TimeoutExpired:
            rows.append({"rules": n, "error": "did not finish within 900 s"})
            continue
        if done.returncode != 0:
            rows.append({"rules": n, "error": done.stderr.strip().splitlines()[-1:]})
            continue
        rows.append(json.loads(done.stdout))
        rows[-1]["seconds"] = round(time.perf_counter() - started, 1)
        print(f"   {n} rules: {rows[-1]['seconds']} s", flush=True)
    good = [r for r in rows if "error" not in r]
    exponents: dict[str, Any] = {}
    for key in METRICS:
        upper = [r for r in good if r["rules"] >= 100 and r.get(key)]
        exponents[key] = {
            "from_100": growth_exponent([r["rules"] for r in upper], [r[key] for r in upper]),
            "all_sizes": growth_exponent(
                [r["rules"] for r in good if r.get(key)], [r[key] for r in good if r.get(key)]
            ),
            "largest_two": growth_exponent(
                [r["rules"] for r in upper[-2:]], [r[key] for r in upper[-2:]]
            ),
        }
    return {"sizes": list(SIZES), "rows": rows, "growth_exponents": exponents, "metrics": METRICS}


if __name__ == "__main__":
    from eligibility.catalogue import set_apart_compiled

    set_apart_compiled()  # as a server's worker does with the versions it serves
    print(json.dumps(one_size(int(sys.argv[1]), Settings(**json.loads(sys.argv[2])))))
