"""RuleSet → its canonical document (the file format, fully resolved) and content hash."""

from __future__ import annotations

from typing import Any

from eligibility.model import Collection, Derived, Goal, Parameter, Question, RuleSet, Table
from eligibility.values_io import content_hash, to_plain


def _text(value: Any) -> Any:
    return dict(value)


def _question(q: Question) -> dict[str, Any]:
    doc: dict[str, Any] = {"type": q.type, "label": _text(q.label)}
    optional = {
        "help": _text(q.help) if q.help else None,
        "options": {o.value: _text(o.label) for o in q.options} or None,
        "allow_unknown": q.allow_unknown or None,
        "min": q.min,
        "max": q.max,
        "decimal_places": q.decimal_places,
        "max_length": q.max_length,
        "section": q.section,
        "ask_after": list(q.ask_after) or None,
        "checks": [{"when": c.condition, "message": _text(c.message)} for c in q.checks] or None,
        "currency": q.currency,
    }
    doc.update({k: v for k, v in optional.items() if v is not None})
    return doc


def _rows(table: Table) -> dict[Any, Any]:
    return {k: _rows(v) if isinstance(v, Table) else v for k, v in table.rows.items()}


def _parameter(p: Parameter) -> dict[str, Any]:
    doc: dict[str, Any] = {"type": p.type}
    if p.table is None:
        doc["value"] = p.value
    else:
        doc["table"] = _rows(p.table)
        if p.table.each_additional is not None:
            doc["each_additional"] = p.table.each_additional
        if p.table.default is not None:
            doc["default"] = p.table.default
    if p.legal_reference:
        doc["legal_reference"] = p.legal_reference
    if p.description:
        doc["description"] = _text(p.description)
    return doc


def to_document(ruleset: RuleSet, *, with_scenarios: bool = False) -> dict[str, Any]:
    """The version as one self-contained document in the file format (JSON-safe)."""
    doc: dict[str, Any] = {
        "ruleset": ruleset.id,
        "version": ruleset.version,
        "effective_from": ruleset.effective_from,
        "effective_to": ruleset.effective_to,
        # Left out when not a correction, so every other version keeps its hash.
        "supersedes": ruleset.supersedes,
        "correction_reason": _text(ruleset.correction_reason),
        "default_locale": ruleset.default_locale,
        "title": _text(ruleset.title),
        "description": _text(ruleset.description),
        "legal_basis": [
            {
                k: v
                for k, v in {
                    "reference": b.reference,
                    "title": _text(b.title),
                    "url": b.url,
                }.items()
                if v
            }
            for b in ruleset.legal_basis
        ],
        "sections": {s.id: {"title": _text(s.title)} for s in ruleset.sections},
        "questions": {q.id: _question(q) for q in ruleset.questions},
        "parameters": {p.id: _parameter(p) for p in ruleset.parameters},
        **_parts(ruleset.derived, ruleset.rules, ruleset.goals),
        # Left out when not declared, so versions without collections keep their hash.
        "entity": ruleset.entity,
        "collections": {c.id: _collection(c) for c in ruleset.collections},
    }
    if with_scenarios:  # the stored document: with what the content hash leaves out
        doc["status"] = ruleset.status
        if ruleset.dated_by is not None:
            doc["dated_by"] = dict(ruleset.dated_by.__dict__)
        doc["scenarios"] = [
            {k: v for k, v in s.__dict__.items() if v is not None} for s in ruleset.scenarios
        ]
    return to_plain(_present(doc))  # type: ignore[no-any-return]


def _parts(derived: tuple[Derived, ...], rules: tuple[Any, ...], goals: tuple[Goal, ...]) -> Any:
    return {
        "derived": {d.id: _derived(d.expression, d.type, d.description) for d in derived},
        "rules": {r.id: _rule(r) for r in rules},
        "goals": {g.id: _goal(g) for g in goals},
    }


def _goal(g: Goal) -> dict[str, Any]:
    return _present(
        {
            "type": g.type,
            "value": g.expression,
            "label": _text(g.label),
            "description": _text(g.description),
            "legal_reference": g.legal_reference,
            "why": _text(g.why),
            # Left out when not declared, so versions written before keep their hash.
            "currency": g.currency,
            "decimal_places": g.decimal_places,
        }
    )


def _collection(c: Collection) -> dict[str, Any]:
    doc = {
        "entity": c.entity,
        "item_label": _text(c.item_label),
        "add_label": _text(c.add_label),
        "title": {lang: dict(forms) for lang, forms in c.title.items()},
        "min": c.min,
        "max": c.max,
        "completeness": c.completeness,
        "completeness_question": c.completeness_question,
        "order": c.order,
        "questions": {q.id: _question(q) for q in c.questions},
        **_parts(c.derived, c.rules, c.goals),
        "collections": {n.id: _collection(n) for n in c.collections},
    }
    return _present(doc)


def _present(doc: dict[str, Any]) -> dict[str, Any]:
    """The entries that say something (empty texts and lists are left out)."""
    return {k: v for k, v in doc.items() if v not in (None, {}, [])}


def _derived(expression: str, vtype: str | None, description: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"value": expression}
    if vtype:
        doc["type"] = vtype
    if description:
        doc["description"] = _text(description)
    return doc


def _rule(rule: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"when": rule.condition, "legal_reference": rule.legal_reference}
    explanation = {
        k: _text(v)
        for k, v in (("true", rule.explanation_true), ("false", rule.explanation_false))
        if v
    }
    extra = {"title": rule.title, "explanation": explanation, "why": rule.why}
    doc.update({k: (_text(v) if k != "explanation" else v) for k, v in extra.items() if v})
    return doc


def ruleset_hash(ruleset: RuleSet) -> str:
    """The content hash of a version: sha256 of its canonical document (scenarios excluded)."""
    return content_hash(to_document(ruleset))
