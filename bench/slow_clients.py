"""Worker class under idle clients: `eligibility serve` with `sync` against `gthread`.

`python -m bench.slow_clients [--seconds N]` starts the server twice (two workers, SQLite,
the rule sets in rules/), once per worker class, and for each:

- throughput: 4 client threads post one SNAP evaluation in a closed loop for N seconds;
- idle clients: two connections that send nothing are opened, then `/healthz` is asked
  every 0.5 s for N seconds with a 2 s timeout: how many were answered, and how fast.

It prints JSON and writes it to bench/results/slow_clients.json. Only ratios between
the two classes mean anything on this shared machine; bench/text/serving.md has the
numbers of the last run. Every loop is bounded in time; servers are stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CLI = str(Path(sys.executable).parent / "eligibility")
BODY = json.dumps(
    {"ruleset": "snap", "as_of": "2020-01-15", "answers": {"state": "UT", "household_size": 3}}
).encode()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(port: int, path: str, timeout: float) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
            return r.status == 200
    except (OSError, urllib.error.URLError):
        return False


def _start(worker_class: str, directory: Path) -> tuple[subprocess.Popen[bytes], int]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{directory / f'{worker_class}.db'}",
        "ELIGIBILITY_RULES": str(ROOT / "rules"),
    }
    env.pop("GUNICORN_CMD_ARGS", None)
    subprocess.run([CLI, "db", "upgrade"], env=env, check=True, capture_output=True, timeout=120)
    port = _free_port()
    command = [CLI, "serve", "--port", str(port), "--workers", "2", "--worker-class", worker_class]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 90
    while not _get(port, "/readyz", 2):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the {worker_class} server did not start")
        time.sleep(0.3)
    return process, port


def _throughput(port: int, seconds: float) -> float:
    done = [0] * 4
    stop = time.monotonic() + seconds

    def client(index: int) -> None:
        while time.monotonic() < stop:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/v1/evaluations",
                data=BODY,
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
            done[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / seconds


def _under_idle_clients(port: int, seconds: float) -> dict[str, Any]:
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(2)]
    latencies: list[float] = []
    asked = 0
    try:
        stop = time.monotonic() + seconds
        while time.monotonic() < stop:
            asked += 1
            started = time.monotonic()
            if _get(port, "/healthz", 2):
                latencies.append(time.monotonic() - started)
            time.sleep(0.5)
    finally:
        for sock in idle:
            sock.close()
    return {
        "asked": asked,
        "answered": len(latencies),
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "max_ms": round(max(latencies) * 1000, 1) if latencies else None,
    }


def run(seconds: float) -> dict[str, Any]:
    """Both worker classes measured one after the other; the ratios between them."""
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        for worker_class in ("sync", "gthread"):
            process, port = _start(worker_class, Path(folder))
            try:
                _throughput(port, 2)  # warm up: every version compiled in both workers
                results[worker_class] = {
                    "evaluations_per_second": round(_throughput(port, seconds), 1),
                    "idle_clients": _under_idle_clients(port, seconds),
                }
            finally:
                process.terminate()
                process.wait(timeout=30)
    sync, threaded = results["sync"], results["gthread"]
    results["throughput_ratio_gthread_to_sync"] = round(
        threaded["evaluations_per_second"] / sync["evaluations_per_second"], 2
    )
    return results


def main() -> None:
    """Run, print and keep the results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=15.0)
    results = run(parser.parse_args().seconds)
    out = ROOT / "bench" / "results" / "slow_clients.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
