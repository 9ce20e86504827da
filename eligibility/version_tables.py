"""Tables of a version's constants per language (reasons, worded questions), kept bounded."""

from __future__ import annotations

from typing import Generic, TypeVar

__all__ = ["VersionTables"]

K = TypeVar("K")
V = TypeVar("V")


class VersionTables(Generic[K, V]):
    """A table per version (content hash) and language, filled by whoever reads it.

    Memory stays bounded whatever is asked (drafts evaluated one after another are new
    versions each): a table is emptied when it holds `size` entries, and every table is
    dropped when a new one would make more than `most`, or the tables together hold
    `total` entries or more (each is filled again as it is read).
    """

    __slots__ = ("_tables", "_most", "_size", "_total")

    def __init__(self, most: int = 256, size: int = 50_000, total: int = 200_000) -> None:
        self._tables: dict[tuple[str, str], dict[K, V]] = {}
        self._most, self._size, self._total = most, size, total

    def of(self, content_hash: str, locale: str) -> dict[K, V]:
        """The table of one version and language."""
        key = (content_hash, locale)
        table = self._tables.get(key)
        if table is None:
            tables = self._tables
            if len(tables) >= self._most or sum(map(len, tables.values())) >= self._total:
                tables.clear()
            table = tables[key] = {}
        elif len(table) >= self._size:
            table.clear()
        return table

    def clear(self) -> None:
        """Drop every table."""
        self._tables.clear()
