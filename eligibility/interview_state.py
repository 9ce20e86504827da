"""Incremental interviews: a step of a session recomputes only what its answers reach.

A session's evaluations in one process share an `InterviewState`: the answers of the
last step as given and as parsed, its environment, and its relevance walk as a graph
(`relevance_graph.py`). The next step parses only the answers given otherwise, finds
which values changed, evaluates again only the named values downstream of them
(`dependencies.recompute`, on the pure evaluator's closures; durable_rules decides the
boolean goals when it is the engine) and re-derives only the part
of the walk those values hold. Everything else is the full evaluation's: the first step
in a process, a step under another version or claim date, and claims with collections
are evaluated in full (durable_rules deciding the goals when it is the engine). The
results equal a full evaluation's (tests/properties/test_incremental.py).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from eligibility.answers import Answers
from eligibility.compiler import CompiledRuleSet
from eligibility.dependencies import Decide, recompute, same
from eligibility.expressions.values import UNKNOWN, Value
from eligibility.relevance import Walk, walk
from eligibility.relevance_graph import RelevanceGraph

__all__ = ["STATES_KEPT", "WEIGHT_KEPT", "InterviewState", "interview_state"]

STATES_KEPT = 128  # sessions whose last step this process remembers (least recently used out)
# and at most this many named values and questions over all of them: a state holds ~1 KiB
# for each (the 2,000-rule set: ~3 MiB), so a worker keeps ~50 MiB of states at most.
WEIGHT_KEPT = 50_000
Env = dict[Any, Value]


class InterviewState:
    """What the last step of one interview left in this process, for the next step."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.compiled: CompiledRuleSet | None = None
        self.as_of: dt.date | None = None
        self.values: Mapping[str, Value] = {}
        self.env: Env | None = None
        self.graph: RelevanceGraph | None = None
        self.evaluated: set[str] | None = None  # evaluated since the graph's step; None: all
        self.answered: set[str] = set()  # questions answered otherwise since the graph's step
        # The last answers parsed without a problem: version, as given, as parsed.
        self.parsed: tuple[CompiledRuleSet, dict[str, Any], Answers] | None = None

    @property
    def weight(self) -> int:
        """What the state holds, in named values and questions of its version."""
        compiled = self.compiled
        return 1 if compiled is None else len(compiled.order) + len(compiled.questions)

    def answers(
        self,
        compiled: CompiledRuleSet,
        raw: Mapping[str, Any],
        parse: Callable[[Mapping[str, Any]], Answers],
    ) -> Answers:
        """The answers parsed by `parse`, which sees only those not given as in the last step."""
        with self.lock:
            last = self.parsed
            if last is None or not _same(last[0], compiled):
                found = parse(raw)
            else:
                found = _parse_changes(raw, last[1], last[2], parse)
            self.parsed = (compiled, dict(raw), found)
            return found

    def environment(
        self,
        compiled: CompiledRuleSet,
        answers: Answers,
        as_of: dt.date,
        full: Callable[[], Env],
        decide: Decide | None = None,
    ) -> Env:
        """Every value for `answers`: from the last step's, or by `full` when there is none.

        `decide` gives the values an engine decides (see `dependencies.recompute`).
        """
        with self.lock:
            if self.env is None or not _same(self.compiled, compiled) or self.as_of != as_of:
                env = full()
                self.evaluated = None
            else:
                env = dict(self.env)  # the last step's evaluation keeps its own
                changed = _changed(self.values, answers.values)
                for question in changed:
                    env[question] = answers.values.get(question, UNKNOWN)
                evaluated = recompute(compiled, env, changed, decide)
                if self.evaluated is not None:
                    self.evaluated.update(evaluated)
                    self.answered.update(changed)
            self.compiled, self.as_of, self.values, self.env = compiled, as_of, answers.values, env
            return env

    def walk(self, compiled: CompiledRuleSet, env: Env, dont_know: frozenset[str]) -> Walk:
        """The relevance walk of `env`, re-derived where the last steps changed it."""
        with self.lock:
            if env is not self.env or not _same(self.compiled, compiled):
                return walk(compiled, env, dont_know)  # another step came in between
            graph = self.graph
            if graph is None or self.evaluated is None or not _same(graph.compiled, compiled):
                graph = self.graph = RelevanceGraph(compiled, env)
            else:
                graph.update(env, self.evaluated, self.answered)
            self.evaluated, self.answered = set(), set()
            return graph.walk(dont_know)


def _changed(old: Mapping[str, Value], new: Mapping[str, Value]) -> list[str]:
    """Questions whose answer differs (a type or, for decimals, a scale counts)."""
    found = [q for q in old if q not in new]
    found.extend(q for q, value in new.items() if not same(old.get(q, UNKNOWN), value))
    return found


def _same(kept: CompiledRuleSet | None, compiled: CompiledRuleSet) -> bool:
    """True for the same compiled content (copies under other metadata share its parts)."""
    return kept is not None and (kept is compiled or kept.named is compiled.named)


def _parse_changes(
    raw: Mapping[str, Any],
    last_raw: Mapping[str, Any],
    last: Answers,
    parse: Callable[[Mapping[str, Any]], Answers],
) -> Answers:
    """`parse(raw)`, parsing only the answers given otherwise than in `last_raw`.

    Each answer is parsed on its own (problems name only it), so the answers given as
    before parse as before; the result keeps the order of `raw`, as a full parse does.
    """
    changed = {
        q: a
        for q, a in raw.items()
        if q not in last_raw or type(a) is not type(last_raw[q]) or a != last_raw[q]
    }
    fresh = parse(changed)
    if not changed and len(raw) == len(last_raw):
        return last
    values: dict[str, Value] = {}
    dont_know: set[str] = set()
    for question in raw:
        source = fresh if question in changed else last
        if question in source.values:
            values[question] = source.values[question]
        if question in source.dont_know:
            dont_know.add(question)
    return Answers(values, frozenset(dont_know))


_states: OrderedDict[str, InterviewState] = OrderedDict()
_states_lock = threading.Lock()


def interview_state(session_id: str) -> InterviewState:
    """The state this process keeps for one session (new when forgotten or never seen)."""
    with _states_lock:
        found = _states.get(session_id)
        if found is None:
            found = _states[session_id] = InterviewState()
        else:
            _states.move_to_end(session_id)
        weight = sum(state.weight for state in _states.values())
        while len(_states) > 1 and (len(_states) > STATES_KEPT or weight > WEIGHT_KEPT):
            _, dropped = _states.popitem(last=False)
            weight -= dropped.weight
        return found
