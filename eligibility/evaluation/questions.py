"""The next questions, worded for the claimant with why each is asked."""

from __future__ import annotations

from collections.abc import Mapping

from eligibility.compiler import CompiledRuleSet
from eligibility.entity_evaluation import Wording
from eligibility.entity_frames import Relevant
from eligibility.evaluation.result import NextQuestion, Why
from eligibility.model import Question, localize
from eligibility.relevance import Walk
from eligibility.texts import Texts, quotes_a_value, why_asked
from eligibility.version_tables import VersionTables

# Per version and language: (question, the rules and goals it is asked for) → its wording,
# for a question whose label and help quote no value. With few answers on a large rule set
# wording the next questions was most of an evaluation (~6 µs each, a thousand of them).
# ~0.6 KB an entry: at most ~12 MB per table (a version has an entry per question and
# distinct reasons for asking it: ~1.8 a question on the 2,000-rule set) and ~60 MB in all.
_WORDED: VersionTables[tuple[str, tuple[str, ...]], NextQuestion] = VersionTables(
    most=64, size=20_000, total=100_000
)


def next_question(compiled: CompiledRuleSet, qid: str, found: Walk, texts: Texts) -> NextQuestion:
    """The question `qid` worded for the claimant, with why it is asked."""
    contexts = found.relevant[qid][1]
    table = _WORDED.of(compiled.content_hash, texts.locale)
    key = (qid, tuple(contexts))
    worded = table.get(key)
    if worded is None:
        worded = _worded(compiled, compiled.questions[qid], contexts, texts)
        if _quotes_nothing(worded.question, texts):  # the same wording whatever the answers
            table[key] = worded
    return worded


def _worded(
    compiled: CompiledRuleSet, question: Question, contexts: list[str], texts: Texts
) -> NextQuestion:
    locale, default = texts.locale, texts.default_locale
    return NextQuestion(
        question=question,
        label=texts.render(question.label) or question.id,
        help=texts.render(question.help),
        options=tuple(
            (o.value, localize(o.label, locale, default) or o.value) for o in question.options
        ),
        why=_whys(compiled, contexts, locale),
    )


def _quotes_nothing(question: Question, texts: Texts) -> bool:
    """Whether the question's label and help, in this language, quote no value."""
    return not any(
        quotes_a_value(text, texts.locale, texts.default_locale)
        for text in (question.label, question.help)
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
