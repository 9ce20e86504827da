"""`python -m bench [NAME ...]`: run benchmarks, write bench/results/latest.json and docs.

Each benchmark runs in a fresh Python process (its own memory, its own durable_rules
host, a time limit), one after the other so they never compete for the two cores.
Running a subset keeps the other sections of latest.json from their last run; the
report says when each section was measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import RESULTS, ROOT, Settings, code_state, machine

# name → (module, time limit in seconds, what it measures)
BENCHMARKS: dict[str, tuple[str, int, str]] = {
    "evaluation": ("bench.evaluation", 1200, "in-process evaluation per rule set (1)"),
    "durable-floor": ("bench.durable_floor", 600, "durable_rules raw floor (2)"),
    "zen": ("bench.zen_peer", 600, "GoRules ZEN peer on SNAP (3)"),
    "scale": ("bench.scale", 2400, "generated rule sets of 10-2,000 rules (4)"),
    "http": ("bench.http", 900, "HTTP API against bare Flask (5)"),
    "decisions": ("bench.decisions", 900, "recording decisions on PostgreSQL, 2 workers (11)"),
    "replay": ("bench.replay", 1800, "replay of stored decisions on Dask, 1 and 2 workers (6)"),
    "batch": ("bench.batch", 1800, "batch assessment on Dask, 1 and 2 workers (10)"),
    "population": ("bench.population", 10800, "1,000,000 rows assessed, 1,000,000 what-ifs (12)"),
    "memory": ("bench.memory", 1200, "RSS after compiling, over 100,000 evaluations (7)"),
    "profile": ("bench.profile", 600, "profiles of the hot paths (pyinstrument)"),
    "collections": ("bench.entities", 1200, "claims of 100-10,000 instances (10)"),
}
LATEST = RESULTS / "latest.json"
DOCS = ROOT / "docs" / "performance.md"


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "names", nargs="*", help=f"benchmarks to run (default: all): {', '.join(BENCHMARKS)}"
    )
    parser.add_argument("--repeat", type=int, default=5, help="repetitions per timing (median)")
    parser.add_argument("--seconds", type=float, default=0.4, help="length of one repetition")
    parser.add_argument("--quick", action="store_true", help="3 short repetitions, fewer sizes")
    parser.add_argument("--out", type=Path, default=LATEST, help="results file")
    parser.add_argument("--docs", type=Path, default=DOCS, help="report to (re)write")
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite the report")
    parser.add_argument("--list", action="store_true", help="list the benchmarks")
    parser.add_argument(
        "--report-only", action="store_true", help="rewrite the report from the results file"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _settings(args: argparse.Namespace) -> Settings:
    if args.quick:
        return Settings(repeat=3, seconds=min(args.seconds, 0.15), quick=True)
    return Settings(repeat=args.repeat, seconds=args.seconds)


def _work(args: argparse.Namespace) -> int:
    """Worker process: run one benchmark, write its result as JSON."""
    from eligibility.catalogue import set_apart_compiled

    set_apart_compiled()  # the versions compiled here are held as a server's worker holds them
    module = importlib.import_module(BENCHMARKS[args.worker][0])
    result = module.run(_settings(args))
    args.json.write_text(json.dumps(result, indent=2, default=str))
    return 0


def _run_one(name: str, args: argparse.Namespace) -> dict[str, Any]:
    _, limit, _ = BENCHMARKS[name]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        command = [sys.executable, "-m", "bench", "--worker", name, "--json", str(out)]
        command += ["--repeat", str(args.repeat), "--seconds", str(args.seconds)]
        command += ["--quick"] if args.quick else []
        started = time.perf_counter()
        try:
            done = subprocess.run(command, cwd=ROOT, timeout=limit, check=False)
        except subprocess.TimeoutExpired:
            return {"error": f"did not finish within {limit} s"}
        elapsed = round(time.perf_counter() - started, 1)
        if done.returncode != 0 or not out.exists():
            return {"error": f"exited with {done.returncode}", "duration_s": elapsed}
        result: dict[str, Any] = json.loads(out.read_text())
    result["duration_s"] = elapsed
    return result


def main(argv: list[str] | None = None) -> int:
    args = _arguments(sys.argv[1:] if argv is None else argv)
    if args.worker:
        return _work(args)
    if args.list:
        for name, (_, limit, what) in BENCHMARKS.items():
            print(f"{name:15} {what} (limit {limit} s)")
        return 0
    if args.report_only:
        from bench.report import write_report

        write_report(json.loads(args.out.read_text()), args.docs)
        print(f"report:  {args.docs}")
        return 0
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; try --list", file=sys.stderr)
        return 2
    names = args.names or list(BENCHMARKS)
    previous: dict[str, Any] = {}
    if args.out.exists():
        previous = json.loads(args.out.read_text()).get("benchmarks", {})
    results = dict(previous)
    for name in names:
        print(f"== {name}: {BENCHMARKS[name][2]}", flush=True)
        code = code_state()
        result = _run_one(name, args)
        result["code"] = code
        result["measured_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        result["settings"] = {"repeat": args.repeat, "seconds": args.seconds, "quick": args.quick}
        results[name] = result
        status = result.get("error") or result.get("skipped") or "done"
        print(f"   {status} ({result.get('duration_s', '?')} s)", flush=True)
    document = {
        "written_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "benchmarks": {n: results[n] for n in BENCHMARKS if n in results},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, indent=2, default=str) + "\n")
    print(f"results: {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    if not args.no_docs:
        from bench.report import write_report

        write_report(document, args.docs)
        print(f"report:  {args.docs}")
    failed = [n for n in names if "error" in results[n]]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
