"""What a worker keeps for the life of the cluster: open databases and compiled versions.

Compiled versions live in the process's compile cache (`eligibility.catalogue`),
keyed by content hash, so a worker compiles a version once however many partitions
and jobs use it. Storage is opened once per database URL (a few at a time, the
least recently used closed), so partitions reuse its connection pool; its transactions
have the batch budget (`DB_BATCH_TIMEOUT_SECONDS`), not an API request's.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from eligibility.catalogue import compile_cache
from eligibility.compiler import CompiledRuleSet
from eligibility.ports import Storage
from eligibility.records import StoredVersion
from eligibility.storage import for_batch, open_storage

StorageRef = str | Storage  # a database URL (any worker), or storage held by this process
MAX_OPEN = 4
MAX_COMPILED = 64  # stored versions held compiled by this worker, least recently used out

_open: OrderedDict[str, Storage] = OrderedDict()
_compiled: OrderedDict[tuple[Any, ...], CompiledRuleSet] = OrderedDict()
_lock = threading.Lock()


def storage_at(source: StorageRef) -> Storage:
    """The storage a partition reads and writes: opened once per URL on this worker."""
    if not isinstance(source, str):
        return source
    with _lock:
        found = _open.get(source)
        if found is not None:
            _open.move_to_end(source)
            return found
        store = _open[source] = for_batch(open_storage(source))
        while len(_open) > MAX_OPEN:
            _, oldest = _open.popitem(last=False)
            oldest.close()
        return store


def compiled(version: StoredVersion) -> CompiledRuleSet:
    """A stored version compiled, once per worker (by content hash, checked on compile).

    The same object each time for the same stored version: the compile cache hands out a
    new copy whenever the stored metadata differs from the compiled content's (a status,
    a publication date), and what is made per compiled object (the durable plan and its
    generated program) would then be made again for every row.
    """
    key: tuple[Any, ...] = (version.content_hash, version.ruleset_id, version.version)
    key += (version.status, version.extends, version.published_at)
    with _lock:
        found = _compiled.get(key)
        if found is not None:
            _compiled.move_to_end(key)
            return found
    made = compile_cache().stored(version)
    with _lock:
        _compiled[key] = made
        while len(_compiled) > MAX_COMPILED:
            _compiled.popitem(last=False)
    return made


def compiled_count() -> int:
    """How many versions this worker holds compiled (for tests and the dashboard)."""
    return len(compile_cache())
