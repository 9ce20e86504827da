"""durable_rules with nothing of the project around it: the floor of the durable path.

The job is plain data: the ruleset definition (the conditions the project registers,
a trivial action per rule) and the events of every answer set. This module imports
durable_rules and the harness, never `eligibility`; `python -m bench.durable_raw <
job.json` times it in a process of its own, `bench.durable_floor` times it in turns
with the project's path.

Per evaluation it does what any durable_rules program deciding these goals must do:
post each goal's event in a fresh session, let the one matching rule's action run,
delete the session. The host is the stock `durable.engine.Host` without its
background dispatcher thread (the thread only polls; it would add noise, not work).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import durable_rules_engine as engine
from durable.engine import Host

from bench.harness import Settings, measure


class _Host(Host):  # type: ignore[misc]
    def _run(self) -> None:
        return None


def prepare(
    job: dict[str, Any],
) -> tuple[Callable[[Any], None], Callable[[Any], None], dict[str, Any]]:
    """Two functions of one evaluation's events — through the host, and through the C
    functions alone — and what one pass over the job fires."""
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

    handle = host.get_ruleset(name)._handle
    c_fired: list[str] = []

    def evaluate_c(events: list[dict[str, Any]]) -> None:
        """The C engine alone: assert, take the one action, delete the state.

        The action is not completed: `delete_state` frees it with the session (completing
        it first only consumes the event the deletion frees anyway). What the host adds
        around these calls (per action: a Closure, a Promise, the state as JSON both ways,
        timestamps, the completion) is the difference to `evaluate`."""
        for event in events:
            counter[0] += 1
            sid = f"c{counter[0]}"
            try:
                status, state = engine.assert_event(handle, json.dumps({"sid": sid, **event}))
                started = engine.start_action_for_state(handle, state)
                c_fired.append(next(iter(json.loads(started[1]))))
            finally:
                engine.delete_state(handle, sid)

    evaluations = job["evaluations"]
    for evaluation in evaluations:
        evaluate(evaluation)
        evaluate_c(evaluation)
    info = {
        "rules": len(definitions),
        "events_per_evaluation": round(sum(map(len, evaluations)) / len(evaluations), 2),
        "actions_per_evaluation": round(len(fired) / len(evaluations), 2),
        "c_actions_per_evaluation": round(len(c_fired) / len(evaluations), 2),
    }
    return evaluate, evaluate_c, info


if __name__ == "__main__":
    job = json.load(sys.stdin)
    fn, fn_c, info = prepare(job)
    info["per_evaluation"] = measure(fn, job["evaluations"], Settings(**job["settings"]))
    info["per_evaluation_c"] = measure(fn_c, job["evaluations"], Settings(**job["settings"]))
    print(json.dumps(info))
