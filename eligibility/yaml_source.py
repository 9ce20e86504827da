"""YAML text → plain data plus the line and column of every value, floats read as Decimal."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from eligibility.errors import Problem, RuleSetError
from eligibility.model import Location
from eligibility.yaml_errors import explain

Positions = dict[str, Location]

_FLOAT_TAG = "tag:yaml.org,2002:float"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"
_NULL_TAG = "tag:yaml.org,2002:null"
_DATE_TAG = "tag:yaml.org,2002:timestamp"


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
        if node.flow_style:
            self._commas_in_texts(node, path)
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

    def _commas_in_texts(self, node: yaml.MappingNode, path: tuple[str, ...]) -> None:
        """`{en: Hello, world}`: the comma ended the text and made `world` a key of its own."""
        pairs, at = node.value, 1
        while at < len(pairs):
            text_key, text = pairs[at - 1]
            if not _bare(pairs[at]) or text.tag != _STR_TAG or text.style is not None:
                at += 1
                continue
            end = at
            while end + 1 < len(pairs) and _bare(pairs[end + 1]):
                end += 1
            buffer = text.start_mark.buffer
            written = str(buffer[text.start_mark.pointer : pairs[end][0].end_mark.pointer])
            self._problem(
                (*path, str(text_key.value)),
                f"a comma ends a text inside {{ … }}, so '{pairs[at][0].value}' became an entry "
                f'of its own: put the text in quotes: {text_key.value}: "{_escaped(written)}"',
                text,
            )
            at = end + 2

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
            self._problem(path, _unreadable(node, str(error.problem)), node)
        except (ValueError, OverflowError):  # 2023-13-01 looks like a date to YAML, but is none
            self._problem(path, _unreadable(node, ""), node)
        return None


def _bare(pair: tuple[yaml.Node, yaml.Node]) -> bool:
    """A key written without a colon or a value inside { … } (`world` in `{en: Hello, world}`)."""
    key, value = pair
    return (
        key.tag == _STR_TAG
        and key.style is None  # type: ignore[attr-defined]
        and value.tag == _NULL_TAG
        and value.value == ""
        and value.start_mark.pointer == value.end_mark.pointer
    )


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _unreadable(node: yaml.Node, problem: str) -> str:
    """Why a scalar cannot be turned into a value, in the author's terms."""
    if node.tag == _DATE_TAG:
        return f"'{node.value}' is not a date that exists: write dates as YYYY-MM-DD"
    if node.tag.startswith("!"):
        return "a text cannot start with '!' unless it is quoted: put the text in quotes"
    return f"this value cannot be read: {problem or node.value}"


def load_yaml(text: str, file: str) -> tuple[Any, Positions]:
    """Parse YAML text; raise RuleSetError with the line and column of a syntax error."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        found = explain(error, text)
        raise RuleSetError([Problem(found.message, "", file, found.line, found.column)]) from None
    finally:
        loader.dispose()
    if root is None:
        raise RuleSetError([Problem("the file is empty", "", file, 1, 1)])
    builder = _Builder(yaml.SafeLoader(""), file)
    data = builder.build(root, ())
    if builder.problems:
        raise RuleSetError(builder.problems)
    return data, builder.positions
