"""bench/results/latest.json → docs/performance.md.

Everything in the report is generated from the results, except two hand-written
parts kept beside this module: `text/hotspots.md` (what the profiles showed and what
changed) and `text/targets.yaml` (for each target: why it is met or missed and what
meeting it would take). Regenerate with `python -m bench --list` … or any run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

from bench import report_decisions, report_population
from bench.engine_targets import durable_targets, floor_target

TEXT = Path(__file__).resolve().parent / "text"


def _fmt(value: Any, digits: int | None = None) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if digits is None:
            digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
        return f"{value:,.{digits}f}"
    return str(value)


def _table(head: list[str], rows: Iterable[list[Any]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += [
        "| " + " | ".join(_fmt(c) if not isinstance(c, str) else c for c in r) + " |" for r in rows
    ]
    return "\n".join(lines)


def _section(bench: dict[str, Any] | None, render: Callable[[dict[str, Any]], str]) -> str:
    if bench is None:
        return "_Not measured yet._"
    if "error" in bench:
        return f"_The benchmark failed: {bench['error']}._"
    if "skipped" in bench:
        return f"_Skipped: {bench['skipped']}._"
    when = f"_Measured {bench.get('measured_at', '?')}"
    code = bench.get("code") or {}
    if code.get("git_commit"):
        when += f" at `{code['git_commit']}`"
        if code.get("uncommitted"):
            when += " with uncommitted changes to " + ", ".join(
                f"`{f}`" for f in code["uncommitted"][:5]
            )
    when += f" ({bench.get('duration_s', '?')} s"
    settings = bench.get("settings") or {}
    if settings:
        when += f"; {settings.get('repeat')} repetitions"
        when += ", quick" if settings.get("quick") else ""
    return when + ")._\n\n" + render(bench)


def _t(timing: dict[str, Any] | None, key: str = "cpu_per_second") -> Any:
    return None if not timing else timing.get(key)


# --- the sections -----------------------------------------------------------------


def _evaluation(b: dict[str, Any]) -> str:
    head = [
        "rule set @ version",
        "sets (complete / partial)",
        "durable complete /s",
        "µs",
        "pure complete /s",
        "µs",
        "durable partial /s",
        "µs",
        "pure partial /s",
        "µs",
        "durable partial, walk not cached /s",
        "µs",
    ]
    rows = []
    for r in b["rows"]:
        name = f"{r['ruleset']}@{r['version']}" + (" **(headline)**" if r["headline"] else "")
        row: list[Any] = [name, f"{r['complete_sets']} / {r['partial_sets']}"]
        for key in (
            "durable_complete",
            "pure_complete",
            "durable_partial",
            "pure_partial",
            "durable_partial_cold",
        ):
            row += [_t(r.get(key)), _t(r.get(key), "cpu_us_per_call")]
        rows.append(row)
    text = (
        "Evaluations per second on one core (from CPU time; wall-clock figures are in the "
        "JSON) and µs per call: `evaluate()` as the API calls it — answers parsed and "
        "checked, goals with reasons, next questions, ignored answers, no trace. A version "
        "keeps the relevance walks of the paths claims took through its rules (per process); "
        "the answer sets here repeat, so most calls find their walk cached — the last "
        "column empties that cache before every call (a claim on a path not seen before).\n\n"
        + _table(head, rows)
    )
    phases = b.get("phases_complete") or {}
    if phases:
        names = list(next(iter(phases.values())))
        text += (
            "\n\nWhere the time of one evaluation goes (complete answer sets, CPU µs per "
            "call, each stage timed alone, in turns):\n\n"
            + _table(["stage", *phases], [[n, *(phases[v].get(n) for v in phases)] for n in names])
        )
    return text


def _floor(b: dict[str, Any]) -> str:
    head = [
        "answer sets of",
        "durable rules / events / actions per evaluation",
        "raw durable_rules µs (host)",
        "C engine alone µs",
        "project's durable_rules calls µs",
        "`compute_durable` µs",
        "`evaluate` µs",
        "decide / raw",
        "compute_durable / raw",
        "evaluate / raw",
        "durable share of evaluate",
    ]
    rows = []
    for r in b["rows"]:
        d, p, q = r["durable_rules"], r["project"], r["ratios_cpu"]
        rows.append(
            [
                r["label"],
                f"{d['rules']} / {d['events_per_evaluation']} / {d['actions_per_evaluation']}",
                r["raw"]["cpu_us_per_call"],
                (r.get("raw_c") or {}).get("cpu_us_per_call"),
                p["decide"]["cpu_us_per_call"],
                p["compute_durable"]["cpu_us_per_call"],
                p["evaluate"]["cpu_us_per_call"],
                q["decide_over_raw"],
                q["compute_durable_over_raw"],
                q["evaluate_over_raw"],
                f"{q['durable_share_of_evaluate'] * 100:.0f} %"
                if q["durable_share_of_evaluate"] is not None
                else "–",
            ]
        )
    return (
        "The same events and the same rule definitions posted to a bare durable_rules host "
        "(one session per goal event, post, one action fires, delete), by code that knows "
        "nothing of the project, measured in turns with the project's path (CPU µs per "
        "evaluation). *C engine alone* drives durable_rules' C functions directly "
        "(`assert_event`, `start_action_for_state`, `delete_state`; the action is freed "
        "with the session, not completed): the difference to the host column is what "
        "durable_rules' Python host adds per fired action.\n\n" + _table(head, rows)
    )


def _zen(b: dict[str, Any]) -> str:
    out = [f"Graph: `{b['graph']}`.\n"]
    for r in b["rows"]:
        v = r["verification"]
        out.append(
            f"**snap@{r['version']}** — {r['answer_sets']} complete answer sets; ZEN, the "
            f"reference method and rules/snap disagree on {v['mismatch_count']} of them; ZEN "
            f"and the reference disagree on {v['random_mismatches']} of "
            f"{v['random_households_checked_against_reference']:,} further random households. "
            f"ZEN's own figure for the graph alone: {r['zen_self_reported_us']:.0f} µs.\n"
        )
        rows = [
            [k, t["cpu_per_second"], t["cpu_us_per_call"], t["us_per_call"], t["cpu_per_wall"]]
            for k, t in r["timings"].items()
        ]
        out.append(_table(["path", "per second (CPU)", "CPU µs", "wall µs", "CPU / wall"], rows))
        ratios = r["rate_ratio_project_over_zen"]
        out.append(
            "\nRate ratio project / ZEN (best ZEN path, CPU time): "
            + ", ".join(f"{k} **{_fmt(v, 2)}**" for k, v in ratios.items())
            + "\n"
        )
        if "cost_ratio_project_over_floor" in r:
            floor = r["cost_ratio_project_over_floor"]
            out.append(
                "Cost ratio project / hand-written floor (`floor_python_decimal`, CPU time): "
                + ", ".join(f"{k} **{_fmt(v, 1)}×**" for k, v in floor.items())
                + f"; ZEN precompiled costs {_fmt(r['zen_precompiled_over_from_text_cost'], 2)}"
                " × ZEN from text"
                + (
                    f"; the closures cost {_fmt(r['closures_over_generated_cost'], 2)} × the "
                    "generated program (`compute`)"
                    if "closures_over_generated_cost" in r
                    else ""
                )
                + ".\n"
            )
        if "cost_ratio_project_over_three_valued_floor" in r:
            floor3 = r["cost_ratio_project_over_three_valued_floor"]
            out.append(
                "Cost ratio project / hand-written three-valued floor "
                "(`floor_python_three_valued`, CPU time): "
                + ", ".join(f"{k} **{_fmt(v, 1)}×**" for k, v in floor3.items())
                + ".\n"
            )
    return "\n".join(out)


def _scale(b: dict[str, Any]) -> str:
    metrics = b["metrics"]
    good = [r for r in b["rows"] if "error" not in r]
    head = [
        "measure",
        *(f"{r['rules']:,} rules" for r in good),
        "exponent (≥100)",
        "exponent (all)",
        "exponent (two largest)",
    ]
    rows = []
    for key, label in metrics.items():
        e = b["growth_exponents"].get(key, {})
        unit = "ms" if key.endswith("_ms") else "MiB" if key.endswith("mib") else "µs (CPU)"
        cpu_key = key.replace("_us", "_cpu_us") if key.endswith("_us") else key
        rows.append(
            [
                f"{label}, {unit}",
                *(r.get(cpu_key, r.get(key)) for r in good),
                e.get("from_100"),
                e.get("all_sizes"),
                e.get("largest_two"),
            ]
        )
    shape = _table(
        ["", *(f"{r['rules']:,} rules" for r in good)],
        [
            ["questions / derived values", *(f"{r['questions']} / {r['derived']}" for r in good)],
            ["YAML bytes", *(r["yaml_bytes"] for r in good)],
            [
                "next questions (none answered / half)",
                *(f"{r['next_questions_empty']} / {r['next_questions_half']}" for r in good),
            ],
            ["complete set decided", *(r["complete_decided"] for r in good)],
        ],
    )
    errors = [f"{r['rules']} rules: {r['error']}" for r in b["rows"] if "error" in r]
    return (
        "Generated rule sets (`bench/generate.py`): blocks of eight leaf rules and two "
        "combining rules, sections of about ten blocks, one goal requiring every section.\n\n"
        + shape
        + "\n\n"
        + _table(head, rows)
        + ("\n\nFailed: " + "; ".join(errors) if errors else "")
    )


def _http(b: dict[str, Any]) -> str:
    out = [b.get("setup", "") + "\n"]
    rows = []
    for r in b.get("rows", []):
        rows.append(
            [
                r["target"],
                r["load"],
                r["connections"],
                r["requests_per_second"],
                r["p50_ms"],
                r["p99_ms"],
                r.get("errors", 0),
            ]
        )
    out.append(
        _table(
            ["endpoint", "load", "connections", "requests/s", "p50 ms", "p99 ms", "errors"], rows
        )
    )
    if "ratio_project_over_bare" in b:
        q = _fmt(b["ratio_project_over_bare"], 2)
        out.append(f"\nRate ratio project / bare Flask at saturation: **{q}**")
    if "ratio_as_of_over_version" in b:
        out[-1] += (
            f"; bodies naming only `as_of`: **{_fmt(b['ratio_project_as_of_over_bare'], 2)}**; "
            f"rate with `as_of` / rate with `version`: **{_fmt(b['ratio_as_of_over_version'], 2)}**"
            f" (1.0 when both cost the same); p99 at half load with `as_of` "
            f"{_fmt(b.get('p99_half_as_of_ms'))} ms"
        )
    if "in_process" in b:
        out.append(_http_in_process(b["in_process"]))
    return "\n".join(out)


def _http_in_process(b: dict[str, Any]) -> str:
    """CPU per request in one process, in turns: through the test client, and the apps alone."""
    timings = b.get("timings", {})
    rows = [[name, t.get("cpu_us_per_call")] for name, t in timings.items()]
    ratios = b.get("rate_ratio_over_bare", {})
    text = ", ".join(f"`{k}` **{_fmt(v, 2)}**" for k, v in ratios.items())
    served = (
        f"; the process set up as a served worker: {b['as_served']}" if "as_served" in b else ""
    )
    return (
        "\nIn process (CPU µs per request, taken in turns; `wsgi_*` call the apps with a "
        f"prebuilt environ as a server does, the others go through Flask's test client{served})"
        ":\n\n"
        + _table(["case", "CPU µs"], rows)
        + f"\n\nRate per core ÷ bare Flask, through the test client: {text}; "
        f"the apps alone: **{_fmt(b.get('wsgi_rate_ratio_over_bare'), 2)}**"
    )


# The home-made process pool this replaced, as measured last with it (commit bfb2ce8,
# 2,000 decisions): a job in one process, and a new spawned pool of 2 per job.
POOL_BEFORE = (
    ("sqlite", "batch job, this process (before)", 539, 539),
    ("sqlite", "batch job, process pool of 2 (before)", 238, 119),
    ("postgresql", "batch job, this process (before)", 714, 714),
    ("postgresql", "batch job, process pool of 2 (before)", 267, 134),
)


def _batch_rows(bench: dict[str, Any]) -> tuple[list[dict[str, Any]], str]:
    """The assessment rows the batch target is read from: issue 14's 1,000,000-row file
    when the population bench measured it, else the batch bench's 20,000 rows."""
    population = (bench.get("population") or {}).get("assessment") or []
    if population:
        return population, f"{population[0]['rows']:,} rows (§13)"
    rows = (bench.get("batch") or {}).get("rows") or []
    return rows, f"{rows[0]['rows']:,} rows (§11)" if rows else ""


