"""Soak: `eligibility serve` at half of saturation for a while, the database cut twice.

`python -m bench.soak [--minutes 10] [--cut-seconds 20]` (a bench script, not a test):

1. a fresh PostgreSQL schema (TEST_DATABASE_URL, as the tests use), migrated, a client
   key; the server (two workers, the defaults of `eligibility serve`) reaches the
   database through tests/integration/tcp_proxy.py, which this process can cut;
2. saturation: 8 client threads in a closed loop for 15 s (3 evaluations : 1 decision);
3. the run: requests sent at half of that rate for `--minutes`; the database is cut
   for `--cut-seconds` at one third and at two thirds of the run;
4. afterwards every decision request that got no 2xx is sent again with its
   Idempotency-Key, and the stored chain is read directly.

It reports 5xx outside the cuts (a cut and the 10 s after it are "during"), latency
percentiles outside and during the cuts, worker RSS at start, middle and end, and
decisions lost (answered 2xx but not stored) or duplicated (one key stored twice).
Loops are bounded in time; the server and the schema are removed at the end. The
numbers of the last run are in bench/text/soak.md (docs/performance.md §9).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
from sqlalchemy.engine import make_url

from eligibility.storage.sql import SqlStorage
from eligibility.storage.testing import temporary_database
from tests.integration.tcp_proxy import TcpProxy

ROOT = Path(__file__).resolve().parents[1]
CLI = str(Path(sys.executable).parent / "eligibility")
RULES = ROOT / "tests" / "fixtures" / "fishing-licence"
GRACE = 10.0  # seconds after a cut still counted as "during"


@dataclass
class Sample:
    """One request: when it was sent, how long it took, its status (0: no answer)."""

    sent: float
    seconds: float
    status: int
    kind: str
    key: str | None = None
    decision_id: str | None = None
    body: dict[str, Any] | None = None


class Server:
    """`eligibility serve` on a free port, its database behind a cuttable proxy."""

    def __init__(self, direct_url: str, folder: Path) -> None:
        target = make_url(direct_url)
        self.proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432)
        self.url = target.set(host="127.0.0.1", port=self.proxy.port).render_as_string(
            hide_password=False
        )
        env = {**os.environ, "DATABASE_URL": direct_url, "ELIGIBILITY_RULES": str(RULES)}
        subprocess.run([CLI, "db", "upgrade"], env=env, check=True, capture_output=True)
        made = subprocess.run(
            [CLI, "keys", "create", "--role", "client", "--name", "soak"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        self.token = next(
            line.split()[1] for line in made.stdout.splitlines() if line.startswith("secret:")
        )
        with __import__("socket").socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        self.log = (folder / "server.log").open("wb")
        self.process = subprocess.Popen(
            [CLI, "serve", "--port", str(self.port), "--workers", "2"],
            env={**env, "DATABASE_URL": self.url, "AUTH_FAILURE_LIMIT": "0"},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 90
        while call(self.port, "GET", "/readyz")[0] != 200:
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("the server did not start")
            time.sleep(0.5)

    def worker_rss_mib(self) -> list[float]:
        """Resident memory of each worker, in MiB."""
        children = psutil.Process(self.process.pid).children()
        return sorted(round(c.memory_info().rss / 2**20, 1) for c in children)

    def stop(self) -> None:
        """Stop the server and the proxy."""
        self.process.terminate()
        self.process.wait(timeout=60)
        self.log.close()
        self.proxy.close()


def call(
    port: int, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    """One request with a 10 s timeout: (status, JSON body or None); status 0 if no answer."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=data, method=method, headers=headers or {}
    )
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None
    except OSError:
        return 0, None


def one(server: Server, n: int) -> Sample:
    """The n-th request of the mix: three evaluations, then one decision."""
    answers = {"age": 30 + n % 40, "income": f"{500 + n % 400}.00", "resident": True}
    body = {"ruleset": "fishing-licence", "version": "2024-01-01", "answers": answers}
    sent = time.monotonic()
    if n % 4 != 3:
        status, _ = call(server.port, "POST", "/v1/evaluations", body)
        return Sample(sent, time.monotonic() - sent, status, "evaluation")
    key = uuid.uuid4().hex
    headers = {"Authorization": f"Bearer {server.token}", "Idempotency-Key": key}
    status, found = call(server.port, "POST", "/v1/decisions", body, headers)
    decision_id = found.get("id") if isinstance(found, dict) else None
    return Sample(sent, time.monotonic() - sent, status, "decision", key, decision_id, body)


def saturation(server: Server, seconds: float = 15) -> float:
    """Requests per second of 8 threads in a closed loop."""
    stop, done, lock = time.monotonic() + seconds, [0], threading.Lock()

    def loop(start: int) -> None:
        n = start
        while time.monotonic() < stop:
            one(server, n)
            n += 8
            with lock:
                done[0] += 1

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(loop, range(8)))
    return done[0] / seconds


