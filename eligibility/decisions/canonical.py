"""A document's canonical text (`canonical_json`), by orjson where that is provably the same.

The canonical text is `json.dumps(…, sort_keys=True, separators=(",", ":"),
ensure_ascii=False)`. orjson with OPT_SORT_KEYS writes the same text (~10x faster) for
documents made only of exactly these types: str, int, bool, None, dict, list and tuple.
There the two agree by construction: keys sorted by code point (orjson compares UTF-8
bytes, which order as code points do), the same escapes (`"`, `\\`, controls; nothing
else, not even non-ASCII), integers in decimal. What they would write otherwise, or
what orjson refuses, goes to the json module:
- floats anywhere (orjson writes `1e-7` where json writes `1e-07`, null for NaN), and
  any type orjson knows but json does not (UUID, Enum, orjson.Fragment) — the check
  (`_plain`) admits the exact types above only, so these never reach orjson;
- subclasses of str, int, dict, list, dates and dataclasses (passed through to
  `default`, which refuses them), keys that are not exactly str, integers beyond 64 bits,
  lone surrogates and nesting deeper than orjson's limit (orjson refuses them).
"""

from __future__ import annotations

import json
from itertools import chain, compress
from typing import Any

import orjson

from eligibility.values_io import canonical_json

# json.dumps with arguments makes an encoder per call: made once.
_WRITER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
QUOTED = json.encoder.encode_basestring  # a str as json.dumps writes it (ensure_ascii off)
_ORJSON = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
)
_LEAVES = frozenset({str, int, bool, type(None)})
_NESTED = _LEAVES | {dict, list, tuple}
_DICTS = frozenset({dict})
_IS_DICT = _DICTS.__contains__
_IS_SEQUENCE = frozenset({list, tuple}).__contains__
# The check gives up (json writes the document) beyond these: deeper than orjson goes,
# or more values than any decision holds (a structure that refers to itself grows).
_DEPTH = 256
_MOST = 1_000_000


def canonical_text(value: Any) -> str:
    """canonical_json(value), without its copy of data that is already plain (a draft's is)."""
    kind = type(value)
    if kind is str:
        return QUOTED(value)
    if value is None:
        return "null"
    if _plain([value]):
        try:
            return orjson.dumps(value, default=_refuse, option=_ORJSON).decode()
        except orjson.JSONEncodeError:  # beyond 64 bits, a lone surrogate, too deep
            pass
    try:
        return _WRITER.encode(value)
    except TypeError:  # decimals or dates inside: made plain first
        return canonical_json(value)


def _plain(level: list[Any]) -> bool:
    """Whether these values hold exactly str, int, bool, None, dict, list and tuple only.

    Level by level, the work done in C (a value at a time in Python costs as much as
    json's own writing).
    """
    seen = 0
    for _ in range(_DEPTH):
        kinds = list(map(type, level))
        present = set(kinds)
        if present <= _LEAVES:
            return True
        seen += len(level)
        if not present <= _NESTED or seen > _MOST:
            return False
        if present == _DICTS:  # a level of objects (the trace's steps): their values next
            level = list(chain.from_iterable(map(dict.values, level)))
            continue
        dicts = compress(level, map(_IS_DICT, kinds))
        sequences = compress(level, map(_IS_SEQUENCE, kinds))
        level = list(
            chain(chain.from_iterable(map(dict.values, dicts)), chain.from_iterable(sequences))
        )
    return False


def _refuse(value: Any) -> Any:
    """orjson's default: nothing more (the json module writes what orjson passes through)."""
    raise TypeError(type(value).__name__)