Target = tuple[str, str, str, bool | None]  # key, goal, measured, met (None: not measured)
BATCH_GOAL = "batch and what-if ≥ 5,000 rows/s per worker core, 1 → 2 ≥ 80 %"


def _batch_target(bench: dict[str, Any]) -> Target:
    """Issue 14's target: the assessment rows, and §13's what-if of stored decisions if run."""
    batch_rows, scale = _batch_rows(bench)
    if not batch_rows:
        return ("batch", BATCH_GOAL, "not measured", None)
    what_if = ((bench.get("population") or {}).get("what_if") or {}).get("rows") or []
    rows = batch_rows + [{**r, "mode": "what-if of stored decisions"} for r in what_if]
    two = [r for r in rows if r["workers"] == 2]
    slowest = min(r.get("per_worker_cpu_second") or 0 for r in rows)
    worst = min((r["scaling_efficiency"] for r in two), default=0)
    text = f"{scale}: " + "; ".join(
        f"{r['mode']}: {r.get('per_worker_cpu_second') or 0:,.0f}/s per worker CPU second "
        f"with {r['workers']}"
        for r in rows
    )
    text += f"; efficiency 1 → 2 workers ≥ {worst:.2f}"
    return ("batch", BATCH_GOAL, text, slowest >= 5000 and worst >= 0.8)


