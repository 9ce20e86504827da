"""The trace of a version without collections written as stored text, from a template per version.

A replay job compares the trace computed now with the recorded one as text
(`batch.replayed`). Everything in that text but the values is the version's: step names,
kinds, the names read and legal references. So each version's text is cut once into the
fixed pieces between its values, and a trace is written by putting each value's text
between them: every value written once, however many steps read it. Two writings are
known: the canonical text the append stores (keys sorted, no spaces, not ASCII-escaped) and
the JSON type's SQLite kept before (`json.dumps`); each gives exactly what its writer gives.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate
from typing import Any

from eligibility.compiler import CompiledRuleSet
from eligibility.expressions.values import UNKNOWN, Value
from eligibility.values_io import trace_value

CACHED = 64  # templates kept (a worker holds at most this many compiled versions)
Dumps = Callable[[Any], str]


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


WRITERS: dict[str, Dumps] = {"canonical": _canonical, "json": json.dumps}
# A str as each writer writes it: what json.dumps does for a str, without its encoder object.
QUOTES: dict[str, Callable[[str], str]] = {
    "canonical": json.encoder.encode_basestring,
    "json": json.encoder.encode_basestring_ascii,
}
CANONICAL_KEYS = ("inputs", "kind", "legal_reference", "name", "result")  # sorted
RECORDED_KEYS = ("name", "kind", "inputs", "result", "legal_reference")  # as `outcome_of` has them


@dataclass(frozen=True)
class Template:
    """The fixed pieces of one version's trace text and the value written between each two."""

    names: frozenset[str]  # every value the trace shows
    absent: frozenset[str]  # names read but not computed (left out of the inputs, as `trace` does)
    fragments: list[str]  # one more than slots
    slots: list[str]
    dumps: Dumps
    quote: Callable[[str], str]
    starts: list[tuple[int, int]]  # each step's "{": its fragment and where in that fragment

    def fits(self, env: Mapping[Any, Value]) -> bool:
        """Whether `env` holds every value this template shows and none it leaves out."""
        keys = env.keys()
        return keys >= self.names and keys.isdisjoint(self.absent)

    def write(self, env: Mapping[Any, Value]) -> str:
        """The trace of `env` as the writer writes it (an `env` this template `fits`)."""
        return "".join(self.pieces(env))

    def pieces(self, env: Mapping[Any, Value]) -> list[str]:
        """The text `write` joins: fixed pieces and values' texts in turn."""
        dumps, quote = self.dumps, self.quote
        texts = {name: _text(env[name], dumps, quote) for name in self.names}
        merged = [""] * (2 * len(self.slots) + 1)
        merged[0::2] = self.fragments
        merged[1::2] = [texts[s] for s in self.slots]
        return merged

    def step_starts(self, pieces: list[str]) -> list[int]:
        """Where each step begins (its "{") in the text joined from `pieces`."""
        before = [0, *accumulate(map(len, pieces))]
        return [before[2 * fragment] + at for fragment, at in self.starts]

    def parting(self, env: Mapping[Any, Value], text: str) -> Parting | None:
        """Where `text` parts from the trace of `env` as written; None when they are the same.

        Written piece by piece and compared as it goes, each value's text made when first
        reached: nothing after the piece where they part is written. The same answer as
        comparing `write(env)` with `text` (the common prefix, the steps begun before it).
        """
        dumps, quote, fragments = self.dumps, self.quote, self.fragments
        starts = text.startswith
        texts: dict[str, str] = {}
        at = 0
        begun = [0]  # where each fragment begins in the text (the same there up to `at`)
        for fragment, slot in zip(fragments, self.slots, strict=False):
            if not starts(fragment, at):
                return self._parted(begun, at + common_prefix(text, fragment, at))
            at += len(fragment)
            value = texts.get(slot)
            if value is None:
                value = texts[slot] = _text(env[slot], dumps, quote)
            if not starts(value, at):
                return self._parted(begun, at + common_prefix(text, value, at))
            at += len(value)
            begun.append(at)
        last = fragments[-1]
        if starts(last, at) and len(text) == at + len(last):
            return None
        return self._parted(begun, at + common_prefix(text, last, at))

    def _parted(self, begun: list[int], prefix: int) -> Parting:
        """The common prefix and the steps begun within it (their "{" where the texts agree)."""
        steps = [begun[fragment] + at for fragment, at in self.starts if fragment < len(begun)]
        return Parting(prefix, [start for start in steps if start <= prefix])


