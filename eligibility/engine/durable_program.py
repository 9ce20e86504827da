"""A version's durable path as one program: Python computes the atoms, durable_rules the goals.

The named values run in the compiled order, as the pure engine runs them, except that a
boolean goal is never computed in Python: where it comes in the order, the program has
computed its atoms (the named values it reads and the non-logical sub-expressions of its
own expression), and durable_rules decides it from them (`GoalStep`, posted by
`durable.py`). Values after it that read the goal (an amount that is paid only when
eligible) read durable_rules' decision. Segments between goals are generated code (the
pure engine's generator, `eligibility.codegen`), or the closures for a version the
generator does not write yet.

A goal whose own expression nests logic (`a and (b or c)`) has those inner values
computed in Python too: the relevance walk reads them to explain the goal. The goal's
value itself is durable_rules' alone; only when durable_rules leaves it undecided and an
atom's computation failed is the goal's closure run, to report that failure exactly.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from eligibility.codegen import CHUNK, fallback_reason
from eligibility.codegen.source import Chunk, runtime_namespace
from eligibility.compiler import CompiledRuleSet
from eligibility.engine.mapping import GoalNetwork, outcomes
from eligibility.expressions import nodes as n
from eligibility.expressions.interpreter import Evaluator
from eligibility.expressions.values import UNKNOWN, Failure, Value

Run = Callable[[dict[Any, Any]], None]
_LOGIC = (n.And, n.Or, n.Not, n.If)


# env, session id, event id, parts decided -> the event JSON
Event = Callable[[dict[Any, Value], str, int, Mapping[str, bool | None]], str]


@dataclass(frozen=True)
class Posting:
    """One goal network as posted: its event's JSON made by `event`, its atoms, its outcomes."""

    goal: str  # the network's name: a goal, `goal.n` for a part, `children/goal` in a collection
    event: Event  # '{"sid":…,"id":…,"goal":…,"a0":"T",…}': session and event ids, each atom's truth
    atoms: tuple[tuple[Any, Evaluator | None], ...]  # env key (("net", part): a part) and closure
    outcomes: Mapping[str, bool | None]  # rule name → the outcome it decides


def posting(network: GoalNetwork) -> Posting:
    """A network ready to post (its atoms as "T", "F" or "U", in the network's order)."""
    atoms = tuple((env_key, evaluate) for _, env_key, evaluate in network.atoms)
    return Posting(network.goal, _event(network), atoms, outcomes(network))


def _event(network: GoalNetwork) -> Event:
    """The function writing a network's event: one f-string, no loop, list or format per post.

    An atom not in the environment (in a branch not taken) is computed and kept, as a
    failure in it decides what an undecided goal is; a part's atom is its decided outcome.
    The event carries its id (the runtime's count of events, unique in the process): given
    one, durable_rules does not compute it (`calculateId`: the event's properties sorted
    and hashed, then formatted, ~1,900 instructions per event).
    """
    texts = ['{"sid":"', '","id":"', '","goal":' + json.dumps(network.goal)]
    # Our own source; the rule's texts and keys are bound as default values, not written in it.
    bound: dict[str, Any] = {}
    lines: list[str] = []
    parts = ["{T0}{sid}{T1}{eid}{T2}"]
    for i, (key, env_key, evaluate) in enumerate(network.atoms):
        texts[-1] += f',"{key}":"'
        if evaluate is None:
            bound[f"K{i}"] = env_key[1]
            lines.append(f"    v{i} = decided[K{i}]")
        else:
            bound[f"K{i}"], bound[f"E{i}"] = env_key, evaluate
            lines.append(f"    if K{i} in env:\n        v{i} = env[K{i}]")
            lines.append(f"    else:\n        v{i} = env[K{i}] = E{i}(env)")
        parts.append(f"{{'T' if v{i} is True else 'F' if v{i} is False else 'U'}}{{T{i + 3}}}")
        texts.append('"')
    texts[-1] += "}"
    bound.update((f"T{i}", text) for i, text in enumerate(texts))
    head = ", ".join(f"{name}={name}" for name in bound)
    body = "\n".join(lines)
    source = f'def event(env, sid, eid, decided, {head}):\n{body}\n    return f"{"".join(parts)}"\n'
    exec(compile(source, f"<event {network.goal}>", "exec"), bound)  # noqa: S102
    made: Event = bound["event"]
    return made


