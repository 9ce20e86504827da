"""A version compiled to Python functions: the pure engine's default path.

`program(compiled)` generates (once per compiled version) functions that compute every
named value of the version into the environment, as the closures do, with the Kleene
checks inlined and money as `Decimal`. The source is generated from the typed AST
(`codegen/source.py`) and holds no author text: names and literals are constants of the
functions' namespace. Versions with constructs the generator does not write yet
(collections: aggregates, parent references, per-instance steps) get no program, and
the pure engine runs the closures for them (`fallback_reason` says why). The closures
stay the reference: property tests compare both environments on every example rule set.
The root questions' checks are generated too (`Program.checks`), each returning its value.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eligibility.answer_checks import CompiledCheck
from eligibility.codegen.source import Chunk, runtime_namespace, supported
from eligibility.compiler import CompiledRuleSet
from eligibility.expressions.values import Value

__all__ = ["Program", "fallback_reason", "program"]

CHUNK = 200  # named values per generated function (a few small functions compile faster)
Step = Callable[[dict[Any, Any]], None]
Check = Callable[[dict[Any, Any]], Value]


@dataclass(frozen=True)
class Program:
    """The generated functions of one version, run in order over one environment."""

    steps: tuple[Step, ...]
    source: str
    # Each of the version's checks with the function computing it (its closure where the
    # generator does not write the condition), in the compiled order.
    checks: tuple[tuple[CompiledCheck, Check], ...] = ()

    def run(self, env: dict[Any, Any]) -> None:
        """Compute every named value of the version into `env` (answers and constants in it)."""
        for step in self.steps:
            step(env)


_programs: dict[int, tuple[weakref.ref[CompiledRuleSet], Program | None]] = {}
_lock = threading.Lock()


def program(compiled: CompiledRuleSet) -> Program | None:
    """The version's generated program (made on first use), or None: run the closures."""
    found = _programs.get(id(compiled))
    if found is not None and found[0]() is compiled:
        return found[1]
    with _lock:
        made = None if fallback_reason(compiled) else generate(compiled)
        key = id(compiled)
        _programs[key] = (weakref.ref(compiled, lambda _: _programs.pop(key, None)), made)
    return made


def fallback_reason(compiled: CompiledRuleSet) -> str | None:
    """Why the version runs on the closures (None: it has a generated program)."""
    if compiled.steps or compiled.collections:
        return "collections are evaluated per instance by the closures"
    construct = supported(compiled.named[name].node for name in compiled.order)
    return f"the generator does not write {construct} yet" if construct else None


def generate(compiled: CompiledRuleSet) -> Program:
    """Generate, compile and load the functions of a version (raises Unsupported)."""
    namespace = runtime_namespace()
    keep = {key for key in compiled.walk_keys if isinstance(key, int)}
    sources = []
    for index in range(0, len(compiled.order), CHUNK):
        chunk = Chunk(namespace, compiled.tables, compiled.constants, keep)
        for name in compiled.order[index : index + CHUNK]:
            chunk.named(name, compiled.named[name].node)
        sources.append(chunk.source(f"step{index // CHUNK}"))
    checks = _check_sources(compiled, namespace)
    source = "\n".join([*sources, *checks.values()])
    # Our own source over constants bound in `namespace`; no text of a rule file is in it.
    exec(compile(source, f"<generated {compiled.key}>", "exec"), namespace)  # noqa: S102
    steps = tuple(namespace[f"step{i}"] for i in range(len(sources)))
    found = tuple(
        (check, namespace[f"check{at}"] if at in checks else check.evaluate)
        for at, check in enumerate(compiled.checks)
    )
    return Program(steps, source, found)


def _check_sources(compiled: CompiledRuleSet, namespace: dict[str, Any]) -> dict[int, str]:
    """The source of a function per check the generator writes, by the check's position."""
    sources = {}
    for at, check in enumerate(compiled.checks):
        if check.node is None or supported([check.node]):
            continue
        chunk = Chunk(namespace, compiled.tables, compiled.constants, ())
        chunk.returning(check.node)
        sources[at] = chunk.source(f"check{at}")
    return sources