@dataclass(frozen=True)
class Parting:
    """Where a stored text parts from the trace written now: how far they agree, steps begun."""

    prefix: int  # characters the two texts share from their start
    starts: list[int]  # where each step begun by then starts ("{"), in step order


def common_prefix(text: str, piece: str, at: int = 0) -> int:
    """How many characters `text` from `at` shares with `piece` from its start (halving)."""
    low, high = 0, min(len(piece), len(text) - at)
    while low < high:  # text[at:at + low] == piece[:low]; they part before high + 1
        middle = (low + high + 1) // 2
        if text.startswith(piece[low:middle], at + low):
            low = middle
        else:
            high = middle - 1
    return low


def _text(value: Value, dumps: Dumps, quote: Callable[[str], str]) -> str:
    """A value's text in the trace (`trace_value` written), the usual kinds without the encoder."""
    kind = type(value)
    if kind is Decimal:
        return f'"{value:f}"'  # digits, sign and point: nothing to escape
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if value is UNKNOWN:
        return "null"
    if kind is str:
        return quote(value)  # type: ignore[arg-type]
    if kind is dt.date:
        return f'"{value.isoformat()}"'  # type: ignore[union-attr]  # digits and dashes
    return dumps(trace_value(value))


def template(version: CompiledRuleSet, writer: str, env: Mapping[Any, Value]) -> Template:
    """A template of `version` (without collections) for `writer` that `env` fits.

    Which names a version's values leave out hardly varies (a table or a parameter read):
    the last template made is kept per version and writer, and made again when one does not fit.
    """
    key = (id(version), writer)
    found = _templates.get(key)
    if found is not None and found[0] is version and found[1].fits(env):
        return found[1]
    if len(_templates) >= CACHED:
        _templates.clear()
    made = _made(version, writer, env)
    _templates[key] = (version, made)
    return made


_templates: dict[tuple[int, str], tuple[CompiledRuleSet, Template]] = {}


def _made(version: CompiledRuleSet, writer: str, env: Mapping[Any, Value]) -> Template:
    dumps, canonical = WRITERS[writer], writer == "canonical"
    comma, colon = (",", ":") if canonical else (", ", ": ")
    cut, absent = _Cut(), set[str]()
    for number, name in enumerate(version.order):
        named = version.named[name]
        fixed = {"kind": named.kind, "legal_reference": named.legal_reference, "name": name}
        cut.fixed(comma if number else "")
        cut.mark()
        cut.fixed("{")
        for index, key in enumerate(CANONICAL_KEYS if canonical else RECORDED_KEYS):
            cut.fixed((comma if index else "") + dumps(key) + colon)
            if key == "inputs":
                reads = [r for r in dict.fromkeys(named.reads) if r in env]  # as `trace` has them
                absent.update(r for r in named.reads if r not in env)
                cut.fixed("{")
                for at, read in enumerate(sorted(reads) if canonical else reads):
                    cut.fixed((comma if at else "") + dumps(read) + colon)
                    cut.slot(read)
                cut.fixed("}")
            elif key == "result":
                cut.slot(name)
            else:
                cut.fixed(dumps(fixed[key]))
        cut.fixed("}")
    cut.fixed("]")
    cut.slot("")
    slots = cut.slots[:-1]
    pieces = cut.fragments
    return Template(
        frozenset(slots), frozenset(absent), pieces, slots, dumps, QUOTES[writer], cut.starts
    )


class _Cut:
    """A text cut into fixed pieces and the names of the values between them."""

    def __init__(self) -> None:
        self.fragments: list[str] = []
        self.slots: list[str] = []
        self.starts: list[tuple[int, int]] = []
        self.pending = ["["]

    def fixed(self, text: str) -> None:
        self.pending.append(text)

    def mark(self) -> None:
        """A step begins here: the fragment being cut, and how far into it."""
        self.starts.append((len(self.fragments), sum(map(len, self.pending))))

    def slot(self, name: str) -> None:
        self.fragments.append("".join(self.pending))
        self.pending.clear()
        self.slots.append(name)
