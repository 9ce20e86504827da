"""(7) Memory: RSS after compiling every version in rules/, and over 100,000 evaluations.

Runs in a fresh process (the runner starts one per benchmark). RSS is read from
/proc after a full garbage collection: at start (interpreter + the project imported),
after loading and compiling every version of every rule set in rules/, after the
first evaluation of each (which registers it with durable_rules), then every 10,000
evaluations of 100,000 on the durable path (complete and partial answer sets of
every version, in turn). A first 5,000 evaluations let the allocator settle before
the baseline; growth is judged against that baseline.
"""

from __future__ import annotations

import gc
import itertools
import time
from typing import Any

from bench.corpus import available, corpus, versions_of
from bench.harness import ROOT, Settings, rss_bytes

EVALUATIONS = 100_000
SAMPLE_EVERY = 10_000
WARM_UP = 5_000
NOISE_MIB = 2.0  # growth below this (or 2 % of the baseline) counts as noise


def _mib() -> float:
    gc.collect()
    return round(rss_bytes() / 2**20, 2)


def run(settings: Settings) -> dict[str, Any]:
    from eligibility import compiled, evaluate, load_paths
    from eligibility.engine.durable import live_sessions

    out: dict[str, Any] = {"rss_start_mib": _mib()}
    t0 = time.perf_counter()
    rulesets = load_paths([ROOT / "rules"])
    versions = [compiled(r) for r in rulesets]
    out["versions_compiled"] = len(versions)
    out["load_compile_all_s"] = round(time.perf_counter() - t0, 3)
    out["rss_after_compile_mib"] = _mib()
    items: list[tuple[Any, Any]] = []
    for ruleset_id in available():
        for version in versions_of(ruleset_id):
            found = corpus(ruleset_id, version)
            for item in found.complete + found.partial:
                items.append((found.compiled, item))
    for c in versions:
        evaluate(c, {})
    out["rss_after_registering_mib"] = _mib()
    total = 2_000 if settings.quick else EVALUATIONS
    every = max(1, total // 10)
    cycle = itertools.cycle(items)

    def run_some(count: int) -> None:
        for _ in range(count):
            c, item = next(cycle)
            evaluate(c, item.answers, as_of=item.as_of or c.ruleset.effective_from)

    run_some(min(WARM_UP, total // 10))
    baseline = _mib()
    samples = [(0, baseline)]
    t0 = time.perf_counter()
    for done in range(every, total + 1, every):
        run_some(every)
        samples.append((done, _mib()))
    elapsed = time.perf_counter() - t0
    growth = round(samples[-1][1] - baseline, 2)
    out.update(
        {
            "answer_sets_cycled": len(items),
            "evaluations": total,
            "evaluations_per_second": round(total / elapsed, 1),
            "rss_baseline_mib": baseline,
            "rss_samples_mib": samples,
            "rss_growth_mib": growth,
            "rss_peak_over_baseline_mib": round(max(s[1] for s in samples) - baseline, 2),
            "noise_threshold_mib": max(NOISE_MIB, round(baseline * 0.02, 2)),
            "grows": growth > max(NOISE_MIB, baseline * 0.02),
            "live_durable_sessions_after": live_sessions(),
        }
    )
    return out
