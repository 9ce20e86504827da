"""(5) HTTP: `POST /v1/evaluations` under `eligibility serve` against bare Flask.

Both servers run on loopback with the same gunicorn settings (2 sync workers, as
`eligibility serve --worker-class sync`;
access log on; see `bench.bare_flask`), against a fresh SQLite database. The body is
one complete SNAP answer set (a Utah family of three with earnings) under 2019-10-01,
sent two ways: naming the `version`, and naming only the date (`as_of`) so the
catalogue picks the version; the catalogue remembers both (VERSION_CACHE_SECONDS), so
they should cost the same, and the run says whether they do. The bare endpoint
returns the project's response to the `version` body as a constant.

- Saturation: `wrk` (Debian package) with one thread, closed loop, at 2, 4 and 8
  connections for a short probe; the best number of connections is then run in turns
  on both servers; requests/s and p50/p99 are the median run's.
- Half of saturation: `hey` (Debian package) at a fixed rate of half the measured
  saturation of each server, p50/p99 of all its requests.
The load generator shares the two cores with the two workers, as it would on a
2-core host; both servers carry the same handicap. All runs are time-bounded.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from werkzeug.test import EnvironBuilder

from bench.corpus import corpus
from bench.harness import ROOT, Settings, measure_many, ratio

BODY_SCENARIO = "UT family of three with earnings"
# Both servers' gunicorn worker class (bare Flask was once left on gthread, whose kept-alive
# connections the project's sync workers never get).
WORKER_CLASS = "sync"
PATH = "/v1/evaluations"
MULTIPROCESS = "PROMETHEUS_MULTIPROC_DIR"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(port: int, process: subprocess.Popen[bytes], limit: float = 90) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("server not ready in time")


def _wait_booted(log: Path, workers: int, process: subprocess.Popen[bytes]) -> None:
    """Wait until every worker has synced the rule files (each logs it once it is up).

    `/readyz` answers as soon as one worker is up; each worker loads every rule file
    when it boots (~25 s at a load average of 13), so the other could still be booting.
    """
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        if log.read_text(errors="replace").count('"rule files: ') >= workers:
            return
        time.sleep(0.5)
    raise RuntimeError("the workers did not all boot in time")


def _post(port: int, body: bytes) -> tuple[int, bytes]:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{PATH}",
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status, r.read()


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _ms(text: str) -> float:
    value = float(re.sub(r"[a-z]+$", "", text))
    unit = re.sub(r"^[0-9.]+", "", text)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(port: int, connections: int, seconds: int, script: Path) -> dict[str, Any]:
    """One closed-loop wrk run: requests/s, p50/p99 ms, errors."""
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "10s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}{PATH}",
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    ).stdout
    found = {m.group(1): _ms(m.group(2)) for m in re.finditer(r"^\s+(50|99)%\s+(\S+)", out, re.M)}
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    rate = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))  # type: ignore[union-attr]
    return {
        "requests_per_second": rate,
        "p50_ms": found.get("50"),
        "p99_ms": found.get("99"),
        "errors": errors,
        "connections": connections,
        "seconds": seconds,
    }


def hey(port: int, rate: float, seconds: int, body_file: Path) -> dict[str, Any]:
    """A fixed-rate run with hey (4 connections sharing the rate): achieved rate, p50/p99."""
    workers = 4
    out = subprocess.run(
        [
            "hey",
            "-z",
            f"{seconds}s",
            "-c",
            str(workers),
            "-q",
            f"{max(rate / workers, 0.1):.2f}",
            "-m",
            "POST",
            "-T",
            "application/json",
            "-D",
            str(body_file),
            "-t",
            "10",
            f"http://127.0.0.1:{port}{PATH}",
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    ).stdout
    found = {
        m.group(1): round(float(m.group(2)) * 1000, 2)
        for m in re.finditer(r"(50|99)% in ([0-9.]+) secs", out)
    }
    ok = sum(int(n) for n in re.findall(r"\[200\]\s+(\d+) responses", out))
    total = sum(int(n) for n in re.findall(r"\[\d+\]\s+(\d+) responses", out))
    errors = (
        total
        - ok
        + sum(int(n) for n in re.findall(r"^\s+\[(\d+)\]\s+Get|^\s+\[(\d+)\]\s+Post", out))
    )
    rate_done = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))  # type: ignore[union-attr]
    return {
        "requests_per_second": round(rate_done, 1),
        "target_rate": round(rate, 1),
        "p50_ms": found.get("50"),
        "p99_ms": found.get("99"),
        "errors": errors,
        "connections": workers,
        "seconds": seconds,
    }


def _body_files(folder: Path, name: str, body: dict[str, Any]) -> tuple[Path, Path]:
    """The body as a file (for hey) and as a wrk script posting it."""
    text = json.dumps(body)
    body_file, script = folder / f"{name}.json", folder / f"{name}.lua"
    body_file.write_text(text)
    script.write_text(
        'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
        f"wrk.body = {json.dumps(text)}\n"
    )
    return body_file, script


def in_process(settings: Settings, bodies: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """CPU per request through the WSGI apps (Flask's test client), taken in turns.

    Free of the load generator and of the scheduling on a shared machine: the CPU time of
    this one process. `wsgi_*` call the two apps as a server does (a prebuilt environ),
    without the test client's ~80 µs a request in both. `serialize_*` isolate writing the
    response: EvaluationSchema's dump with Flask's JSON against the lean body
    (api/evaluation_body.py) with orjson. The process pays what a worker of `eligibility
    serve` pays besides the app (`as_served`): the access line written to a file, and
    prometheus_client in multiprocess mode.
    """
    folder = as_served()
    from api import create_app
    from api.evaluation_body import evaluation_body
    from api.jsonio import json_response
    from api.schemas import EvaluationSchema
    from api.state import state
    from bench.bare_flask import bare_app
    from eligibility.storage import memory_storage

    app = create_app(
        {"RULES": [str(ROOT / "rules" / "snap")], "STORAGE": memory_storage(), "TESTING": True}
    )
    client = app.test_client()
    chosen = client.post(PATH, json=bodies["project_as_of"]).get_json()["ruleset"]["version"]
    # the date picks a correction of the version (2019-10-01.1): name that one, as served
    bodies = {**bodies, "project": {**bodies["project"], "version": chosen}}
    response = client.post(PATH, json=bodies["project"])
    bare = bare_app(response.data).test_client()
    with app.test_request_context(PATH, method="POST", json=bodies["project"]):
        evaluation = state().evaluator.evaluate(_request(bodies["project"]), drafts=False)
    dump = EvaluationSchema(exclude=("trace",))

    def post(c: Any, body: dict[str, Any], path: str = PATH) -> Any:
        return lambda _: c.post(path, json=body)

    def served(wsgi: Any, body: dict[str, Any]) -> Any:
        """The app called as a server calls it (a prebuilt environ), without the test client."""
        raw = json.dumps(body).encode()
        environ = EnvironBuilder(
            path=PATH, method="POST", data=raw, content_type="application/json"
        ).get_environ()
        environ["RAW_URI"] = PATH  # as gunicorn sets it

        def call(_: Any) -> None:
            given = {**environ, "wsgi.input": io.BytesIO(raw)}
            answer = wsgi(given, lambda status, headers, exc_info=None: None)
            for _chunk in answer:
                pass
            getattr(answer, "close", lambda: None)()

        return call

    with app.app_context():
        timings = measure_many(
            {
                "project": (post(client, bodies["project"]), [0]),
                "project_as_of": (post(client, bodies["project_as_of"]), [0]),
                "project_fields_goals": (
                    post(client, bodies["project"], f"{PATH}?fields=goals"),
                    [0],
                ),
                "bare": (post(bare, bodies["project"]), [0]),
                "wsgi_project": (served(app, bodies["project"]), [0]),
                "wsgi_bare": (served(bare.application, bodies["project"]), [0]),
                "serialize_marshmallow": (
                    lambda e: app.json.response(dump.dump(e)),
                    [evaluation],
                ),
                "serialize_lean": (lambda e: json_response(evaluation_body(e)), [evaluation]),
            },
            settings,
        )
    cpu = {k: v["cpu_us_per_call"] for k, v in timings.items()}
    os.environ.pop(MULTIPROCESS, None)  # the servers started next make their own
    shutil.rmtree(folder, ignore_errors=True)
    return {
        "as_served": "access line written to a file; metrics in multiprocess mode",
        "timings": timings,
        # rates per core (CPU time): project / bare Flask, the way the HTTP target is put
        "rate_ratio_over_bare": {
            k: ratio(cpu["bare"], cpu[k])
            for k in ("project", "project_as_of", "project_fields_goals")
        },
        # the same without Flask's test client (~80 µs a request, in both): the apps alone
        "wsgi_rate_ratio_over_bare": ratio(cpu["wsgi_bare"], cpu["wsgi_project"]),
        "as_of_over_version_cost": ratio(cpu["project_as_of"], cpu["project"]),
        "serialize_marshmallow_over_lean_cost": ratio(
            cpu["serialize_marshmallow"], cpu["serialize_lean"]
        ),
    }


def as_served() -> Path:
    """Set this process up as a served worker is: metrics in multiprocess mode (before
    prometheus_client is imported), JSON log lines with the access line written to a file
    (a worker's stderr); returns the folder holding both."""
    if "prometheus_client" in sys.modules:
        raise RuntimeError("prometheus_client was imported before multiprocess mode was set")
    folder = Path(tempfile.mkdtemp(prefix="bench-http-"))
    os.environ[MULTIPROCESS] = str(folder)
    import logging

    from api import logs

    logs.configure()
    stream = open(folder / "worker.log", "w")  # noqa: SIM115 (the worker's stderr)
    for handler in logging.getLogger().handlers:
        if getattr(handler, "_eligibility", False):
            handler.setStream(stream)  # type: ignore[attr-defined]
    return folder


def _request(body: dict[str, Any]) -> Any:
    from api.evaluations import evaluation_request

    return evaluation_request(body)


def _cpu_of_tree(pid: int) -> float:
    try:
        import psutil
    except ImportError:
        return float("nan")
    proc = psutil.Process(pid)
    total = 0.0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def run(settings: Settings) -> dict[str, Any]:
    item = next(i for i in corpus("snap", "2019-10-01").complete if i.name == BODY_SCENARIO)
    bodies = {
        "project": {"ruleset": "snap", "version": "2019-10-01", "answers": item.answers},
        "project_as_of": {"ruleset": "snap", "as_of": "2019-10-01", "answers": item.answers},
    }
    inside = in_process(settings, bodies)
    missing = [tool for tool in ("wrk", "hey") if shutil.which(tool) is None]
    if missing:
        return {
            "in_process": inside,
            "skipped": f"{' and '.join(missing)} not installed (apt-get install wrk hey)",
        }
    servers = _servers(settings, bodies)
    return {"in_process": inside, **servers}


def _servers(settings: Settings, bodies: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The two servers under wrk and hey (wall clock; see the module's docstring)."""
    request_body = json.dumps(bodies["project"]).encode()
    probe_s, run_s = (2, 4) if settings.quick else (5, 10)
    repeats = 1 if settings.quick else min(settings.repeat, 3)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
            "ELIGIBILITY_RULES": str(ROOT / "rules"),
        }
        cli = str(Path(sys.executable).parent / "eligibility")
        subprocess.run(
            [cli, "db", "upgrade"],
            env=env,
            cwd=folder,
            check=True,
            capture_output=True,
            timeout=120,
        )
        files = {name: _body_files(folder, name, body) for name, body in bodies.items()}
        files["bare"] = files["project"]
        servers: dict[str, tuple[int, subprocess.Popen[bytes]]] = {}
        logs = []
        try:
            port = _free_port()
            log = open(folder / "project.log", "wb")  # noqa: SIM115
            logs.append(log)
            proc = subprocess.Popen(
                [cli, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
                + ["--worker-class", WORKER_CLASS],  # as bare Flask; §8 compares the classes
                env=env,
                cwd=folder,
                stdout=log,
                stderr=log,
            )
            servers["project"] = servers["project_as_of"] = (port, proc)
            _wait_ready(port, proc)
            _wait_booted(folder / "project.log", 2, proc)
            as_of_status, as_of_response = _post(port, json.dumps(bodies["project_as_of"]).encode())
            answered = json.loads(as_of_response) if as_of_status == 200 else {}
            chosen = answered.get("ruleset", {}).get("version")
            if chosen is not None and chosen != bodies["project"]["version"]:
                # the date picks a correction of the version (2019-10-01.1): name that one
                bodies["project"] = {**bodies["project"], "version": chosen}
                files["project"] = files["bare"] = _body_files(folder, "project", bodies["project"])
                request_body = json.dumps(bodies["project"]).encode()
            status, response = _post(port, request_body)
            if status != 200 or as_of_status != 200:
                return {"error": f"the project answered {status} and {as_of_status}"}
            if json.loads(as_of_response)["goals"] != json.loads(response)["goals"]:
                return {"error": "the as_of body was answered with other goals"}
            (folder / "response.json").write_bytes(response)
            port = _free_port()
            log = open(folder / "bare.log", "wb")  # noqa: SIM115
            logs.append(log)
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "bench.bare_flask",
                    str(port),
                    str(folder / "response.json"),
                    WORKER_CLASS,
                ],
                env={**env, "PYTHONPATH": str(ROOT)},
                cwd=folder,
                stdout=log,
                stderr=log,
            )
            servers["bare"] = (port, proc)
            _wait_ready(port, proc)
            for name, (port, _) in servers.items():  # warm both up
                wrk(port, 2, 2, files[name][1])
            probes: dict[str, dict[int, float]] = {n: {} for n in ("project", "bare")}
            for connections in (2, 4, 8):
                for name in probes:
                    probes[name][connections] = wrk(
                        servers[name][0], connections, probe_s, files[name][1]
                    )["requests_per_second"]
            best = max((2, 4, 8), key=lambda c: probes["project"][c] + probes["bare"][c])
            saturation: dict[str, list[dict[str, Any]]] = {n: [] for n in servers}
            for _ in range(repeats):
                for name, (port, proc) in servers.items():
                    cpu0, t0 = _cpu_of_tree(proc.pid), time.perf_counter()
                    result = wrk(port, best, run_s, files[name][1])
                    result["server_cpu_cores"] = round(
                        (_cpu_of_tree(proc.pid) - cpu0) / (time.perf_counter() - t0), 2
                    )
                    saturation[name].append(result)
            rows = []
            sat_rate: dict[str, float] = {}
            for name in servers:
                runs = sorted(saturation[name], key=lambda r: r["requests_per_second"])
                median = runs[len(runs) // 2]
                sat_rate[name] = statistics.median(r["requests_per_second"] for r in runs)
                rows.append(
                    {
                        "target": name,
                        "load": "saturation (wrk)",
                        **median,
                        "requests_per_second": round(sat_rate[name], 1),
                        "runs": [r["requests_per_second"] for r in saturation[name]],
                    }
                )
            half: dict[str, dict[str, Any]] = {}
            for name, (port, _) in servers.items():
                half[name] = hey(port, sat_rate[name] / 2, run_s, files[name][0])
                rows.append({"target": name, "load": "half of saturation (hey)", **half[name]})
        finally:
            for _, proc in servers.values():
                _stop(proc)
            for log in logs:
                log.close()
    return {
        "setup": (
            "`POST /v1/evaluations`, one complete SNAP answer set (2019-10-01), loopback, "
            "2 sync gunicorn workers each (`eligibility serve --worker-class sync`), SQLite; "
            "`project` names the version, `project_as_of` only the date (`as_of`); "
            "`server_cpu_cores` is the CPU the server's processes used per second of the run."
        ),
        "connection_probe": probes,
        "connections_at_saturation": best,
        "rows": rows,
        "ratio_project_over_bare": round(sat_rate["project"] / sat_rate["bare"], 3),
        "ratio_project_as_of_over_bare": round(sat_rate["project_as_of"] / sat_rate["bare"], 3),
        # the two ways of naming the version, in turns in the same run: 1.0 when equal
        "ratio_as_of_over_version": round(sat_rate["project_as_of"] / sat_rate["project"], 3),
        "p99_half_as_of_ms": half["project_as_of"]["p99_ms"],
        "p99_half_ms": half["project"]["p99_ms"],
        "p99_half_bare_ms": half["bare"]["p99_ms"],
    }
