"""durable_rules through its C functions: a ruleset per version, a session per evaluation.

durable_rules' Python host costs more per event than its C engine spends deciding it (a
`Closure`, a `Promise`, the session state as JSON both ways, timestamps, a Python action
per fired rule). This module calls the `durable_rules_engine` extension directly: the
event is asserted, the one rule it matches is started, and the rule's name (read from the
start of the message the engine returns) is the outcome. The action is completed only when
another event follows in the same session (completing releases the session's lease and
consumes the event); the last one is not: `delete_state` frees a started action's message
and state copies with the rest of the session (`deleteStateNode`), so completing it would
be a C call that changes nothing (one of four per one-event evaluation, measured in
`bench/text/hotspots.md`). No Python runs inside durable_rules, so no exception can be lost
in its state.

The crash rules of `../shared/notes/durable_rules.md` hold: no dispatcher thread (no host
at all); one evaluation at a time (the runtime's lock) in a session of its own, whose
state is deleted when the evaluation ends — only if a rule fired in it (`delete_state`
on a session where none did frees uninitialised pointers); one event per assert. Deleting
a ruleset does not free its sessions (measured: ~90 KB per live session left behind), so
a session is always deleted before its ruleset is. Every event carries its own id, unique in
the process (durable_rules keys a session's messages by a 32-bit hash of the id and refuses
an id it holds as "observed"; the state fact it adds is `sid-<sid>`): given one, it does
not compute one per event. A session in doubt (no rule fired for
an event, or a second one did) makes its ruleset be freed and the version registered
again; if no rule had fired in it, its state is left to durable_rules rather than risk
the crash.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import durable_rules_engine as engine

from eligibility.errors import EngineError


@dataclass
class Registration:
    """A ruleset registered in durable_rules' C engine."""

    name: str
    handle: int
    fired: bool = False  # a rule has fired in the current evaluation's session
    started: int = -1  # the session's state offset while its last action is not completed
    freed: bool = False


def create(name: str, definitions: dict[str, Any]) -> Registration:
    """Register a ruleset (conditions only: no rule has an action) in the C engine."""
    return Registration(name, engine.create_ruleset(name, json.dumps(definitions)))


def fire(registration: Registration, event: str) -> str:
    """Assert one event (JSON, its session's id and its own in it); the rule that fired.

    Called with the runtime's lock held; raises EngineError unless exactly one rule fired.
    The session's previous action, if any, is completed first (its event consumed).
    """
    handle = registration.handle
    if registration.started >= 0:
        state, registration.started = registration.started, -1
        if engine.complete_and_start_action(handle, state) is not None:
            raise EngineError("durable_rules fired a second rule for one event")
    status, state = engine.assert_event(handle, event)
    started = engine.start_action_for_state(handle, state) if status == 0 else None
    if not started:
        raise EngineError(f"durable_rules decided nothing for an event (status {status})")
    registration.fired, registration.started = True, state
    message: str = started[1]
    return message[2 : message.index('"', 2)]  # '{"<rule>":{"m":…}}' → <rule>


def close(registration: Registration, sid: str) -> bool:
    """End an evaluation's session: its state is deleted if a rule fired in it (else kept).

    The state goes with its last action, started and not completed (`deleteStateNode` frees
    the action's copies, its frames and the events still held).
    """
    fired, registration.fired, registration.started = registration.fired, False, -1
    if fired:
        engine.delete_state(registration.handle, sid)
    return fired


def free(registration: Registration) -> None:
    """Free the ruleset in the C engine, once (no session of it may be open)."""
    if not registration.freed:
        registration.freed = True
        engine.delete_ruleset(registration.handle)


def has_session(registration: Registration, sid: str) -> bool:
    """Whether durable_rules holds a session's state (for tests)."""
    try:
        engine.get_state(registration.handle, sid)
    except engine.error as error:  # error 309: no such session
        if "309" not in str(error):
            raise
        return False
    return True
