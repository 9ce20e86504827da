"""(11) Recording decisions: `POST /v1/decisions` on PostgreSQL, in one process and served.

- In one process (CPU time, in turns): the same complete SNAP body posted through
  Flask's test client as an evaluation (anonymous and with a client key) and as a
  decision; and the append alone (`SqlDecisions.append` of a sealed-to-be draft), with
  the CPU of this process and of its PostgreSQL backends (found by application_name:
  the appends run on the connection their writer keeps, not on the one reads use).
- Served: `eligibility serve` (2 workers, its default gthread threads) on a fresh
  PostgreSQL schema, `wrk` posting decisions with a client key at 8, 16 and 32
  connections. The server's CPU (its process tree) and that of its PostgreSQL backends
  (found by application_name) per decision; afterwards the chain is verified and the
  decisions stored are counted against the 201s wrk saw.
The load generator and other engineers' work share the two cores: the served rates are
wall-clock numbers of a loaded machine; the CPU per decision is the steadier figure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import psutil
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench.corpus import corpus
from bench.harness import ROOT, Settings, measure_many, ratio
from bench.http import BODY_SCENARIO, _free_port, _ms, _stop, _wait_ready

APPLICATION = "bench-decisions"
IN_PROCESS = "bench-decisions-in-process"


def _body() -> dict[str, Any]:
    item = next(i for i in corpus("snap", "2019-10-01").complete if i.name == BODY_SCENARIO)
    return {"ruleset": "snap", "version": "2019-10-01", "answers": item.answers}


def run(settings: Settings) -> dict[str, Any]:
    from eligibility.storage.migrate import upgrade
    from eligibility.storage.testing import temporary_database

    with tempfile.TemporaryDirectory() as tmp:
        with temporary_database("postgresql", Path(tmp)) as url:
            upgrade(url)
            inside = in_process(settings, url)
        if shutil.which("wrk") is None:
            return {"in_process": inside, "skipped": "wrk not installed (apt-get install wrk)"}
        with temporary_database("postgresql", Path(tmp)) as url:
            served = _served(settings, url, Path(tmp))
    return {"in_process": inside, **served}


def in_process(settings: Settings, url: str) -> dict[str, Any]:
    """CPU per request through the WSGI app on PostgreSQL, and per append (with the backend)."""
    from api import create_app
    from eligibility import services
    from eligibility.storage.sql import SqlStorage

    store = SqlStorage(_named(url, IN_PROCESS))
    app = create_app({"RULES": [str(ROOT / "rules" / "snap")], "STORAGE": store, "TESTING": True})
    token, _ = services.create_key(store, "client", "bench")
    keyed = {"Authorization": f"Bearer {token}"}
    client, body = app.test_client(), _body()

    def post(path: str, headers: dict[str, str]) -> Any:
        return lambda _: client.post(path, json=body, headers=headers)

    first = client.post("/v1/decisions", json=body, headers=keyed)
    assert first.status_code == 201, first.data
    recorded = services.get_decision(store, first.get_json()["id"])
    timings = measure_many(
        {
            "evaluation": (post("/v1/evaluations", {}), [0]),
            "evaluation_keyed": (post("/v1/evaluations", keyed), [0]),
            "decision": (post("/v1/decisions", keyed), [0]),
        },
        settings,
    )
    cpu = {k: v["cpu_us_per_call"] for k, v in timings.items()}
    appends = _appends(store, settings, recorded, url)
    verified = services.verify_audit_chain(store)
    store.close()
    return {
        "timings": timings,
        "decision_over_evaluation_cost": ratio(cpu["decision"], cpu["evaluation_keyed"]),
        "recording_cpu_us": round(cpu["decision"] - cpu["evaluation_keyed"], 1),
        "append": appends,
        "chain_ok": verified.ok,
        "chain_checked": verified.checked,
    }


def _appends(store: Any, settings: Settings, recorded: Any, url: str) -> dict[str, Any]:
    """CPU of one append (this process and its PostgreSQL backends), median of repetitions."""
    from eligibility.decisions import DecisionDraft

    names = DecisionDraft.__dataclass_fields__
    draft = DecisionDraft(**{name: getattr(recorded, name) for name in names})
    count = 100 if settings.quick else 300
    client_us, server_us = [], []
    for _ in range(settings.repeat):
        drafts = [replace(draft, id=str(uuid.uuid4())) for _ in range(count)]
        s0, c0 = _backends(url, IN_PROCESS), time.process_time()
        for each in drafts:
            store.decisions.append(each)
        client_us.append((time.process_time() - c0) / count * 1e6)
        s1 = _backends(url, IN_PROCESS)
        server_us.append(sum(s1[pid] - s0.get(pid, 0) for pid in s1) / count * 1e6)
    return {
        "client_cpu_us": round(sorted(client_us)[len(client_us) // 2], 1),
        "postgresql_cpu_us": round(sorted(server_us)[len(server_us) // 2], 1),
        "appends_per_repetition": count,
    }


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def _served(settings: Settings, url: str, folder: Path) -> dict[str, Any]:
    """`eligibility serve` with 2 workers under wrk; CPU per decision; the chain afterwards."""
    from eligibility import services
    from eligibility.records import DecisionFilter
    from eligibility.storage.sql import DatabaseSettings, SqlStorage

    env = {
        **os.environ,
        "DATABASE_URL": _named(url, APPLICATION),
        "ELIGIBILITY_RULES": str(ROOT / "rules" / "snap"),
    }
    cli = str(Path(sys.executable).parent / "eligibility")
    subprocess.run([cli, "db", "upgrade"], env=env, cwd=folder, check=True, capture_output=True)
    made = subprocess.run(
        [cli, "keys", "create", "--role", "client", "--name", "bench"],
        env=env,
        cwd=folder,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    token = next(line.split()[1] for line in made.splitlines() if line.startswith("secret:"))
    script = folder / "decision.lua"
    script.write_text(
        'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "Bearer {token}"\n'
        f"wrk.body = {json.dumps(json.dumps(_body()))}\n"
    )
    port = _free_port()
    log = open(folder / "server.log", "wb")  # noqa: SIM115
    server = subprocess.Popen(
        [cli, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
        env=env,
        cwd=folder,
        stdout=log,
        stderr=log,
    )
    seconds = 4 if settings.quick else 10
    rows = []
    try:
        _wait_ready(port, server)
        _wrk(port, 4, 2, script)  # warm up: versions compiled, pools filled
        for connections in (8, 16, 32):
            before = _cpu_of(server.pid, url)
            result = _wrk(port, connections, seconds, script)
            after = _cpu_of(server.pid, url)
            done = max(result["answered_2xx"], 1)
            result["server_cpu_us_per_decision"] = round((after[0] - before[0]) / done * 1e6)
            result["postgresql_cpu_us_per_decision"] = round(
                sum(after[1].get(pid, 0) - before[1].get(pid, 0) for pid in after[1]) / done * 1e6
            )
            rows.append(result)
        batches = _batch_sizes(port)
    finally:
        _stop(server)
        log.close()
    store = SqlStorage(url, settings=DatabaseSettings.unlimited())  # pages of 1,000: no 2 s
    verified = services.verify_audit_chain(store)
    stored = store.decisions.count(DecisionFilter())
    store.close()
    best = max(rows, key=lambda r: r["requests_per_second"])
    answered = sum(r["answered_2xx"] for r in rows)
    return {
        "setup": (
            "`POST /v1/decisions` with a client key, one complete SNAP answer set (2019-10-01), "
            "`eligibility serve --workers 2` (gthread, default threads) on PostgreSQL, wrk on "
            f"loopback for {seconds} s per run; CPU of the server's processes and of its "
            "PostgreSQL backends per decision answered 2xx"
        ),
        "rows": rows,
        "best_requests_per_second": best["requests_per_second"],
        "best_connections": best["connections"],
        "chain_ok": verified.ok,
        "chain_checked": verified.checked,
        "stored": stored,
        # wrk counts the 2xx it read; requests in flight when a run stops are stored unread
        "answered_2xx_plus_warm_up": answered,
        "load_average": os.getloadavg()[0],
        "append_batches": batches,
    }


def _batch_sizes(port: int) -> dict[str, Any]:
    """The workers' append transactions and their mean size, from /metrics (group commit)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        found = {
            sample.name: sample.value
            for family in text_string_to_metric_families(response.read().decode())
            for sample in family.samples
            if sample.name.startswith("eligibility_decision_batch_size")
            and sample.name.endswith(("_count", "_sum"))
        }
    count = found.get("eligibility_decision_batch_size_count", 0.0)
    total = found.get("eligibility_decision_batch_size_sum", 0.0)
    return {
        "transactions": int(count),
        "decisions": int(total),
        "mean_size": round(total / count, 2) if count else None,
    }


