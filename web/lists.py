"""What the JSON Schema of the answers says of each collection: how its list is completed
("Have you listed all your children?" or "How many employees?"), how many instances to add when
the API prompts for one, where an instance stands in its list, and the API's refusal of a list
put in the claimant's words on the "how many?" page."""

from __future__ import annotations

from dataclasses import dataclass

from web.client import Json
from web.flow import Opened
from web.messages import message
from web.pages import Problem
from web.pointers import lookup, pointer_of, tokens
from web.state import web

ASK_ANOTHER = "ask_another"
HOW_MANY = "how_many"


@dataclass(frozen=True)
class Completeness:
    """How a root collection's list is completed: the question that does it, and its kind."""

    collection: str  # `/employees`
    question: str  # `/employees_count`
    kind: str  # ask_another or how_many

    def expected(self, answers: Json) -> int | None:
        """How many instances the claimant said there are (how_many, once answered)."""
        count = lookup(answers, self.question)
        if self.kind != HOW_MANY or isinstance(count, bool) or not isinstance(count, int):
            return None
        return count


def schema(interview: Opened) -> Json:
    """The JSON Schema of the interview's answers, in its language (the API caches it for us)."""
    ruleset = interview.data["ruleset"]
    return web().api.questions(ruleset["id"], ruleset["version"], interview.locale)


def of_collection(interview: Opened, collection: str) -> Completeness | None:
    """How the list of a root collection (`/employees`) is completed, if the schema says."""
    spec = schema(interview)["properties"].get(tokens(collection)[0]) or {}
    found = spec.get("x-completeness") or {}
    if not found.get("question"):
        return None
    return Completeness(collection, pointer_of(str(found["question"])), str(found.get("kind")))


def completing(interview: Opened, pointer: str) -> Completeness | None:
    """The list that the question at `pointer` completes, if it completes one."""
    for name in schema(interview)["properties"]:
        found = of_collection(interview, pointer_of(name))
        if found is not None and found.question == pointer:
            return found
    return None


def wanted(interview: Opened, data: Json, collection: str) -> int:
    """How many instances to add at the API's prompt: all still missing when the claimant said
    how many there are (then each one's pages follow), else one."""
    found = of_collection(interview, collection)
    expected = found.expected(data["answers"]) if found else None
    listed = len(lookup(data["answers"], collection) or [])
    return max(1, expected - listed) if expected is not None else 1


def noun(interview: Opened, collection: str, count: int) -> str:
    """What the instances are called, for `count` of them ("employee", "employees")."""
    spec = schema(interview)["properties"].get(tokens(collection)[0]) or {}
    title = spec.get("x-title") or {}
    found = title.get("one" if count == 1 else "other")
    return str(found) if found else message("entries", interview.locale)


def position(interview: Opened, pointer: str) -> str | None:
    """Where an instance's question stands: "Employee 1 of 2" (how many), "Child 2"."""
    parts = tokens(pointer)
    if len(parts) != 3:
        return None
    collection = pointer_of(parts[0])
    ids = [str(i.get("id")) for i in lookup(interview.data["answers"], collection) or []]
    if parts[1] not in ids:
        return None
    found = of_collection(interview, collection)
    total = found.expected(interview.data["answers"]) if found else None
    number = ids.index(parts[1]) + 1
    if total is None or number > total:
        return numbered(interview, collection, number)
    called = _one(interview, collection)
    return message("instance_of", interview.locale, noun=called, number=number, total=total)


def numbered(interview: Opened, collection: str, number: int) -> str:
    """An instance by its place in the list ("Employee 2"), for one not named yet."""
    called = _one(interview, collection)
    return message("instance_number", interview.locale, noun=called, number=number)


def _one(interview: Opened, collection: str) -> str:
    """One instance's noun as a caption starts it ("Employee", "Beschäftigte Person")."""
    called = noun(interview, collection, 1)
    return called[:1].upper() + called[1:]


def instance_label(interview: Opened, item: Json) -> str:
    """What an instance of the API's `instances` is called: its label (the name given), else,
    while its label quotes nothing yet (the API shows an unknown as "?"), its place in the list."""
    label = str(item.get("label") or "")
    if label.strip(" ?"):
        return label
    name = tokens(item["pointer"])[0]
    group = (interview.data.get("instances") or {}).get(name) or []
    pointers = [str(i.get("pointer")) for i in group]
    number = pointers.index(item["pointer"]) + 1 if item["pointer"] in pointers else 1
    return numbered(interview, pointer_of(name), number)


def count_problems(interview: Opened, pointer: str, found: list[Problem]) -> list[Problem]:
    """On a list's page, the API's refusal of the list itself (an error at `/employees`: more
    listed than "how many?" says, or fewer than the `minItems` a complete list needs) is this
    page's answer's error, in the claimant's words."""
    completes = completing(interview, pointer)
    if completes is None:
        return found
    text = _list_problem(interview, completes)
    return [Problem(pointer, text) if p.pointer == completes.collection else p for p in found]


def _list_problem(interview: Opened, completes: Completeness) -> str:
    listed = len(lookup(interview.data["answers"], completes.collection) or [])
    if completes.kind == HOW_MANY:
        called = noun(interview, completes.collection, listed)
        return message("fewer_than_listed", interview.locale, listed=listed, noun=called)
    spec = schema(interview)["properties"].get(tokens(completes.collection)[0]) or {}
    least = int(spec.get("minItems") or 1)
    called = noun(interview, completes.collection, least)
    return message("too_few_listed", interview.locale, min=least, noun=called)