@dataclass(frozen=True)
class GoalStep:
    """Where a boolean goal comes in the order: its networks, parts first, the goal's last."""

    goal: str  # its name in the environment (the root's or an instance's)
    networks: tuple[GoalNetwork, ...]
    postings: tuple[Posting, ...]
    top: int | None  # env key of the goal's own node (the walk reads it), None for a name
    evaluate: Evaluator  # the goal's closure: run only to name a failure (see the docstring)
    operands: tuple[Evaluator, ...]  # closures of what Python computes of its expression

    def settle(self, decided: Mapping[str, bool | None], env: dict[Any, Value]) -> None:
        """Store durable_rules' decision as the goal's value (UNKNOWN or a failure if none)."""
        outcome = decided[self.postings[-1].goal]
        value: Value = outcome if outcome is not None else self._undecided(env)
        env[self.goal] = value
        if self.top is not None:
            env[self.top] = value

    def _undecided(self, env: dict[Any, Value]) -> Value:
        for p in self.postings:
            for key, evaluate in p.atoms:
                if evaluate is not None and env.get(key).__class__ is Failure:
                    return self.evaluate(env)
        return UNKNOWN


def goal_step(
    named: Mapping[str, Any],
    goal: str,
    networks: tuple[GoalNetwork, ...],
    closures: Mapping[int, Evaluator],
) -> GoalStep:
    """The step deciding one boolean goal of an entity (`named`: its named values)."""
    node = named[goal].node
    top = None if isinstance(node, n.Name | n.Literal) else id(node)
    operands = tuple(closures[id(o)] for o in _computed_in_python(node))
    postings = tuple(map(posting, networks))
    return GoalStep(goal, networks, postings, top, named[goal].evaluate, operands)


@dataclass(frozen=True)
class DurableProgram:
    """Segments run in order: compute some values (and a goal's atoms), then decide the goal."""

    segments: tuple[tuple[Run, GoalStep | None], ...]
    source: str  # the generated code ("" when the closures run)


def durable_program(
    compiled: CompiledRuleSet,
    steps: Mapping[str, GoalStep],
    only: Collection[str] | None = None,
) -> DurableProgram:
    """The durable program of a flat version (collections keep `compute_durable`'s own path).

    `only`: the program of those named values alone, in the compiled order, every other
    value read from the environment (a reform's values that differ from its baseline's,
    `batch/reform.py`); `steps` then names the boolean goals among them that durable_rules
    decides (none: Python computes every one of them, as the pure engine does).
    """
    order = compiled.order if only is None else tuple(n for n in compiled.order if n in only)
    if fallback_reason(compiled):
        return _closure_program(compiled, steps, order)
    namespace = runtime_namespace()
    keep = {key for key in compiled.walk_keys if isinstance(key, int)}
    keep.update(k for s in steps.values() for p in s.postings for k, _ in p.atoms if type(k) is int)
    sources: list[str] = []
    marks: list[GoalStep | None] = []

    def fresh() -> Chunk:
        return Chunk(namespace, compiled.tables, compiled.constants, keep)

    chunk, count = fresh(), 0
    for name in order:
        step = steps.get(name)
        if step is None:
            chunk.named(name, compiled.named[name].node)
            count += 1
            if count < CHUNK:
                continue
        else:
            for operand in _computed_in_python(compiled.named[name].node):
                chunk.node(operand)
        sources.append(chunk.source(f"segment{len(sources)}"))
        marks.append(step)
        chunk, count = fresh(), 0
    if count or not sources:
        sources.append(chunk.source(f"segment{len(sources)}"))
        marks.append(None)
    source = "\n".join(sources)
    # Our own source over constants bound in `namespace`; no text of a rule file is in it.
    exec(compile(source, f"<durable {compiled.key}>", "exec"), namespace)  # noqa: S102
    runs = [namespace[f"segment{i}"] for i in range(len(sources))]
    return DurableProgram(tuple(zip(runs, marks, strict=True)), source)


def _computed_in_python(node: n.Node) -> list[n.Node]:
    """What Python computes of a goal's own expression: all but its top logic and names."""
    operands = n.operands(node) if isinstance(node, _LOGIC) else [node]
    return [o for o in operands if not isinstance(o, n.Name | n.Literal)]


def _closure_program(
    compiled: CompiledRuleSet, steps: Mapping[str, GoalStep], order: tuple[str, ...]
) -> DurableProgram:
    """The same segments run by the closures (the generator does not write the version)."""
    segments: list[tuple[Run, GoalStep | None]] = []
    names: list[str] = []
    for name in order:
        step = steps.get(name)
        if step is None:
            names.append(name)
            continue
        segments.append((_closures(compiled, names, step.operands), step))
        names = []
    segments.append((_closures(compiled, names, ()), None))
    return DurableProgram(tuple(segments), "")


def _closures(compiled: CompiledRuleSet, names: list[str], operands: tuple[Evaluator, ...]) -> Run:
    evaluators = [(name, compiled.named[name].evaluate) for name in names]

    def run(env: dict[Any, Any]) -> None:
        for name, evaluate in evaluators:
            env[name] = evaluate(env)
        for evaluate in operands:
            evaluate(env)  # its values the walk reads are kept in `env` by the closure

    return run
