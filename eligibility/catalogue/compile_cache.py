"""The one compile cache: a version compiles once per process, keyed by its content hash.

Rule files and stored versions with the same content share one `CompiledRuleSet`
(closures, walk cache, engine registration); each caller still gets its own
`RuleSet` back (source, status, positions). The cache is bounded (least recently
used first out), so drafts sent again and again cannot grow a worker without end.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable

from eligibility.canonical import ruleset_hash
from eligibility.catalogue.collector import kept_compiled
from eligibility.compiler import CompiledRuleSet, compile_ruleset
from eligibility.errors import Problem, RuleSetError
from eligibility.loader import document_from_data, load_document
from eligibility.model import RuleSet
from eligibility.records import StoredVersion

DEFAULT_CAPACITY = 256  # distinct contents kept compiled per process (≈ 0.4 MB each)


class CompileCache:
    """Compiled versions by content hash, least recently used evicted first."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.capacity = capacity
        self._compiled: OrderedDict[str, CompiledRuleSet] = OrderedDict()
        # (content hash, the stored version's metadata) → the compiled content under it
        self._variants: OrderedDict[tuple[object, ...], CompiledRuleSet] = OrderedDict()
        self._lock = threading.Lock()
        self._building = [threading.Lock() for _ in range(16)]  # striped by content hash

    def __len__(self) -> int:
        return len(self._compiled)

    def ruleset(self, ruleset: RuleSet) -> CompiledRuleSet:
        """The compiled form of an authored version (its scenarios checked too)."""
        content_hash = ruleset_hash(ruleset)
        found = self._get(content_hash)
        if found is None:
            found = self._once(content_hash, lambda: compile_ruleset(ruleset))
        elif found.ruleset.scenarios != ruleset.scenarios:
            compile_ruleset(ruleset)  # same rules, other scenarios: they are checked on compile
        return found if found.ruleset is ruleset else dataclasses.replace(found, ruleset=ruleset)

    def stored(self, stored: StoredVersion) -> CompiledRuleSet:
        """The compiled form of a stored version, whose content must hash as recorded."""
        found = self._get(stored.content_hash)
        if found is None:

            def build() -> CompiledRuleSet:
                compiled = compile_ruleset(stored_ruleset(stored))
                if compiled.content_hash != stored.content_hash:
                    raise RuleSetError([_tampered(stored, compiled.content_hash)])
                return compiled

            found = self._once(stored.content_hash, build)
        ruleset = found.ruleset
        same = (ruleset.status, ruleset.version, ruleset.extends, ruleset.published_at)
        if same == (stored.status, stored.version, stored.extends, stored.published_at):
            return found
        return self._variant(found, stored)

    def _variant(self, found: CompiledRuleSet, stored: StoredVersion) -> CompiledRuleSet:
        """The compiled content under the stored version's own metadata, made once.

        The same object every time: what is kept per compiled object (the generated
        program, an interview's state) is then made once, not on every request.
        """
        key = (
            stored.content_hash,
            stored.status,
            stored.version,
            stored.ruleset_id,
            stored.extends,
            stored.published_at,
        )
        with self._lock:
            variant = self._variants.get(key)
            if variant is not None and variant.named is found.named:
                self._variants.move_to_end(key)
                return variant
        ruleset = dataclasses.replace(
            found.ruleset,
            status=stored.status,
            version=stored.version,
            id=stored.ruleset_id,
            extends=stored.extends,  # kept beside the content, which has the parent merged in
            published_at=stored.published_at,
        )
        variant = dataclasses.replace(found, ruleset=ruleset)
        with self._lock:
            self._variants[key] = variant
            while len(self._variants) > self.capacity:
                self._variants.popitem(last=False)
        return variant

    def _once(self, content_hash: str, build: Callable[[], CompiledRuleSet]) -> CompiledRuleSet:
        """Compile a content once: threads asking for it meanwhile wait and share the result.

        Threaded workers starting cold would otherwise compile every version once per
        waiting request (a readiness probe retried every few seconds, say), all at once.
        """
        with self._building[hash(content_hash) % len(self._building)]:
            found = self._get(content_hash)
            return found if found is not None else self._put(content_hash, build())

    def _get(self, content_hash: str) -> CompiledRuleSet | None:
        with self._lock:
            found = self._compiled.get(content_hash)
            if found is not None:
                self._compiled.move_to_end(content_hash)
            return found

    def _put(self, content_hash: str, compiled: CompiledRuleSet) -> CompiledRuleSet:
        with self._lock:
            kept = self._compiled.setdefault(content_hash, compiled)
            while len(self._compiled) > self.capacity:
                self._compiled.popitem(last=False)
        if kept is compiled:
            kept_compiled()
        return kept


def stored_ruleset(stored: StoredVersion) -> RuleSet:
    """The RuleSet a stored version holds (its content is self-contained: extends applied)."""
    data = {**stored.content, "status": stored.status}
    where = f"{stored.ruleset_id}/{stored.version} (stored)"
    return load_document(document_from_data(data, where))


def _tampered(stored: StoredVersion, found: str) -> Problem:
    return Problem(
        f"the stored content hashes to {found}, not to the recorded {stored.content_hash}: "
        "it was changed in the database",
        file=f"{stored.ruleset_id}/{stored.version} (stored)",
    )


_shared = CompileCache()


def compile_cache() -> CompileCache:
    """The compile cache of this process."""
    return _shared