def run(minutes: float, cut_seconds: float) -> dict[str, Any]:
    """The soak, its cuts and its checks; the report as a dict."""
    with (
        tempfile.TemporaryDirectory() as folder,
        temporary_database("postgresql", Path(folder)) as direct_url,
    ):
        server = Server(direct_url, Path(folder))
        try:
            return _soak(server, direct_url, minutes * 60, cut_seconds)
        finally:
            server.stop()


def _soak(server: Server, direct_url: str, duration: float, cut_seconds: float) -> dict[str, Any]:
    saturated = saturation(server)
    rate = saturated / 2
    rss = {"start": server.worker_rss_mib()}
    samples: list[Sample] = []
    cuts: list[tuple[float, float]] = []
    start = time.monotonic()
    cut_at = [start + duration / 3, start + 2 * duration / 3]
    with ThreadPoolExecutor(32) as pool:
        futures, n = [], 0
        while (now := time.monotonic()) < start + duration:
            if cut_at and now >= cut_at[0]:
                cut_at.pop(0)
                server.proxy.cut()
                threading.Timer(cut_seconds, server.proxy.restore).start()
                cuts.append((now, now + cut_seconds))
            if len(cuts) == 1 and "middle" not in rss and now > cuts[0][1] + GRACE:
                rss["middle"] = server.worker_rss_mib()
            futures.append(pool.submit(one, server, n))
            n += 1
            time.sleep(max(0.0, start + n / rate - time.monotonic()))
        samples = [f.result() for f in futures]
    rss["end"] = server.worker_rss_mib()
    return _report(server, direct_url, saturated, rate, duration, cut_seconds, samples, cuts, rss)


def _during(sample: Sample, cuts: list[tuple[float, float]]) -> bool:
    end = sample.sent + sample.seconds
    return any(sample.sent <= b + GRACE and end >= a for a, b in cuts)


def _percentiles(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": None}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)

    return {"p50_ms": at(0.5), "p95_ms": at(0.95), "p99_ms": at(0.99), "max_ms": at(1.0)}


def _report(
    server: Server,
    direct_url: str,
    saturated: float,
    rate: float,
    duration: float,
    cut_seconds: float,
    samples: list[Sample],
    cuts: list[tuple[float, float]],
    rss: dict[str, list[float]],
) -> dict[str, Any]:
    outside = [s for s in samples if not _during(s, cuts)]
    during = [s for s in samples if _during(s, cuts)]
    decisions = [s for s in samples if s.kind == "decision"]
    first_answer = Counter(str(s.status) for s in decisions)
    retried: Counter[str] = Counter()
    for sample in decisions:
        if not 200 <= sample.status < 300:  # its fate is unknown: the retry tells
            again = one_retry(server, sample)
            retried[str(again.status)] += 1
            sample.status, sample.decision_id = again.status, again.decision_id
    store = SqlStorage(direct_url)
    try:
        stored: list[Any] = []
        after = 0
        while batch := store.decisions.chain(after, 1000):
            stored += batch
            after = batch[-1].sequence
    finally:
        store.close()
    stored_ids = {d.id for d in stored}
    keys = Counter(d.idempotency_key for d in stored)
    answered = [s for s in decisions if 200 <= s.status < 300]
    sent_keys = {s.key for s in decisions}  # the saturation probe's decisions are not counted
    return {
        "minutes": round(duration / 60, 2),
        "saturation_rps": round(saturated, 1),
        "rate_rps": round(rate, 1),
        "requests": len(samples),
        "cuts": [{"at_s": round(a - cuts[0][0], 1), "seconds": cut_seconds} for a, _ in cuts],
        "outside_cuts": {
            "requests": len(outside),
            "5xx": sum(1 for s in outside if s.status >= 500),
            "no_answer": sum(1 for s in outside if s.status == 0),
            **_percentiles([s.seconds for s in outside if s.status]),
        },
        "during_cuts": {
            "requests": len(during),
            "status": dict(Counter(str(s.status) for s in during)),
            **_percentiles([s.seconds for s in during if s.status]),
        },
        "decisions": {
            "sent": len(decisions),
            "first_answer": dict(first_answer),
            "retried_after_the_run": dict(retried),
            "answered_2xx": len(answered),
            "stored": sum(1 for d in stored if d.idempotency_key in sent_keys),
            "lost": sum(1 for s in answered if s.decision_id not in stored_ids),
            "duplicated": sum(n - 1 for n in keys.values() if n > 1),
        },
        "worker_rss_mib": rss,
    }


def one_retry(server: Server, sample: Sample) -> Sample:
    """The decision request of `sample` sent again with its Idempotency-Key (same body)."""
    headers = {"Authorization": f"Bearer {server.token}", "Idempotency-Key": sample.key or ""}
    status, found = call(server.port, "POST", "/v1/decisions", sample.body, headers)
    decision_id = found.get("id") if isinstance(found, dict) else None
    return Sample(time.monotonic(), 0.0, status, "decision", sample.key, decision_id)


def main() -> None:
    """Run the soak and print (and keep) its report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--cut-seconds", type=float, default=20.0)
    arguments = parser.parse_args()
    report = run(arguments.minutes, arguments.cut_seconds)
    (ROOT / "bench" / "results" / "soak.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
