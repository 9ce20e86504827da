"""YAML text → plain data plus the line and column of every value, floats read as Decimal."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from eligibility.errors import Problem, RuleSetError
from eligibility.model import Location

Positions = dict[str, Location]

_FLOAT_TAG = "tag:yaml.org,2002:float"
_MERGE_TAG = "tag:yaml.org,2002:merge"


def path_text(parts: tuple[str, ...]) -> str:
    """A path as authors read it: `rules.quorum.when`, `scenarios[3].answers`."""
    text = ""
    for part in parts:
        text += part if part.startswith("[") else (f".{part}" if text else part)
    return text


def _text_start(node: yaml.Node) -> tuple[int, int]:
    """Where a value's text begins (0-based): after a quote, or on the first line of a block.

    Expression errors are placed relative to this point, so it must be the first character
    of the expression, not the quote or the `|` / `>` indicator before it.
    """
    mark = node.start_mark
    style = getattr(node, "style", None)
    if style in ('"', "'"):
        return mark.line, mark.column + 1
    buffer = mark.buffer
    if style not in ("|", ">") or not isinstance(buffer, str):
        return mark.line, mark.column
    at = buffer.find("\n", mark.pointer)
    while at != -1:  # the block's text starts on the next line, indented like its first line
        end = buffer.find("\n", at + 1)
        text = buffer[at + 1 : end if end != -1 else len(buffer)]
        if text.strip(" \0\r"):
            return mark.line + 1, len(text) - len(text.lstrip(" "))
        at = end
    return mark.line, mark.column


class _Builder:
    """Turns a composed YAML node tree into data, recording positions by path."""

    def __init__(self, loader: yaml.SafeLoader, file: str) -> None:
        self.loader, self.file = loader, file
        self.positions: Positions = {}
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node, path: tuple[str, ...]) -> Any:
        line, column = _text_start(node)
        self.positions[path_text(path)] = Location(self.file, line + 1, column + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, f"[{i}]")) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: tuple[str, ...]) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        explicit = {id(k) for k, _ in node.value if k.tag != _MERGE_TAG}
        try:
            # YAML merge keys (`<<: *base`): merged pairs come first, so later ones win.
            self.loader.flatten_mapping(node)
        except yaml.MarkedYAMLError as error:
            self._problem(path, f"this merge key cannot be used: {error.problem}", node)
            return result
        written: set[Any] = set()
        for key_node, value_node in node.value:
            key = self._scalar(key_node, path)
            if isinstance(key, bool):  # `true:` / `false:` keys of explanations
                key = "true" if key else "false"
            if id(key_node) in explicit:
                if key in written:
                    self._problem(path, f"'{key}' is written twice", key_node)
                written.add(key)
            result[key] = self.build(value_node, (*path, str(key)))
        return result

    def _problem(self, path: tuple[str, ...], message: str, node: yaml.Node) -> None:
        mark = node.start_mark
        self.problems.append(
            Problem(message, path_text(path), self.file, mark.line + 1, mark.column + 1)
        )

    def _scalar(self, node: yaml.Node, path: tuple[str, ...]) -> Any:
        if node.tag == _FLOAT_TAG:
            try:
                value = Decimal(str(node.value).replace("_", ""))
            except InvalidOperation:
                value = None
            if value is None or not value.is_finite():
                mark = node.start_mark
                self.problems.append(
                    Problem(
                        f"'{node.value}' is not a usable number",
                        path_text(path),
                        self.file,
                        mark.line + 1,
                        mark.column + 1,
                    )
                )
            return value
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.MarkedYAMLError as error:
            self._problem(path, f"this value cannot be read: {error.problem}", node)
            return None


def load_yaml(text: str, file: str) -> tuple[Any, Positions]:
    """Parse YAML text; raise RuleSetError with the line and column of a syntax error."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        raise RuleSetError(
            [
                Problem(
                    f"this is not valid YAML: {error.problem}",
                    "",
                    file,
                    mark.line + 1 if mark else None,
                    mark.column + 1 if mark else None,
                )
            ]
        ) from None
    finally:
        loader.dispose()
    if root is None:
        raise RuleSetError([Problem("the file is empty", "", file, 1, 1)])
    builder = _Builder(yaml.SafeLoader(""), file)
    data = builder.build(root, ())
    if builder.problems:
        raise RuleSetError(builder.problems)
    return data, builder.positions
