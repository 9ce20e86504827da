"""The order questions are asked in: sections, file order, ask_after and quoted answers."""

from __future__ import annotations

import heapq

from eligibility.compiler.texts import label_references
from eligibility.model import Question, Section


def question_rank(questions: tuple[Question, ...], sections: tuple[Section, ...]) -> dict[str, int]:
    """Asking order: sections as listed, file order within, ask_after and quoted answers first."""
    section_index = {s.id: i for i, s in enumerate(sections)}
    base: dict[str, tuple[int, int]] = {}
    current = 0
    for index, q in enumerate(questions):
        current = section_index.get(q.section, current) if q.section else current
        base[q.id] = (current, index)
    ids = set(base)
    before = {q.id: (set(q.ask_after) | label_references(q)) & ids - {q.id} for q in questions}
    waiting = {qid: len(deps) for qid, deps in before.items()}
    ready = [(base[qid], qid) for qid, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    rank: dict[str, int] = {}
    while ready:
        _, qid = heapq.heappop(ready)
        rank[qid] = len(rank)
        for other, deps in before.items():
            if qid in deps:
                waiting[other] -= 1
                if waiting[other] == 0:
                    heapq.heappush(ready, (base[other], other))
    for qid in sorted(ids - set(rank), key=base.__getitem__):  # ask_after in a circle: file order
        rank[qid] = len(rank)
    return rank
