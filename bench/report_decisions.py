"""The report's parts about recording decisions (bench/decisions.py): a section and a target."""

from __future__ import annotations

from typing import Any

TARGET = "`POST /v1/decisions` on PostgreSQL, 2 workers ≥ 1,500/s, chain verifies after"


def _n(value: Any) -> str:
    if value is None:
        return "–"
    return (
        f"{value:,}" if isinstance(value, int) else f"{value:,.0f}" if value >= 100 else str(value)
    )


def render(b: dict[str, Any]) -> str:
    """Section: CPU per request in one process, per append, and the served runs."""
    inside = b.get("in_process") or {}
    timings = inside.get("timings") or {}
    rows = [
        [name, t.get("cpu_us_per_call"), t.get("cpu_per_second")] for name, t in timings.items()
    ]
    out = [
        "In one process, through Flask's test client on PostgreSQL (CPU time, in turns; the "
        "same complete SNAP body as an evaluation, anonymous and with a client key, and as a "
        "decision):\n",
        _table(["request", "CPU µs", "per second (CPU)"], rows),
    ]
    append = inside.get("append") or {}
    if append:
        out.append(
            f"\nRecording adds {_n(inside.get('recording_cpu_us'))} µs of CPU to the keyed "
            f"evaluation ({_n(inside.get('decision_over_evaluation_cost'))} × its cost). One "
            f"append alone: {_n(append.get('client_cpu_us'))} µs in this process and "
            f"{_n(append.get('postgresql_cpu_us'))} µs in its PostgreSQL backend. Chain after: "
            f"{'ok' if inside.get('chain_ok') else 'BROKEN'} ({_n(inside.get('chain_checked'))} "
            "records)."
        )
    if b.get("rows"):
        out += ["", b.get("setup", "") + ":\n", _served(b)]
    elif b.get("skipped"):
        out.append(f"\nServed runs skipped: {b['skipped']}")
    return "\n".join(out)


def _served(b: dict[str, Any]) -> str:
    rows = [
        [
            r["connections"],
            r["requests_per_second"],
            r["p50_ms"],
            r["p99_ms"],
            r["answered_2xx"],
            r["non_2xx"] + r["socket_errors"],
            r["server_cpu_us_per_decision"],
            r["postgresql_cpu_us_per_decision"],
        ]
        for r in b["rows"]
    ]
    head = ["connections", "decisions/s", "p50 ms", "p99 ms", "2xx", "errors"]
    table = _table([*head, "server CPU µs each", "PostgreSQL CPU µs each"], rows)
    verdict = "verifies" if b.get("chain_ok") else "is BROKEN"
    return (
        f"{table}\n\nAfterwards the chain {verdict} ({_n(b.get('chain_checked'))} records; "
        f"{_n(b.get('stored'))} stored, {_n(b.get('answered_2xx_plus_warm_up'))} answered "
        "2xx to wrk: the rest were in flight when a run stopped). Load average "
        f"{round(b.get('load_average') or 0, 1)} during the runs."
        + _batches(b.get("append_batches"))
    )


def _batches(found: dict[str, Any] | None) -> str:
    if not found or not found.get("transactions"):
        return ""
    return (
        f" Group commit: {found['decisions']:,} decisions in {found['transactions']:,} "
        f"append transactions, {found['mean_size']} per transaction on average."
    )


def target(bench: dict[str, Any]) -> tuple[str, str, str, bool | None]:
    """(key, target, measured, met) of the recording target."""
    b = bench.get("decisions") or {}
    inside = b.get("in_process") or {}
    if not b.get("rows"):
        return ("decisions", TARGET, "not measured", None)
    best = max(b["rows"], key=lambda r: r["requests_per_second"])
    cpu = best["server_cpu_us_per_decision"] + best["postgresql_cpu_us_per_decision"]
    measured = (
        f"{best['requests_per_second']:,.0f}/s at {best['connections']} connections (wall "
        f"clock, load average {round(b.get('load_average') or 0, 1)}); {cpu / 1000:.2f} ms of "
        f"CPU per decision (server + PostgreSQL), so ≤ {2e6 / cpu:,.0f}/s on 2 idle cores; "
        f"recording adds {_n(inside.get('recording_cpu_us'))} µs to an evaluation; chain "
        f"{'verifies' if b.get('chain_ok') else 'BROKEN'}"
    )
    met = best["requests_per_second"] >= 1500 and bool(b.get("chain_ok"))
    return ("decisions", TARGET, measured, met)


def _table(head: list[str], rows: list[list[Any]]) -> str:
    from bench.report import _table as table

    return table(head, rows)