def _replay(b: dict[str, Any]) -> str:
    rows = [
        [
            r["store"],
            r["mode"],
            r["decisions"],
            r["per_second"],
            r.get("per_second_per_core"),
            r.get("per_worker_cpu_second"),
        ]
        for r in b.get("rows", [])
    ]
    rows += [
        [store, mode, 2000, rate, per_core, None] for store, mode, rate, per_core in POOL_BEFORE
    ]
    scaling = []
    for store in ("sqlite", "postgresql"):
        on = {r["mode"]: r["per_second"] for r in b.get("rows", []) if r["store"] == store}
        one = on.get("batch job, Dask LocalCluster of 1")
        two = on.get("batch job, Dask LocalCluster of 2")
        if one and two:
            scaling.append(f"{store} {two / (2 * one):.2f}")
    note = (
        "Rates from the wall clock (the workers are other processes), which the machine's load "
        "disturbs; per worker CPU second from the CPU time the worker processes used during "
        "the jobs: what one core gives a worker. Each Dask row is the median of its runs "
        "(`repeats`; one before this report's run of 2026-12-02). The last rows are the "
        "home-made process pool this replaced (a new spawned pool per job, the parent reading "
        "and pickling every decision), as measured with it. Scaling efficiency from 1 to 2 "
        "Dask workers (rate with 2 / twice the rate with 1): "
        + (", ".join(scaling) or "not measured")
        + "."
    )
    head = ["store", "mode", "decisions", "per second", "per core", "per worker CPU second"]
    return _table(head, rows) + "\n\n" + note


