"""Generated rule sets of a given number of rules, shaped like the hand-written ones.

Rules come in blocks of ten: eight leaf rules over the answers (comparisons with
parameters, boolean answers, enum membership, derived values, table lookups) and two
rules combining them with `and`, `or` and `not`. Blocks are grouped into sections of
about ten, and the goal `eligible` requires every section, so the goal's expression
stays small (durable_rules expands disjunctions and limits a fact's size) while
the rule graph grows. There are about half as many questions as rules, in four
types, and a quarter as many derived values, some in short chains.

`answers(n)` is a complete answer set under which every leaf is decided and the goal
is true (so an evaluation reads every rule), `partial(n, share)` the first part of it.
"""

from __future__ import annotations

import math
from typing import Any

KINDS = ("integer", "decimal", "boolean", "enum")


def counts(n_rules: int) -> dict[str, int]:
    """How many sections, blocks, extra leaves, questions and derived values."""
    sections = max(1, n_rules // 100) if n_rules >= 100 else 0
    blocks, extra = divmod(n_rules - sections, 10)
    per_kind = max(2, n_rules // 8)  # four kinds: about n/2 questions
    return {
        "rules": n_rules,
        "sections": sections,
        "blocks": blocks,
        "extra_leaves": extra,
        "questions": 4 * per_kind,
        "derived": max(3, n_rules // 4),
        "per_kind": per_kind,
    }


def _q(kind: str, index: int, per_kind: int) -> str:
    return f"{kind[:3]}_{index % per_kind}"


def document(n_rules: int, ruleset_id: str = "generated") -> dict[str, Any]:
    """A rule-set version (as the loader's data) with exactly `n_rules` rules."""
    c = counts(n_rules)
    k = c["per_kind"]
    questions: dict[str, Any] = {}
    for i in range(k):
        for kind in KINDS:
            q: dict[str, Any] = {
                "type": kind,
                "label": {"en": f"Question {kind} {i}?", "de": f"Frage {kind} {i}?"},
            }
            if kind == "integer":
                q.update(min=0, max=100_000)
            elif kind == "decimal":
                q.update(min=0, decimal_places=2)
            elif kind == "enum":
                q["options"] = {o: {"en": f"Option {o}"} for o in ("A", "B", "C")}
            questions[_q(kind, i, k)] = q
    derived: dict[str, Any] = {}
    for i in range(c["derived"]):
        if i % 3 == 0 or i == 0:
            value = f"{_q('integer', i, k)} * 2 + {_q('decimal', i, k)}"
        elif i % 3 == 1:
            value = f"d_{i - 1} - {_q('integer', i + 1, k)}"
        else:
            value = f"if {_q('boolean', i, k)} then d_{i - 1} else 0"
        derived[f"d_{i}"] = {"type": "decimal", "value": value}
    rules: dict[str, Any] = {}

    def rule(rule_id: str, when: str) -> str:
        rules[rule_id] = {
            "title": {"en": f"Rule {rule_id}"},
            "when": when,
            "legal_reference": f"§ {len(rules) + 1} Generated Act",
            "explanation": {"true": {"en": f"{rule_id} holds."}},
        }
        return rule_id

    def leaf(index: int, j: int) -> str:
        m = index * 3 + j
        when = (
            f"{_q('integer', m, k)} >= low",
            f"{_q('decimal', m, k)} <= limit",
            f"{_q('boolean', m, k)}",
            f'{_q("enum", m, k)} in ["A", "B"]',
            f"d_{m % c['derived']} > 0",
            f"not {_q('boolean', m + 1, k)}",
            f"{_q('integer', m, k)} + {_q('integer', m + 1, k)} < 1000",
            f"rate[{_q('enum', m, k)}] * {_q('decimal', m, k)} >= 0",
        )[j % 8]
        return rule(f"r_{index}_{j}", when)

    tops: list[str] = []
    for b in range(c["blocks"]):
        ls = [leaf(b, j) for j in range(8)]
        c1 = rule(f"c_{b}_1", f"{ls[0]} and {ls[1]} and ({ls[2]} or {ls[3]})")
        tops.append(rule(f"c_{b}_2", f"{c1} and ({ls[4]} or {ls[5]}) and ({ls[6]} or not {ls[7]})"))
    true_kinds = (0, 1, 2, 3, 4, 6, 7)  # leaf kind 5 (`not …`) is false under `answers`
    extras = [
        leaf(c["blocks"] + e, true_kinds[e % len(true_kinds)]) for e in range(c["extra_leaves"])
    ]
    if c["sections"]:
        per = math.ceil(len(tops) / c["sections"])
        parts = []
        for s in range(c["sections"]):
            members = tops[s * per : (s + 1) * per] + (extras if s == 0 else [])
            parts.append(rule(f"s_{s}", " and ".join(members) or "true"))
    else:
        parts = tops + extras
    eligible = " and ".join(parts)
    amount = " + ".join(f"d_{i}" for i in range(min(10, c["derived"])))
    return {
        "ruleset": ruleset_id,
        "version": "2024-01-01",
        "status": "published",
        "effective_from": "2024-01-01",
        "default_locale": "en",
        "title": {"en": f"Generated rule set of {n_rules} rules"},
        "questions": questions,
        "parameters": {
            "low": {"type": "integer", "value": 10, "legal_reference": "§ 0 Generated Act"},
            "limit": {"type": "decimal", "value": "5000.00"},
            "rate": {"type": "decimal", "table": {"A": "1.5", "B": "2", "C": "0.5"}},
        },
        "derived": derived,
        "rules": rules,
        "goals": {
            "eligible": {"type": "boolean", "value": eligible, "label": {"en": "Eligible"}},
            "fast_track": {
                "type": "boolean",
                "value": f"{parts[0]} and {_q('boolean', 0, k)}",
                "label": {"en": "Fast track"},
            },
            "amount": {
                "type": "decimal",
                "value": f"if eligible then round({amount}) else 0",
                "label": {"en": "Amount"},
            },
        },
    }


def answers(n_rules: int) -> dict[str, Any]:
    """A complete answer set under which every rule is decided and `eligible` is true."""
    c = counts(n_rules)
    out: dict[str, Any] = {}
    for i in range(c["per_kind"]):
        out[_q("integer", i, c["per_kind"])] = 50 + i % 7
        out[_q("decimal", i, c["per_kind"])] = f"{100 + i % 13}.25"
        out[_q("boolean", i, c["per_kind"])] = True
        out[_q("enum", i, c["per_kind"])] = "AB"[i % 2]
    return out


def partial(n_rules: int, share: float) -> dict[str, Any]:
    """The first `share` of the complete answers, in question order."""
    full = answers(n_rules)
    keep = int(len(full) * share)
    order = sorted(full, key=lambda q: (int(q.split("_")[1]), q))
    return {q: full[q] for q in order[:keep]}
