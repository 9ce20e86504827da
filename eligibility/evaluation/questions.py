"""The next questions, worded for the claimant with why each is asked."""

from __future__ import annotations

from collections.abc import Mapping

from eligibility.compiler import CompiledRuleSet
from eligibility.entity_evaluation import Wording
from eligibility.entity_frames import Relevant
from eligibility.evaluation.result import NextQuestion, Why
from eligibility.model import localize
from eligibility.relevance import Walk
from eligibility.texts import Texts, why_asked


def next_question(compiled: CompiledRuleSet, qid: str, found: Walk, texts: Texts) -> NextQuestion:
    """The question `qid` worded for the claimant, with why it is asked."""
    question = compiled.questions[qid]
    locale, default = texts.locale, texts.default_locale
    return NextQuestion(
        question=question,
        label=texts.render(question.label) or qid,
        help=texts.render(question.help),
        options=tuple(
            (o.value, localize(o.label, locale, default) or o.value) for o in question.options
        ),
        why=_whys(compiled, found.relevant[qid][1], locale),
    )


def _whys(compiled: CompiledRuleSet, contexts: list[str], locale: str) -> tuple[Why, ...]:
    """Why a question is asked, once per distinct sentence (two goals may give the same one)."""
    found: dict[str, Why] = {}
    for context in contexts:
        reference, text = why_asked(compiled, context, locale)
        found.setdefault(text, Why(context, reference, text))
    return tuple(found.values())


def instance_question(
    wording: Wording, relevant: Mapping[str, Relevant], where: str
) -> NextQuestion:
    """The next question at `where` (a claim with collections), worded when first read."""
    parts = wording.parts(relevant[where])
    parts["why"] = tuple(Why(*why) for why in parts["why"])
    return NextQuestion(**parts)
