"""Every value of a rule file replaced by a malformed one: a located message, never a traceback."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from cli import main

FISHING = Path(__file__).resolve().parents[1] / "fixtures" / "fishing-licence" / "2024-01-01.yaml"
MALFORMED: list[Any] = [[1, 2], {"a": 1}, None, 10**40]


def leaves(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path into the document, parts and values alike."""
    if path:
        yield path
    items: Any = data.items() if isinstance(data, dict) else ()
    if isinstance(data, list):
        items = enumerate(data)
    for key, value in items:
        yield from leaves(value, (*path, key))


def replaced(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    result = copy.deepcopy(data)
    target = result
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return result


DOCUMENT = yaml.safe_load(FISHING.read_text(encoding="utf-8"))
PATHS = list(leaves(DOCUMENT))


@pytest.mark.parametrize("path", PATHS, ids=[".".join(map(str, p)) for p in PATHS])
def test_a_malformed_value_is_reported_with_its_place(
    path: tuple[Any, ...], tmp_path: Path
) -> None:
    folder = tmp_path / "fishing-licence"
    folder.mkdir()
    file = folder / "2024-01-01.yaml"
    for value in MALFORMED:
        file.write_text(yaml.safe_dump(replaced(DOCUMENT, path, value)), encoding="utf-8")
        result = CliRunner().invoke(main, ["rules", "test", str(folder)])
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            f"{path} = {value!r}: {result.exception!r}"
        )
        assert "Traceback" not in result.output
        if result.exit_code == 1 and "problem(s) found" in result.output:
            assert result.output.startswith(f"{file}:")  # located: file, line and column
