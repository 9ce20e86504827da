"""durable_rules with nothing of the project around it: the floor of the durable path.

Run as `python -m bench.durable_raw < job.json`; prints the timings as JSON. The job
holds plain data only: the ruleset definition (conditions as the project registers
them, a trivial action per rule) and the events of every answer set. This module
imports durable_rules and the harness, never `eligibility`.

Per evaluation it does what any durable_rules program deciding these goals must do:
post each goal's event in a fresh session, let the one matching rule's action run,
delete the session. The host is the stock `durable.engine.Host` without its
background dispatcher thread (the thread only polls; it would add noise, not work).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from durable.engine import Host

from bench.harness import Settings, measure


class _Host(Host):  # type: ignore[misc]
    def _run(self) -> None:
        return None


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    settings = Settings(**job["settings"])
    fired: list[str] = []

    def action(c: Any) -> None:
        fired.append("x")

    host = _Host()
    definitions = json.loads(json.dumps(job["definitions"]))
    for rule in definitions.values():
        rule["run"] = action
    name = job["name"] + "_raw"
    host.register_rulesets({name: definitions})
    counter = [0]

    def evaluate(events: list[dict[str, Any]]) -> None:
        for event in events:
            counter[0] += 1
            sid = f"r{counter[0]}"
            try:
                host.post(name, {"sid": sid, **event})
            finally:
                host.delete_state(name, sid)

    result = measure(evaluate, job["evaluations"], settings)
    events = sum(len(e) for e in job["evaluations"])
    fired.clear()
    for evaluation in job["evaluations"]:
        evaluate(evaluation)
    return {
        "per_evaluation": result,
        "events_per_evaluation": round(events / len(job["evaluations"]), 2),
        "actions_per_evaluation": round(len(fired) / len(job["evaluations"]), 2),
        "rules": len(definitions),
    }


if __name__ == "__main__":
    print(json.dumps(run_job(json.load(sys.stdin))))
