"""RuleSet → CompiledRuleSet: the compiler's stages in order, stopping where problems are found."""

from __future__ import annotations

from dataclasses import replace

from eligibility.answer_checks import compile_checks
from eligibility.compiler.assembly import assemble
from eligibility.compiler.compilation import Compilation
from eligibility.compiler.compiled import CompiledRuleSet
from eligibility.compiler.entities import EntityCompilation
from eligibility.compiler.texts import check_entity_texts, check_texts
from eligibility.errors import RuleSetError
from eligibility.expressions import nodes as n
from eligibility.model import RuleSet
from eligibility.scenario_checks import check_scenarios

MAX_TOTAL_NODES = 200_000  # bounds the work of one evaluation: every node runs at most once


def compile_ruleset(ruleset: RuleSet) -> CompiledRuleSet:
    """Compile a RuleSet, or raise RuleSetError listing every problem with its position."""
    job = Compilation(ruleset)
    job.parse_all()
    entities = EntityCompilation(job) if ruleset.collections else None
    if entities is not None:
        entities.resolve_all()
        steps = entities.order()
        order = [name for path, name in steps if not path]
    else:
        order = job.graph_order()
    if job.problems:
        raise RuleSetError(job.problems)
    if entities is not None:
        entities.check_types(steps)
        check_entity_texts(entities)
        types = job.types
    else:
        types = job.check_types(order)
    total = sum(len(n.walk(a)) for a in job.asts.values())
    if total > MAX_TOTAL_NODES:
        job.problem(
            "rules", f"the rule set has {total} expression parts; at most {MAX_TOTAL_NODES}"
        )
    root = entities.root_scopes() if entities is not None else None
    checks = compile_checks(
        job.ruleset, job.types, job.options, job.tables, job.asts, job.problem, root
    )
    check_texts(job)
    check_scenarios(job.ruleset, job.problem)
    if job.problems:
        raise RuleSetError(job.problems)
    compiled = assemble(job, order, types, checks, entities)
    if job.problems:  # the checks of collections' questions are compiled with their entity
        raise RuleSetError(job.problems)
    return replace(compiled, steps=tuple(steps)) if entities is not None else compiled
