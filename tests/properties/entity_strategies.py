"""Random rule sets with a collection, and random answers documents for them (hypothesis)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from eligibility import CompiledRuleSet, document_from_data, load_document
from eligibility.compiler import compile_ruleset

INSTANCE_ATOMS = [
    "m_flag",
    "m_flag2",
    "m_num > 4",
    "m_num <= 2",
    "household.r_flag",
    "m_num < household.r_num",
]


@st.composite
def formulas(draw: st.DrawFn, atoms: list[str], depth: int = 3) -> str:
    """A boolean expression over `atoms` with not/and/or/if."""
    if depth == 0 or draw(st.integers(0, 2)) == 0:
        return draw(st.sampled_from(atoms))
    kind = draw(st.sampled_from(["not", "and", "or", "if"]))
    parts = [draw(formulas(atoms, depth - 1)) for _ in range(3)]
    if kind == "not":
        return f"not ({parts[0]})"
    if kind == "if":
        return f"(if {parts[0]} then {parts[1]} else {parts[2]})"
    return f"({parts[0]} {kind} {parts[1]})"


@st.composite
def aggregates(draw: st.DrawFn) -> str:
    """A root condition over the collection: any/all/count/sum, with or without a filter."""
    inner = draw(st.sampled_from(["ok", "m_flag", "m_num > 3", "not ok"]))
    keep = draw(st.sampled_from(["", ", m_flag2", ", m_num > 1"]))
    k = draw(st.integers(0, 6))
    return draw(
        st.sampled_from(
            [
                f"any(members, {inner}{keep})",
                f"all(members, {inner}{keep})",
                f"count(members{keep}) >= {k % 3}",
                f"sum(members, amount{keep}) > {k}",
                # max over no member cannot be computed: guarded as authors must
                f"(count(members{keep}) > 0 and max(members, m_num{keep}) > {k})",
            ]
        )
    )


@st.composite
def collection_rulesets(draw: st.DrawFn) -> CompiledRuleSet:
    """A compiled version: a root with two questions, a collection of members with goals."""
    how_many = draw(st.booleans())
    complete_q = "members_count" if how_many else "members_complete"
    root_atoms = ["r_flag", "r_num > 3", *[draw(aggregates()) for _ in range(3)]]
    data: dict[str, Any] = {
        "ruleset": "random-entities",
        "version": "1",
        "status": "published",
        "effective_from": "2024-01-01",
        "title": "Random",
        "entity": "household",
        "questions": {
            "r_flag": {"type": "boolean", "label": "R?"},
            "r_num": {"type": "integer", "min": 0, "max": 10, "label": "N?"},
            complete_q: {"type": "integer", "min": 0, "max": 6, "label": "How many?"}
            if how_many
            else {"type": "boolean", "label": "All listed?"},
        },
        "collections": {
            "members": {
                "entity": "member",
                "max": 6,
                "completeness": "how_many" if how_many else "ask_another",
                "completeness_question": complete_q,
                "order": draw(st.sampled_from(["instance_first", "question_first"])),
                "questions": {
                    "m_flag": {"type": "boolean", "label": "F?"},
                    "m_flag2": {"type": "boolean", "label": "G?"},
                    "m_num": {"type": "integer", "min": 0, "max": 10, "label": "M?"},
                },
                "rules": {
                    "base": {"when": draw(formulas(INSTANCE_ATOMS)), "legal_reference": "§ 1"}
                },
                "goals": {
                    "ok": {"type": "boolean", "value": draw(formulas([*INSTANCE_ATOMS, "base"]))},
                    "amount": {"type": "integer", "value": "if ok then m_num else 0"},
                },
            }
        },
        "goals": {
            "eligible": {"type": "boolean", "value": draw(formulas(root_atoms, 2))},
            "other": {"type": "boolean", "value": draw(formulas(root_atoms, 2))},
        },
    }
    return compile_ruleset(load_document(document_from_data(data)))


def _maybe(draw: st.DrawFn, strategy: st.SearchStrategy[Any]) -> Any:
    return draw(st.one_of(st.none(), strategy))


@st.composite
def members(draw: st.DrawFn, first: int = 0, most: int = 4) -> list[dict[str, Any]]:
    """Instances with some of their answers."""
    found = []
    for i in range(first, first + draw(st.integers(0, most))):
        item: dict[str, Any] = {"id": f"m{i}"}
        for key, strategy in (
            ("m_flag", st.booleans()),
            ("m_flag2", st.booleans()),
            ("m_num", st.integers(0, 10)),
        ):
            value = _maybe(draw, strategy)
            if value is not None:
                item[key] = value
        found.append(item)
    return found


@st.composite
def documents(draw: st.DrawFn, compiled: CompiledRuleSet) -> dict[str, Any]:
    """An answers document that the version accepts."""
    listed = draw(members())
    doc: dict[str, Any] = {"members": listed}
    for key, strategy in (("r_flag", st.booleans()), ("r_num", st.integers(0, 10))):
        value = _maybe(draw, strategy)
        if value is not None:
            doc[key] = value
    if "members_count" in compiled.questions:
        if draw(st.booleans()):
            doc["members_count"] = draw(st.integers(len(listed), 6))
    elif draw(st.booleans()):
        doc["members_complete"] = True
    return doc
