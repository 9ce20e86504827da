"""The durable_rules adapter: one runtime per process, one evaluation at a time, bounded.

Python computes the atoms, durable_rules decides the boolean goals, and nothing computes
a goal twice (`durable_program.py`). durable_rules is driven through its C functions
(`durable_session.py`): no host, no dispatcher thread, no Python action inside it. Every
evaluation is serialised by one lock (the GIL is never released by durable_rules, so
threads lose nothing) and has a session of its own, deleted in `finally`; the runtime is
rebuilt after a fork so gunicorn workers never share C state; registrations are bounded
(least recently used out, freed in C): each costs ~0.2-0.4 MB of C memory, and drafts
sent again and again would otherwise grow a worker without end.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import itertools
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from eligibility.answers import Answers
from eligibility.compiler import CompiledRuleSet
from eligibility.engine import durable_session as session
from eligibility.engine.durable_entities import run_entities
from eligibility.engine.durable_plan import Plan, plan
from eligibility.engine.durable_program import DurableProgram, GoalStep, Posting
from eligibility.engine.mapping import GoalNetwork
from eligibility.engine.pure import base_environment
from eligibility.errors import EngineError
from eligibility.expressions.values import Value

DEFAULT_CAPACITY = 64  # versions registered per process; more live versions are re-registered


@dataclass(frozen=True)
class DurableVersion:
    """A version's content registered with durable_rules (shared by every compile of it)."""

    name: str
    networks: tuple[GoalNetwork, ...]  # the root goals' networks, as registered
    registration: session.Registration


class DurableRuntime:
    """Owns this process's durable_rules rulesets; evaluations are serialised by one lock."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.lock = threading.Lock()
        self.pid = os.getpid()
        self.capacity = capacity
        # by CompiledRuleSet.key, least recently used first
        self.versions: OrderedDict[str, DurableVersion] = OrderedDict()
        self.sessions = itertools.count()  # one session id per evaluation, never reused
        self.events = itertools.count()  # events posted (tests and benches read the count)
        self.sid = ""  # the session of the evaluation under way
        self.live = 0  # sessions durable_rules holds for this runtime (0 between evaluations)
        self.doubt = False  # a session of the evaluation under way is in doubt

    def register(self, compiled: CompiledRuleSet) -> DurableVersion:
        """Register the version's rules (names carry the content hash); evict beyond capacity.

        Called with the lock held; no session is open between evaluations, so freeing an
        evicted version's C ruleset cannot pull state from under an evaluation.
        """
        return self.registered(plan(compiled))

    def registered(self, made: Plan) -> DurableVersion:
        """`register` of a version's plan."""
        version = self.versions.get(made.key)
        if version is not None:
            self.versions.move_to_end(made.key)
            return version
        registration = session.create(made.name, made.definitions)
        version = self.versions[made.key] = DurableVersion(made.name, made.networks, registration)
        while len(self.versions) > max(self.capacity, 1):
            self.unregister(self.versions.popitem(last=False)[1])
        return version

    def unregister(self, version: DurableVersion) -> None:
        """Free a version's ruleset in durable_rules' C engine (no session of it is open)."""
        session.free(version.registration)

    @contextlib.contextmanager
    def in_session(self, compiled: CompiledRuleSet) -> Iterator[tuple[session.Registration, Plan]]:
        """The version registered and a session of its own, deleted when the block ends.

        Entered with the lock held, for the whole block: the version stays registered
        between its goals. A session in doubt frees the version's ruleset (registered
        again on its next evaluation).
        """
        made = plan(compiled)
        registration = self.open(made)
        try:
            yield registration, made
        finally:
            self.end(registration, made)

    def open(self, made: Plan) -> session.Registration:
        """The version registered and a new session id for the evaluation under way."""
        registration = self.registered(made).registration
        self.sid, self.doubt = f"s{next(self.sessions)}", False
        self.live += 1
        return registration

    def end(self, registration: session.Registration, made: Plan) -> None:
        """The session deleted (if a rule fired in it); a version in doubt freed."""
        if session.close(registration, self.sid):
            self.live -= 1  # else nothing fired in it: left to durable_rules (crash rule)
        if self.doubt:
            self.versions.pop(made.key, None)
            session.free(registration)

    def evaluate(
        self,
        compiled: CompiledRuleSet,
        env: dict[Any, Value],
        instances: Mapping[str, tuple[Answers, ...]],
    ) -> None:
        """Compute `env` with every boolean goal decided, in a session of its own."""
        made = plan(compiled)
        registration = self.open(made)  # the session as `in_session` has it, inline: a
        try:  # context manager per evaluation cost ~1 µs
            if made.program is not None:
                self.run(registration, made.program, env)
            else:
                settle = functools.partial(self.settle, registration)
                run_entities(compiled, env, instances, made.steps, settle)
        finally:
            self.end(registration, made)

    def post(
        self,
        registration: session.Registration,
        item: Posting,
        env: dict[Any, Value],
        decided: Mapping[str, bool | None],
    ) -> bool | None:
        """Post one network's event; the outcome of the rule that fired (None: undecided)."""
        try:  # the event's id: unique in the process, so in its session
            rule = session.fire(registration, item.event(env, self.sid, next(self.events), decided))
        except EngineError:
            self.doubt = True
            raise
        return item.outcomes[rule]

    def run(
        self, registration: session.Registration, program: DurableProgram, env: dict[Any, Value]
    ) -> None:
        """Run a durable program (a flat version's, or part of it) over `env`."""
        for segment, step in program.segments:
            segment(env)
            if step is not None:
                self.settle(registration, step, env)

    def settle(
        self, registration: session.Registration, step: GoalStep, env: dict[Any, Value]
    ) -> None:
        """Decide one goal with durable_rules (its parts first) and store its value."""
        decided: dict[str, bool | None] = {}
        for item in step.postings:
            decided[item.goal] = self.post(registration, item, env, decided)
        step.settle(decided, env)