def _cpu_of(pid: int, url: str) -> tuple[float, dict[int, float]]:
    """CPU seconds of the server's process tree, and of each of its PostgreSQL backends."""

    tree = psutil.Process(pid)
    total = 0.0
    for process in [tree, *tree.children(recursive=True)]:
        try:
            total += _cpu(process)
        except psutil.Error:
            pass
    return total, _backends(url, APPLICATION)


def _named(url: str, application: str) -> str:
    """The URL with an application_name, so its PostgreSQL backends can be found."""
    named = make_url(url).update_query_dict({"application_name": application})
    return named.render_as_string(hide_password=False)


def _backends(url: str, application: str) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend of this application_name."""
    from sqlalchemy import create_engine

    engine = create_engine(make_url(url).set(drivername="postgresql+psycopg"))
    with engine.connect() as connection:
        pids = connection.execute(
            text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"),
            {"name": application},
        ).scalars()
        backends = {}
        for backend in pids:
            try:
                backends[int(backend)] = _cpu(psutil.Process(int(backend)))
            except psutil.Error:
                pass
    engine.dispose()
    return backends


def _wrk(port: int, connections: int, seconds: int, script: Path) -> dict[str, Any]:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
        + ["-s", str(script), f"http://127.0.0.1:{port}/v1/decisions"],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    ).stdout
    found = {m.group(1): _ms(m.group(2)) for m in re.finditer(r"^\s+(50|99)%\s+(\S+)", out, re.M)}
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    failed = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    rate = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))  # type: ignore[union-attr]
    return {
        "connections": connections,
        "requests_per_second": rate,
        "p50_ms": found.get("50"),
        "p99_ms": found.get("99"),
        "answered_2xx": total - failed,
        "non_2xx": failed,
        "socket_errors": errors,
    }