def _batch(b: dict[str, Any]) -> str:
    rows = [
        [
            r["workers"],
            r["mode"],
            r["rows"],
            r["per_second"],
            r["per_second_per_worker"],
            r["scaling_efficiency"],
            r.get("per_worker_cpu_second"),
            r.get("per_worker_process_cpu_second"),
            r["peak_rss_mib_per_worker"],
        ]
        for r in b.get("rows", [])
    ]
    head = ["workers", "assessed under", "rows", "per second", "per worker", "efficiency"]
    head += ["per worker CPU second", "per worker process CPU second"]
    head += ["peak RSS per worker (MiB)"]
    note = (
        "Per second, per worker and efficiency from the wall clock, which the machine's "
        "load disturbs (see the load average above); per worker CPU second from the "
        "partitions' own thread time (reading, evaluating, writing rows): what one core "
        "gives a worker; per worker process CPU second from the worker processes' whole "
        "CPU time during the run (Dask's own work too)."
    )
    return _table(head, rows) + "\n\n" + note


def _memory(b: dict[str, Any]) -> str:
    rows = [
        ["at start (interpreter + project imported)", b["rss_start_mib"]],
        [
            f"after loading and compiling all {b['versions_compiled']} versions in rules/",
            b["rss_after_compile_mib"],
        ],
        [
            "after the first evaluation of each (registered with durable_rules)",
            b["rss_after_registering_mib"],
        ],
        [
            f"baseline before {b['evaluations']:,} evaluations (after a warm-up)",
            b["rss_baseline_mib"],
        ],
        [f"after {b['evaluations']:,} evaluations", b["rss_samples_mib"][-1][1]],
        ["growth (threshold for noise)", f"{b['rss_growth_mib']} ({b['noise_threshold_mib']})"],
        ["live durable_rules sessions afterwards", b["live_durable_sessions_after"]],
    ]
    samples = ", ".join(f"{n:,}: {m}" for n, m in b["rss_samples_mib"])
    return (
        _table(["RSS", "MiB"], rows)
        + f"\n\nSamples (evaluations: MiB): {samples}. "
        + f"{b['evaluations_per_second']:,.0f} evaluations per second over "
        + f"{b['answer_sets_cycled']:,} answer sets of every version."
    )