_runtime: DurableRuntime | None = None
_runtime_lock = threading.Lock()


def runtime() -> DurableRuntime:
    """The durable_rules runtime of this process (a new one after a fork)."""
    global _runtime
    found = _runtime
    if found is not None and found.pid == _pid:
        return found
    with _runtime_lock:
        if _runtime is None or _runtime.pid != os.getpid():
            _runtime = DurableRuntime()
        return _runtime


def _forked() -> None:
    """In a forked child: the parent's runtime and its locks are not this process's."""
    global _pid, _runtime_lock
    _pid, _runtime_lock = os.getpid(), threading.Lock()


_pid = os.getpid()
os.register_at_fork(after_in_child=_forked)


def compute_durable(
    compiled: CompiledRuleSet,
    answers: Mapping[str, Value],
    as_of: dt.date,
    instances: Mapping[str, tuple[Answers, ...]] | None = None,
) -> dict[str, Value]:
    """Every value as the pure engine computes it, each boolean goal decided by durable_rules.

    No goal is computed in Python: a flat version runs its durable program; a claim with
    collections runs in the order of its entities' values, each instance's boolean goals
    decided where they come (`durable_entities.py`).
    """
    rt = runtime()
    env: dict[Any, Value] = base_environment(compiled, answers, as_of)
    with rt.lock:
        rt.evaluate(compiled, env, instances or {})
    return env


def run_program(compiled: CompiledRuleSet, program: DurableProgram, env: dict[Any, Value]) -> None:
    """Run a program made by `durable_program` for `compiled` (a part of it: `only`) over `env`.

    Its boolean goals, if any, are decided by durable_rules in a session of its own, as in
    `compute_durable`; a program without goal steps runs no session.
    """
    if not any(step is not None for _, step in program.segments):
        for segment, _ in program.segments:
            segment(env)
        return
    rt = runtime()
    with rt.lock, rt.in_session(compiled) as (registration, _):
        rt.run(registration, program, env)


def decider(compiled: CompiledRuleSet) -> Callable[[str, dict[Any, Value]], Value]:
    """A value for an interview step that recomputes some names: boolean goals decided by
    durable_rules (each in a session of its own), every other value by its closure."""
    named, steps = compiled.named, plan(compiled).steps

    def decide(name: str, env: dict[Any, Value]) -> Value:
        step = steps.get(((), name))
        if step is None:
            return named[name].evaluate(env)
        rt = runtime()
        with rt.lock, rt.in_session(compiled) as (registration, _):
            for operand in step.operands:
                operand(env)  # what the walk reads of the goal's own expression
            rt.settle(registration, step, env)
        return env[name]

    return decide


def live_sessions() -> int:
    """Sessions this process holds in durable_rules (0 between evaluations)."""
    return runtime().live
