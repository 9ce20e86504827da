"""The durable_rules adapter: one process-wide host, one evaluation at a time, no leaks.

durable_rules' stock host starts a dispatcher thread that crashes the process when
several threads evaluate and delete states (see docs/architecture.md). This host
never starts it; every call is serialised by one lock, every session id is fresh,
and every session's state is deleted in `finally`. The host is rebuilt after a
fork so gunicorn workers never share C state. Registrations are bounded (least
recently used out): each costs ~0.2-0.4 MB of C memory, and drafts sent again and
again would otherwise grow a worker without end.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import durable_rules_engine
from durable.engine import Host

from eligibility.answers import Answers
from eligibility.compiler import CompiledRuleSet
from eligibility.engine.durable_entities import ScopedNetworks, decide_instances, entity_networks
from eligibility.engine.mapping import GoalNetwork, goal_networks, rule_definitions
from eligibility.engine.pure import compute
from eligibility.errors import EngineError
from eligibility.expressions.values import UNKNOWN, Failure, Value

_TRUTH = {True: "T", False: "F"}
DEFAULT_CAPACITY = 64  # versions registered per process; more live versions are re-registered


class _QuietHost(Host):  # type: ignore[misc]
    """A durable_rules host without the background dispatcher thread."""

    def _run(self) -> None:
        return None


@dataclass(frozen=True)
class DurableVersion:
    """A version registered with durable_rules: its ruleset name, networks and dependants."""

    name: str
    goals: tuple[str, ...]
    networks: tuple[GoalNetwork, ...]
    recompute: tuple[str, ...]
    scoped: tuple[ScopedNetworks, ...] = ()  # the collections' boolean goals


class DurableRuntime:
    """Owns the host of this process; evaluations are serialised by one lock."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.lock = threading.Lock()
        self.pid = os.getpid()
        self.host = _QuietHost()
        self.capacity = capacity
        # by CompiledRuleSet.key, least recently used first
        self.versions: OrderedDict[str, DurableVersion] = OrderedDict()
        self.fired: list[tuple[str, bool | None]] = []
        self.sessions = itertools.count()
        self.live = 0

    def action(self, goal: str, value: bool | None) -> Callable[[Any], None]:
        """The action of one goal rule: note which outcome fired."""

        def record(c: Any) -> None:
            self.fired.append((goal, value))

        return record

    def register(self, compiled: CompiledRuleSet) -> DurableVersion:
        """Register the version's rules (names carry the content hash); evict beyond capacity.

        Called with the lock held; no session is live between evaluations, so deleting
        an evicted version's C ruleset cannot pull state from under an evaluation.
        """
        version = self.versions.get(compiled.key)
        if version is not None:
            self.versions.move_to_end(compiled.key)
            return version
        version = _map(compiled)
        definitions: dict[str, Any] = {}
        for network in (*version.networks, *(n for s in version.scoped for n in s.networks)):
            definitions.update(rule_definitions(network, self.action))
        self.host.register_rulesets({version.name: definitions})
        self.versions[compiled.key] = version
        while len(self.versions) > max(self.capacity, 1):
            self.unregister(self.versions.popitem(last=False)[1])
        return version

    def unregister(self, version: DurableVersion) -> None:
        """Free a version's ruleset in durable_rules (its C network and Python actions)."""
        ruleset = self.host._ruleset_directory.pop(version.name)
        self.host._ruleset_list.remove(ruleset)
        durable_rules_engine.delete_ruleset(ruleset._handle)

    def decide(
        self,
        version: DurableVersion,
        env: dict[Any, Value],
        networks: tuple[GoalNetwork, ...] | None = None,
    ) -> dict[str, bool | None]:
        """Post one event per network (parts before goals); the outcome that fired for each."""
        decided: dict[str, bool | None] = {}
        for network in version.networks if networks is None else networks:
            decided[network.goal] = self.post(version, _event(network, env, decided))
        return decided

    def post(self, version: DurableVersion, event: dict[str, Any]) -> bool | None:
        """Post one event in a fresh session, delete the session, return what fired."""
        sid = f"s{next(self.sessions)}"
        self.fired.clear()
        self.live += 1
        try:
            state = self.host.post(version.name, {"sid": sid, **event})
        finally:
            self.host.delete_state(version.name, sid)
            self.live -= 1
        if isinstance(state, dict) and "exception" in state:
            raise EngineError(f"durable_rules action failed: {state['exception']}")
        if len(self.fired) != 1:
            raise EngineError(f"durable_rules fired {len(self.fired)} outcomes for {event['goal']}")
        return self.fired[0][1]


_runtime: DurableRuntime | None = None
_runtime_lock = threading.Lock()


def runtime() -> DurableRuntime:
    """The durable_rules runtime of this process (a new one after a fork)."""
    global _runtime
    with _runtime_lock:
        if _runtime is None or _runtime.pid != os.getpid():
            _runtime = DurableRuntime()
        return _runtime


def _map(compiled: CompiledRuleSet) -> DurableVersion:
    goals = [g for g in compiled.goal_ids if compiled.named[g].type == "boolean"]
    name = f"{compiled.ruleset.id}_{compiled.ruleset.version}_{compiled.content_hash[:16]}"
    networks = tuple(network for g in goals for network in goal_networks(compiled, g))
    scoped = entity_networks(compiled)
    return DurableVersion(name, tuple(goals), networks, _dependants(compiled, goals), scoped)


def _dependants(compiled: CompiledRuleSet, goals: list[str]) -> tuple[str, ...]:
    """Named values that read a boolean goal (directly or not), in evaluation order."""
    tainted = set(goals)
    for name in compiled.order:
        if name not in tainted and any(r in tainted for r in compiled.named[name].reads):
            tainted.add(name)
    return tuple(name for name in compiled.order if name in tainted and name not in goals)


def _event(
    network: GoalNetwork, env: dict[Any, Value], decided: Mapping[str, bool | None]
) -> dict[str, Any]:
    """A network's event: each atom as "T", "F" or "U" (values computed already are reused)."""
    event: dict[str, Any] = {"goal": network.goal}
    for key, node_key, evaluate in network.atoms:
        if evaluate is None:  # the outcome of a part posted before
            value: Value | None = decided[node_key[1]]
        else:
            value = env[node_key] if node_key in env else evaluate(env)
        event[key] = _TRUTH[value] if isinstance(value, bool) else "U"
    return event


def compute_durable(
    compiled: CompiledRuleSet,
    answers: Mapping[str, Value],
    as_of: dt.date,
    instances: Mapping[str, tuple[Answers, ...]] | None = None,
) -> dict[str, Value]:
    """Values as the pure engine computes them, with every boolean goal decided by durable_rules.

    With collections, each instance's boolean goals are decided first (one event per
    instance goal, see `durable_entities.py`), then the root's, each aggregate one atom.
    """
    env = compute(compiled, answers, as_of, instances)
    rt = runtime()
    with rt.lock:
        version = rt.register(compiled)
        decide_instances(
            compiled, env, version.scoped, lambda nets, inner: rt.decide(version, inner, nets)
        )
        decided = rt.decide(version, env)
    for goal in version.goals:
        value = decided[goal]
        env[goal] = value if value is not None else _undecided(env[goal])
    for name in version.recompute:
        env[name] = compiled.named[name].evaluate(env)
    return env


def _undecided(pure_value: Value) -> Value:
    """An undecided goal stays UNKNOWN, unless computing it failed (then the failure shows)."""
    return pure_value if isinstance(pure_value, Failure) else UNKNOWN


def live_sessions() -> int:
    """Sessions currently held in durable_rules by this process (0 between evaluations)."""
    return runtime().live
