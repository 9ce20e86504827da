"""CompiledRuleSet: a version ready to evaluate, what the compiler hands every later stage."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from eligibility.answer_checks import CompiledCheck
from eligibility.answer_parser import AnswerParser
from eligibility.compiled_parts import CompiledCollection, Named, ScopePath
from eligibility.expressions.interpreter import Evaluator
from eligibility.expressions.types import Type
from eligibility.expressions.values import UNKNOWN, Known, Value
from eligibility.model import Goal, Question, Rule, RuleSet, Table
from eligibility.money import Money

if TYPE_CHECKING:
    from eligibility.relevance import Walk


@dataclass(frozen=True)
class CompiledRuleSet:
    """A version ready to evaluate: every expression checked, the rule graph ordered."""

    ruleset: RuleSet
    content_hash: str
    named: Mapping[str, Named]
    order: tuple[str, ...]
    constants: Mapping[str, Known]
    tables: Mapping[str, Table]
    questions: Mapping[str, Question]
    question_rank: Mapping[str, int]
    checks: tuple[CompiledCheck, ...]
    types: Mapping[str, Type]
    goal_ids: tuple[str, ...]
    closures: Mapping[int, Evaluator] = field(default_factory=dict, compare=False, repr=False)
    # id(node) → (questions, named values) read by a sub-tree without and/or/if/in: such a
    # sub-tree is known exactly when all it reads is, so the relevance walk need not enter it.
    strict_parts: Mapping[int, tuple[tuple[str, ...], tuple[str, ...]]] = field(
        default_factory=dict, compare=False, repr=False
    )
    # Everything the relevance walk reads besides answered-ness: named values and the nodes
    # where it chooses a path (and/or/if/in and their operands). Equal readings, equal walks.
    walk_keys: tuple[int | str, ...] = field(default=(), compare=False, repr=False)
    rules_by_id: Mapping[str, Rule] = field(default_factory=dict, compare=False, repr=False)
    goals_by_id: Mapping[str, Goal] = field(default_factory=dict, compare=False, repr=False)
    # The languages the question labels are written in (the default locale always).
    locales: frozenset[str] = frozenset()
    # The declared currency or scale of every question and goal (collections' too), by id.
    money: Mapping[str, Money] = field(default_factory=dict, compare=False, repr=False)
    # Relevance walks by the path a claim takes through the rules (filled by relevance.walk,
    # shared by every copy of this compiled version).
    walks: dict[tuple[Any, ...], Walk] = field(default_factory=dict, compare=False, repr=False)
    # The collections under the root, and the order of evaluation across entities: (the
    # collections down to the entity, name); empty for a version without collections.
    collections: Mapping[str, CompiledCollection] = field(default_factory=dict)
    steps: tuple[tuple[ScopePath, str], ...] = ()

    @property
    def key(self) -> str:
        """The id under which engines register this version: rule set, version and hash."""
        return f"{self.ruleset.id}:{self.ruleset.version}:{self.content_hash[:16]}"

    @cached_property
    def answer_parser(self) -> AnswerParser:
        """The root questions' answer parser, made once (assembly makes it as it compiles)."""
        return AnswerParser(self.questions)

    @cached_property
    def unanswered(self) -> dict[str, Value]:
        """Every question, unanswered (UNKNOWN): where an evaluation's environment starts."""
        return dict.fromkeys(self.questions, UNKNOWN)

    @cached_property
    def signature_keys(self) -> tuple[int | str, ...]:
        """Every environment key the relevance walk's signature reads: walk keys, questions."""
        return (*self.walk_keys, *self.questions)
