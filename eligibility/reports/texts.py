"""The report's own words, by language (the rule set's texts come from the version itself)."""

from __future__ import annotations

from collections.abc import Mapping

TEXTS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "heading": "Decision",
        "intro": "This is the decision made on your answers, the reasons for it and the "
        "rules it was made under.",
        "decided_for": "Decided for",
        "recorded_at": "Recorded at",
        "result": "Result",
        "undecided": "not decided: more answers are needed",
        "why": "Why",
        "no_reasons": "No reason was recorded for this result.",
        "answers": "Your answers that mattered",
        "no_answers": "None of your answers was needed for this result.",
        "unknown": "I don't know",
        "legal_basis": "Legal basis",
        "record": "Record",
        "decision": "Decision number",
        "rules": "Rules",
        "content_hash": "Content hash of the rules",
        "position": "Position in the audit chain",
        "hash": "Hash of this record",
        "prev_hash": "Hash of the record before it",
        "verify": "The record is part of a tamper-evident hash chain: an auditor can check "
        "that neither it nor the rules have changed since.",
    },
    "de": {
        "heading": "Entscheidung",
        "intro": "Dies ist die Entscheidung über Ihre Angaben, ihre Gründe und die Regeln, "
        "nach denen sie getroffen wurde.",
        "decided_for": "Entschieden für den",
        "recorded_at": "Aufgezeichnet am",
        "result": "Ergebnis",
        "undecided": "nicht entschieden: es fehlen noch Angaben",
        "why": "Gründe",
        "no_reasons": "Für dieses Ergebnis wurde kein Grund aufgezeichnet.",
        "answers": "Ihre Angaben, auf die es ankam",
        "no_answers": "Für dieses Ergebnis war keine Ihrer Angaben nötig.",
        "unknown": "weiß ich nicht",
        "legal_basis": "Rechtsgrundlage",
        "record": "Nachweis",
        "decision": "Entscheidungsnummer",
        "rules": "Regeln",
        "content_hash": "Prüfsumme der Regeln",
        "position": "Position in der Prüfkette",
        "hash": "Prüfsumme dieses Eintrags",
        "prev_hash": "Prüfsumme des vorigen Eintrags",
        "verify": "Der Eintrag ist Teil einer fälschungssicheren Prüfkette: Prüferinnen und "
        "Prüfer können feststellen, dass weder er noch die Regeln seither verändert wurden.",
    },
}


def texts_for(locale: str) -> Mapping[str, str]:
    """The report's words in `locale` (its language), else English."""
    return TEXTS.get(locale, TEXTS.get(locale.split("-")[0], TEXTS["en"]))
