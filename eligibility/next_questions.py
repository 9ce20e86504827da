"""The next questions of an evaluation, each worded (label, help, options, why) when first read.

A claim that has just begun can have hundreds of relevant questions while a front end
shows one page of them; wording them all costs more than the rest of an interview step.
`NextQuestions` knows their order at once and builds a question only when it is read,
once. It is a sequence like the tuple it replaces: equal to any sequence of the same
questions, and pickled as a plain tuple.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar, overload

__all__ = ["NextQuestions"]

T = TypeVar("T")


class NextQuestions(Sequence[T]):
    """Question ids in asking order, each built by `build` when first read."""

    __slots__ = ("_ids", "_build", "_built")

    def __init__(self, ids: Sequence[str], build: Callable[[str], T]) -> None:
        self._ids = tuple(ids)
        self._build = build
        self._built: list[T | None] = [None] * len(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...

    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        if isinstance(index, slice):
            return tuple(self._item(i) for i in range(*index.indices(len(self._ids))))
        if index < 0:
            index += len(self._ids)
        if not 0 <= index < len(self._ids):
            raise IndexError("next question index out of range")
        return self._item(index)

    def _item(self, index: int) -> T:
        found = self._built[index]
        if found is None:
            found = self._built[index] = self._build(self._ids[index])
        return found

    def __iter__(self) -> Iterator[T]:
        return (self._item(i) for i in range(len(self._ids)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"NextQuestions({list(self._ids)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (tuple, (tuple(self),))