def _collections(b: dict[str, Any]) -> str:
    rows = [
        [
            f"{r['instances']:,}",
            r["evaluate_pure_ms"],
            r["evaluate_durable_ms"],
            r["next_questions_pure_ms"],
            r["us_per_instance_pure"],
            " / ".join(str(r["parts_ms"][k]) for k in ("answers", "compute", "walk", "results")),
            r["rss_mib"],
        ]
        for r in b.get("rows", [])
    ]
    growth = b.get("growth", {})
    return (
        "CPU time of the benchmark's process. An employer's claim (tests/fixtures/employer-claim, "
        "bounds raised), every employee answered; next questions with every employee listed by "
        "name only (all pay open).\n\n"
        + _table(
            [
                "instances",
                "evaluate pure ms",
                "evaluate durable ms",
                "next questions ms",
                "µs per instance",
                "answers / compute / walk / results ms",
                "RSS MiB",
            ],
            rows,
        )
        + f"\n\nGrowth exponents (1.0 = linear): pure {growth.get('evaluate_pure_ms')}, "
        + f"durable {growth.get('evaluate_durable_ms')}, next questions "
        + f"{growth.get('next_questions_pure_ms')}; durable/pure at the largest size "
        + f"{b.get('durable_over_pure')}."
    )


# --- targets ------------------------------------------------------------------------


