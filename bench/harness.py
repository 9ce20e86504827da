"""Timing, repetitions, medians and the machine's description.

A timing is the median over `repeat` repetitions; each repetition runs the function
over the whole list of inputs as many times as fill about `seconds`, so every input
weighs the same. The garbage collector stays on (production has it on) and is emptied
before every repetition.
"""

from __future__ import annotations

import gc
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


@dataclass(frozen=True)
class Settings:
    """How long and how often to measure."""

    repeat: int = 5
    seconds: float = 0.4  # per repetition
    quick: bool = False

    def scaled(self, factor: float) -> Settings:
        """The same settings with longer (or shorter) repetitions."""
        return Settings(self.repeat, self.seconds * factor, self.quick)


def summary(
    samples_us: Sequence[float], calls: int, cpu_us: Sequence[float] | None = None
) -> dict[str, Any]:
    """Median µs per call (wall clock and CPU), calls per second, spread of the repetitions."""
    median = statistics.median(samples_us)
    out: dict[str, Any] = {
        "us_per_call": round(median, 2),
        "per_second": round(1e6 / median, 1) if median else None,
        "min_us": round(min(samples_us), 2),
        "max_us": round(max(samples_us), 2),
        "spread": round((max(samples_us) - min(samples_us)) / median, 3) if median else None,
        "calls_per_repetition": calls,
        "repetitions": len(samples_us),
    }
    if cpu_us:
        cpu = statistics.median(cpu_us)
        out["cpu_us_per_call"] = round(cpu, 2)
        out["cpu_per_second"] = round(1e6 / cpu, 1) if cpu else None
        out["cpu_per_wall"] = round(sum(cpu_us) / sum(samples_us), 3)
    return out


Case = tuple[Callable[[Any], object], Sequence[Any]]


def measure_many(cases: dict[str, Case], settings: Settings) -> dict[str, dict[str, Any]]:
    """Several timings taken in turns (A, B, C, A, B, C, …) so that a change in the
    machine's load hits all of them alike; each is the median of its repetitions.

    Every repetition runs the function over the whole list of inputs as often as fills
    about `settings.seconds`; the wall-clock and the process CPU time are both kept
    (CPU time includes the process's other threads, e.g. a native engine's workers).
    """
    plans: dict[str, list[Any]] = {}
    for name, (fn, inputs) in cases.items():
        if not inputs:
            raise ValueError(f"{name}: nothing to measure")
        start = time.perf_counter()
        for item in inputs:  # warm-up, and a first estimate of the cost
            fn(item)
        first = max(time.perf_counter() - start, 1e-9)
        plans[name] = list(inputs) * max(1, math.ceil(settings.seconds / first))
    wall: dict[str, list[float]] = {name: [] for name in cases}
    cpu: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(settings.repeat):
        for name, (fn, _) in cases.items():
            sequence = plans[name]
            gc.collect()
            c0, t0 = time.process_time(), time.perf_counter()
            for item in sequence:
                fn(item)
            t1, c1 = time.perf_counter(), time.process_time()
            wall[name].append((t1 - t0) / len(sequence) * 1e6)
            cpu[name].append((c1 - c0) / len(sequence) * 1e6)
    return {name: summary(wall[name], len(plans[name]), cpu[name]) for name in cases}


def measure(
    fn: Callable[[Any], object], inputs: Sequence[Any], settings: Settings
) -> dict[str, Any]:
    """Median µs per call of `fn` over `inputs` (cycled); see `measure_many`."""
    return measure_many({"only": (fn, inputs)}, settings)["only"]


def time_once(fn: Callable[[], object], settings: Settings) -> dict[str, Any]:
    """Median wall time of a whole operation (e.g. load + compile), repeated."""
    samples, cpu = [], []
    for _ in range(settings.repeat):
        gc.collect()
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        t1, c1 = time.perf_counter(), time.process_time()
        samples.append((t1 - t0) * 1e6)
        cpu.append((c1 - c0) * 1e6)
    out = summary(samples, 1, cpu)
    out["ms"] = round(out["us_per_call"] / 1000, 3)
    out["cpu_ms"] = round(out["cpu_us_per_call"] / 1000, 3)
    return out


def ratio(a: float | None, b: float | None, digits: int = 3) -> float | None:
    """a / b, or None when either is missing."""
    if a is None or b is None or b == 0:
        return None
    return round(a / b, digits)


def rss_bytes() -> int:
    """Resident set size of this process (from /proc, no dependency)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


def growth_exponent(sizes: Sequence[float], values: Sequence[float]) -> float | None:
    """Least-squares slope of log(value) over log(size): 1 is linear growth."""
    points = [(math.log(s), math.log(v)) for s, v in zip(sizes, values, strict=True) if v > 0]
    if len(points) < 2:
        return None
    mx = statistics.fmean(p[0] for p in points)
    my = statistics.fmean(p[1] for p in points)
    num = sum((x - mx) * (y - my) for x, y in points)
    den = sum((x - mx) ** 2 for x, _ in points)
    return round(num / den, 3) if den else None


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip()


def code_state() -> dict[str, Any]:
    """The commit measured, and the project files that differed from it (others' work)."""
    changed = _git("status", "--porcelain", "--", "eligibility", "api", "rules") or ""
    return {
        "git_commit": _git("rev-parse", "--short", "HEAD"),
        "uncommitted": sorted(
            line.split(maxsplit=1)[1] for line in changed.splitlines() if line.strip()
        ),
    }


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    load = os.getloadavg()
    return {
        "python": platform.python_version(),
        "implementation": sys.implementation.name,
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cpus": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "load_average_1m": round(load[0], 2),
        "git_commit": _git("rev-parse", "--short", "HEAD"),
        "packages": {
            p: _version(p)
            for p in ("durable-rules", "zen-engine", "flask", "gunicorn", "sqlalchemy")
        },
    }
