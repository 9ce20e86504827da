"""Collections, the "add to a list" pattern: a collection's list summary above the question that
grows or closes it, instances added when the API prompts for them, each instance's answers.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from flask import request, url_for
from werkzeug.wrappers import Response

from web.blueprint import bp
from web.client import Json
from web.display import show_answer
from web.flow import Opened, leave, next_url, opened, question_url, redirect_to
from web.lists import HOW_MANY, instance_label, of_collection, schema, wanted
from web.pages import Outcome, Row, outcomes, visible_trail
from web.pointers import lookup, tokens
from web.questions import Option, Question, asked_pointer
from web.render import page
from web.state import web


@dataclass(frozen=True)
class Listing:
    """A collection's list summary: the instances so far and, for "how many?", how many in all."""

    collection: str
    items: tuple[Instance, ...]
    expected: int | None
    title: Json | None = None  # the API's `x-title`: {"one": "child", "other": "children"}

    @property
    def noun(self) -> str | None:
        """What the instances listed are called, for as many as there are ("2 children")."""
        if not self.title:
            return None
        return str(self.title["one" if len(self.items) == 1 else "other"])


@dataclass(frozen=True)
class Instance:
    """One listed instance: its label (the name given), its page of answers, its goals."""

    pointer: str
    label: str
    first_question: str
    goals: tuple[Outcome, ...]
    rows: tuple[Row, ...]


def listed(interview: Opened) -> list[tuple[str, list[Instance]]]:
    """Each collection of the root with its instances (the API's `instances`), in its order."""
    return [
        (collection, [_instance(interview, item) for item in items])
        for collection, items in (interview.data.get("instances") or {}).items()
    ]


def _instance(interview: Opened, item: Json) -> Instance:
    answered = [k for k in (lookup(interview.data["answers"], item["pointer"]) or {}) if k != "id"]
    first = item["pointer"] + "/" + answered[0] if answered else item["pointer"]
    label = instance_label(interview, item)
    return Instance(
        pointer=item["pointer"],
        label=label,
        first_question=first,
        goals=tuple(outcomes(item, interview.presentation, interview.locale)),
        rows=tuple(_rows(interview, item["pointer"], label)),
    )


def _rows(interview: Opened, pointer: str, label: str) -> list[Row]:
    """An instance's answers that still matter, in the authors' order, worded by the JSON Schema
    of the answers (its titles say "…" where the instance's name goes)."""
    collection = schema(interview)["properties"].get(tokens(pointer)[0]) or {}
    properties = (collection.get("items") or {}).get("properties") or {}
    ignored = set(interview.data.get("ignored_answers") or [])
    answers = lookup(interview.data["answers"], pointer) or {}
    found = []
    for qid, spec in properties.items():
        at = f"{pointer}/{qid}"
        if qid == "id" or qid not in answers or at in ignored or "x-type" not in spec:
            continue
        worded = _worded(spec, label, interview, (properties, answers))
        shown = _question(spec, at, worded, interview)
        found.append(Row(at, shown.label, show_answer(shown, answers[qid], interview.locale)))
    return found


_QUOTED = re.compile(r"\{([a-z_][a-z0-9_]*)(?:\.([a-z_][a-z0-9_]*))?\}")


def _worded(spec: Json, label: str, interview: Opened, own: tuple[Json, Json]) -> str:
    """An instance's question as the claimant was asked it: the label as written (`x-label`)
    with the instance's answers (`{name}`) and the root's (`{household.applicant}`) filled in;
    else the title, whose "…" stands for the instance's name."""
    template = spec.get("x-label")
    if not template:
        return str(spec.get("title") or "").replace("\u2026", label)
    root = (schema(interview)["properties"], interview.data["answers"])

    def quoted(match: re.Match[str]) -> str:
        (properties, answers), name = (root, match[2]) if match[2] else (own, match[1])
        if name not in answers or name not in properties:
            return "\u2026"
        shown = _question(properties[name], "", name, interview)
        return show_answer(shown, answers[name], interview.locale)

    return _QUOTED.sub(quoted, str(template))


def _question(spec: Json, pointer: str, label: str, interview: Opened) -> Question:
    """A question of an instance as its JSON Schema describes it (enough to show an answer)."""
    options = tuple(
        Option(str(o["const"]), str(o.get("title") or o["const"]))
        for o in spec.get("oneOf") or []
        if not isinstance(o.get("const"), bool)
    )
    return Question(
        pointer=pointer,
        type=spec["x-type"],
        label=label or str(spec.get("title") or pointer),
        help=None,
        options=options,
        allow_unknown=False,
        constraints={
            "decimal_places": spec.get("x-decimal-places"),
            "currency": spec.get("x-currency"),
        },
        why=(),
        section=None,
        currency=spec.get("x-currency") or interview.presentation.currency,
    )


def listing(interview: Opened, collection: str) -> Listing:
    """A root collection's instances so far, and the number expected if the claimant said it."""
    name = tokens(collection)[0]
    items = (interview.data.get("instances") or {}).get(name) or []
    completes = of_collection(interview, collection)
    expected = completes.expected(interview.data["answers"]) if completes else None
    title = schema(interview)["properties"][name].get("x-title")
    return Listing(collection, tuple(_instance(interview, i) for i in items), expected, title)


def prompt(data: Json) -> str | None:
    """The collection the API asks to add an instance to (`/children`), if it does now."""
    first = (data.get("next_questions") or [None])[0]
    if first is None or first["type"] != "instance":
        return None
    return asked_pointer(first)[:-2]


def add_if_prompted(interview: Opened, data: Json) -> Json:
    """Add what the API prompts for right away: the claimant just said there is another (one
    instance), or how many there are (every one still missing, so their pages follow)."""
    collection = prompt(data)
    return data if collection is None else _add(interview, data, collection)


def _add(interview: Opened, data: Json, collection: str) -> Json:
    """New, empty instances with ids of our choosing (the next free `c1`, `c2`, …)."""
    taken = {str(i.get("id")) for i in lookup(data["answers"], collection) or []}
    letter = tokens(collection)[-1][:1] or "i"
    free = (f"{letter}{n}" for n in itertools.count(1) if f"{letter}{n}" not in taken)
    count = wanted(interview, data, collection)
    patch: Json = {f"{collection}/{iid}": {} for iid in itertools.islice(free, count)}
    return web().api.answer(interview.held.session_id, patch, interview.locale)


@bp.route("/add/<path:ref>", methods=["GET", "POST"])
def add(ref: str) -> Response:
    """The API's prompt to add an instance, under the list so far; POST adds one."""
    interview = opened()
    collection = "/" + ref
    if prompt(interview.data) != collection or len(tokens(collection)) != 1:
        leave(url_for("interview.next_page"))
    if request.method == "POST":
        return redirect_to(next_url(_add(interview, interview.data, collection)))
    trail = visible_trail(interview.held.trail, interview.data)
    completes = of_collection(interview, collection)
    how_many = completes is not None and completes.kind == HOW_MANY
    return page(
        "list.html",
        interview.locale,
        interview.held.locales,
        add_label=interview.data["next_questions"][0]["label"],
        listing=listing(interview, collection),
        caption=None,
        action=request.path,
        back_url=question_url(trail[-1]) if trail else url_for("interview.check"),
        # "how many" said more than are listed now (one was removed): add one, or say fewer
        change_count=question_url(completes.question) if completes and how_many else None,
        interview=interview,
    )