def _targets(bench: dict[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    """(key, target, measured, met) for each target of the issue."""
    out: list[tuple[str, str, str, bool | None]] = []
    ev = bench.get("evaluation") or {}
    kug = [
        r
        for r in ev.get("rows", [])
        if r["ruleset"] == "kurzarbeitergeld" and r["durable_complete"]
    ]
    if kug:
        head = next((r for r in kug if r["headline"]), kug[-1])
        rate = head["durable_complete"]["cpu_per_second"]
        low = min(r["durable_complete"]["cpu_per_second"] for r in kug)
        out.append(
            (
                "kug_rate",
                "KUG complete evaluation ≥ 5,000/s per core (durable path)",
                f"{rate:,.0f}/s ({head['version']}); slowest version {low:,.0f}/s",
                rate >= 5000,
            )
        )
    else:
        out.append(
            (
                "kug_rate",
                "KUG complete evaluation ≥ 5,000/s per core (durable path)",
                "not measured",
                None,
            )
        )
    zen = bench.get("zen") or {}
    zrow = next((r for r in zen.get("rows", []) if r["version"] == "2019-10-01"), None)
    if zrow:
        q = zrow["rate_ratio_project_over_zen"]["project_evaluate_durable"]
        out.append(
            (
                "snap_vs_zen",
                "SNAP in-process ≥ 1.0 × ZEN's rate",
                f"{q:.2f} × (project `evaluate`, durable)",
                q >= 1.0,
            )
        )
    else:
        out.append(("snap_vs_zen", "SNAP in-process ≥ 1.0 × ZEN's rate", "not measured", None))
    http = bench.get("http") or {}
    name = "HTTP ≥ 60 % of bare Flask (`version` and `as_of` bodies); p99 at half load ≤ 2 × bare"
    if "ratio_project_over_bare" in http:
        r, r_as_of = http["ratio_project_over_bare"], http["ratio_project_as_of_over_bare"]
        p99, bare_p99 = http.get("p99_half_ms"), http.get("p99_half_bare_ms")
        p99_as_of = http.get("p99_half_as_of_ms")
        worst_p99 = max((p for p in (p99, p99_as_of) if p is not None), default=None)
        met = (
            min(r, r_as_of) >= 0.6
            and worst_p99 is not None
            and bare_p99 is not None
            and worst_p99 <= 2 * bare_p99
        )
        rates = {
            row["target"]: row["requests_per_second"]
            for row in http.get("rows", [])
            if row["load"].startswith("saturation")
        }
        inside = http.get("in_process", {})
        out.append(
            (
                "http",
                name,
                f"{r * 100:.0f} % ({_fmt(rates.get('project'))} vs {_fmt(rates.get('bare'))} "
                f"req/s), `as_of` {r_as_of * 100:.0f} %; p99 {_fmt(p99)} ms, `as_of` "
                f"{_fmt(p99_as_of)} ms (bare {_fmt(bare_p99)} ms); in process per core "
                f"{_fmt(inside.get('wsgi_rate_ratio_over_bare'), 2)} × (the apps alone), "
                f"{_fmt(inside.get('rate_ratio_over_bare', {}).get('project'), 2)} × "
                "(through the test client)",
                met,
            )
        )
    else:
        out.append(("http", name, "not measured", None))
    scale = bench.get("scale") or {}
    big = next(
        (r for r in scale.get("rows", []) if r.get("rules") == 2000 and "error" not in r), None
    )
    if big:
        worst = big["next_questions_empty_durable_cpu_us"] / 1000
        half = big["next_questions_half_durable_cpu_us"] / 1000
        half_cold = big.get("next_questions_half_durable_cold_cpu_us", half * 1000) / 1000
        out.append(_next_questions_target(big, worst, half, half_cold))
        exps = scale["growth_exponents"]
        # the measures: load, compile, evaluation, next questions, memory (the
        # walk alone is a part of evaluation, shown in §4 but not judged on its own)
        keys = [k for k in exps if not k.startswith("walk") and exps[k].get("from_100")]
        top_key = max(keys, key=lambda k: exps[k]["from_100"])
        top = exps[top_key]["from_100"]
        local_key = max(keys, key=lambda k: exps[k].get("largest_two") or 0)
        out.append(
            (
                "growth",
                "growth exponent ≤ 1.2",
                f"largest fit over 100–2,000 rules {top} ({scale['metrics'][top_key]}); "
                f"between 1,000 and 2,000 alone up to {exps[local_key].get('largest_two')} "
                f"({scale['metrics'][local_key]})",
                top <= 1.2,
            )
        )
    else:
        out.append(
            (
                "next_questions_2000",
                "next questions on the 2,000-rule set < 5 ms",
                "not measured",
                None,
            )
        )
        out.append(("growth", "growth exponent ≤ 1.2", "not measured", None))
    replay = bench.get("replay") or {}
    on_dask = [r for r in replay.get("rows", []) if "Dask" in r["mode"]]
    goal = "replay and what-if ≥ 5,000 decisions/s per worker core"
    if on_dask:
        worst = min(r.get("per_worker_cpu_second") or 0 for r in on_dask)
        text = "; ".join(
            f"{r['store']} {r['mode'].split(',')[0]} with {r['mode'].rsplit(' ', 1)[-1]}: "
            f"{r.get('per_worker_cpu_second') or 0:,.0f}/s per worker CPU second"
            for r in on_dask
        )
        out.append(("replay", goal, text, worst >= 5000))
    else:
        out.append(("replay", goal, "not measured", None))
    out.append(_batch_target(bench))
    mem = bench.get("memory") or {}
    if "grows" in mem:
        out.append(
            (
                "rss",
                f"no RSS growth over {mem['evaluations']:,} evaluations",
                f"{mem['rss_growth_mib']:+.2f} MiB",
                not mem["grows"],
            )
        )
    else:
        out.append(("rss", "no RSS growth over 100,000 evaluations", "not measured", None))
    return out


def _collection_targets(bench: dict[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    """The issue's targets for claims with collections: 1,000 in < 50 ms, 10,000 in < 500 ms."""
    rows = {r["instances"]: r for r in (bench.get("collections") or {}).get("rows", [])}
    out: list[tuple[str, str, str, bool | None]] = []
    for size, limit in ((1000, 50), (10_000, 500)):
        row = rows.get(size)
        measured = (
            "not measured"
            if row is None
            else f"{row['evaluate_pure_ms']:,} ms pure, {row['evaluate_durable_ms']:,} ms durable; "
            f"next questions {row['next_questions_pure_ms']:,} ms"
        )
        met = (
            None
            if row is None
            else max(row["evaluate_pure_ms"], row["next_questions_pure_ms"]) < limit
        )
        out.append(
            (
                f"collections_{size}",
                f"{size:,} instances: evaluation and next questions < {limit} ms",
                measured,
                met,
            )
        )
    return out


def _next_questions_target(
    big: dict[str, Any], worst: float, half: float, half_cold: float
) -> tuple[str, str, str, bool | None]:
    """Issue 13's measure: one interview step (a session's) on the 2,000-rule set."""
    stateless = (
        f"without a session: {worst:.1f} ms with no answer; half answered {half_cold:.1f} ms "
        f"on a new path, {half:.1f} ms with its walk cached"
    )
    step = big.get("next_questions_step_durable_cpu_us")
    if step is None:  # results from before interview steps were measured
        target = "next questions on the 2,000-rule set < 5 ms"
        return ("next_questions_2000", target, stateless, None)
    every = big["next_questions_step_all_durable_cpu_us"] / 1000
    return (
        "next_questions_2000",
        "next questions, 2,000-rule set, per interview step ≤ 3 ms",
        f"{step / 1000:.1f} ms per step (one answer changed, the first 10 next questions "
        f"worded); {every:.1f} ms with all ~{big['next_questions_half']} worded; {stateless}",
        step / 1000 <= 3,
    )


def _targets_table(bench: dict[str, Any]) -> str:
    notes_file = TEXT / "targets.yaml"
    notes = yaml.safe_load(notes_file.read_text()) if notes_file.exists() else {}
    rows = []
    found = [
        *_targets(bench),
        report_decisions.target(bench),
        *durable_targets(bench),
        floor_target(bench),
        *_collection_targets(bench),
    ]
    for key, target, measured, met in found:
        verdict = "–" if met is None else "**met**" if met else "**missed**"
        text = (notes.get(key) or {}).get("met" if met else "missed", "") if met is not None else ""
        rows.append([target, measured, verdict, " ".join(str(text).split())])
    return _table(["target (2-core machine)", "measured", "", "why, and what it would take"], rows)


def render(document: dict[str, Any]) -> str:
    bench = document.get("benchmarks", {})
    m = document.get("machine", {})
    hotspots = (TEXT / "hotspots.md").read_text() if (TEXT / "hotspots.md").exists() else ""
    packages = ", ".join(f"{k} {v}" for k, v in (m.get("packages") or {}).items() if v)
    parts = [
        "# Performance",
        "",
        "<!-- Generated by `make bench` (python -m bench) from bench/results/latest.json. "
        "Edit bench/text/hotspots.md and bench/text/targets.yaml, not this file. -->",
        "",
        f"Written {document.get('written_at')} on {m.get('cpus')} × {m.get('cpu')}, "
        f"{m.get('memory_gib')} GiB, Python {m.get('python')}, {packages}; commit "
        f"`{m.get('git_commit')}`, load average {m.get('load_average_1m')} when written.",
        "",
        "How it is measured: every benchmark runs in its own process, one after the other "
        "(`python -m bench [name …]`, `--list` shows them). A timing is the median of "
        "several repetitions (5 by default), each running over all answer sets of its kind "
        "for about 0.4 s; timings that are compared are taken in turns (A, B, A, B, …) so a "
        "change in the machine's load hits both, and rates per core come from the process's "
        "CPU time, which other processes on this shared 2-core machine disturb far less than "
        "the wall clock. Ratios are always of two numbers from the same run.",
        "",
        "## Targets",
        "",
        _targets_table(bench),
        "",
        "## Hot spots and changes",
        "",
        hotspots.strip(),
        "",
    ]
    for title, key, render in SECTIONS:
        parts += [f"## {title}", "", _section(bench.get(key), render), ""]
    for title, name in NOTES:  # runs of their own (bench/slow_clients.py, bench/soak.py)
        if (TEXT / name).exists():
            parts += [f"## {title}", "", (TEXT / name).read_text().strip(), ""]
    return "\n".join(parts)


NOTES: tuple[tuple[str, str], ...] = (
    ("8. Serving: worker class and slow clients", "serving.md"),
    ("9. Soak: half of saturation with the database cut", "soak.md"),
)


SECTIONS: tuple[tuple[str, str, Any], ...] = (
    ("1. In-process evaluation", "evaluation", _evaluation),
    ("2. The durable_rules floor", "durable-floor", _floor),
    ("3. Peer: GoRules ZEN on SNAP", "zen", _zen),
    ("4. Scale", "scale", _scale),
    ("5. HTTP", "http", _http),
    ("6. Replay", "replay", _replay),
    ("7. Memory", "memory", _memory),
    ("10. Collections: claims about many people", "collections", _collections),
    ("11. Batch assessment", "batch", _batch),
    ("12. Recording decisions", "decisions", report_decisions.render),
    (
        "13. Populations at scale: 1,000,000 rows and decisions",
        "population",
        report_population.render,
    ),
)


def write_report(document: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(document))
