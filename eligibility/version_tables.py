"""Tables of a version's constants per language (reasons, worded questions), kept bounded."""

from __future__ import annotations

from typing import Generic, TypeVar

__all__ = ["VersionTables"]

K = TypeVar("K")
V = TypeVar("V")


class VersionTables(Generic[K, V]):
    """A table per version (content hash) and language, filled by whoever reads it.

    Memory stays bounded whatever is asked: every table is dropped when `most` are held,
    and a table is emptied when it holds `size` entries (filled again as it is read).
    """

    __slots__ = ("_tables", "_most", "_size")

    def __init__(self, most: int = 256, size: int = 50_000) -> None:
        self._tables: dict[tuple[str, str], dict[K, V]] = {}
        self._most = most
        self._size = size

    def of(self, content_hash: str, locale: str) -> dict[K, V]:
        """The table of one version and language."""
        key = (content_hash, locale)
        table = self._tables.get(key)
        if table is None:
            if len(self._tables) >= self._most:
                self._tables.clear()
            table = self._tables[key] = {}
        elif len(table) >= self._size:
            table.clear()
        return table

    def clear(self) -> None:
        """Drop every table."""
        self._tables.clear()
