"""The catalogue of rule-set versions: where they come from, compiled once, resolved per claim.

    sources        VersionSource · FileSource (rule files) · StoredSource (storage)
    caching        CachingSource: another source's answers remembered briefly (and while away)
    compile_cache  CompileCache: one compiled version per content hash and process (LRU)
    collector      set_apart_compiled: kept versions frozen out of the cycle collector's scans
    catalogue      Catalogue.resolve: (rule set, version | as_of, may see drafts) → Selection
    windows        effective windows: covering a date, overlap refused
"""

from __future__ import annotations

from eligibility.catalogue.caching import CachingSource
from eligibility.catalogue.catalogue import Catalogue, RulesetVersions, Selection, visible
from eligibility.catalogue.collector import set_apart_compiled
from eligibility.catalogue.compile_cache import CompileCache, compile_cache, stored_ruleset
from eligibility.catalogue.sources import FileSource, StoredSource, VersionSource
from eligibility.catalogue.windows import covering, covers, overlaps, refuse_overlap
from eligibility.compiler import CompiledRuleSet
from eligibility.model import RuleSet


def compiled(ruleset: RuleSet) -> CompiledRuleSet:
    """The compiled form of a version (compiled once per process per content hash)."""
    return compile_cache().ruleset(ruleset)


__all__ = [
    "CachingSource",
    "Catalogue",
    "CompileCache",
    "FileSource",
    "RulesetVersions",
    "Selection",
    "StoredSource",
    "VersionSource",
    "set_apart_compiled",
    "compile_cache",
    "compiled",
    "covering",
    "covers",
    "overlaps",
    "refuse_overlap",
    "stored_ruleset",
    "visible",
]
