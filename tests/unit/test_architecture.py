"""The core is HTTP-free, and its public names are pinned."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import eligibility

PACKAGE = Path(eligibility.__file__).resolve().parent
SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)

PUBLIC_NAMES = [
    "AnswerError",
    "Catalog",
    "CompiledRuleSet",
    "EligibilityError",
    "EngineError",
    "Evaluation",
    "EvaluationError",
    "ExpressionError",
    "GoalResult",
    "ImmutableVersion",
    "NextQuestion",
    "Problem",
    "RuleSet",
    "RuleSetError",
    "RuleSetNotFound",
    "VersionNotFound",
    "compile_ruleset",
    "compiled",
    "document_from_data",
    "evaluate",
    "load_document",
    "load_paths",
]
# The one place the core reaches the HTTP layer: `eligibility serve` starts the API, lazily.
ALLOWED_API_IMPORTS = {("eligibility/cli.py", "api.server")}


def imports(path: Path) -> list[str]:
    """Every module a source file imports, at any depth (inside functions too)."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    return found


def test_the_public_names_are_pinned() -> None:
    assert sorted(eligibility.__all__) == PUBLIC_NAMES
    for name in PUBLIC_NAMES:
        assert getattr(eligibility, name) is not None


def test_the_exception_tree_has_one_root() -> None:
    errors = [getattr(eligibility, n) for n in PUBLIC_NAMES if n.endswith(("Error", "Found"))]
    errors.append(eligibility.ImmutableVersion)
    assert all(issubclass(e, eligibility.EligibilityError) for e in errors)
    assert issubclass(eligibility.RuleSetNotFound, eligibility.VersionNotFound)


def test_no_source_file_in_the_core_imports_flask() -> None:
    offenders = [
        f"{p.relative_to(PACKAGE.parent)}: {m}"
        for p in SOURCES
        for m in imports(p)
        if m.split(".")[0] in ("flask", "werkzeug", "flask_cors", "apispec")
    ]
    assert offenders == []


def test_the_core_does_not_import_the_api_package() -> None:
    found = {
        (str(p.relative_to(PACKAGE.parent)), m)
        for p in SOURCES
        for m in imports(p)
        if m == "api" or m.startswith("api.")
    }
    assert found <= ALLOWED_API_IMPORTS


def test_importing_every_core_module_loads_no_http_library() -> None:
    modules = [
        ".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        for p in SOURCES
    ]
    program = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'werkzeug', 'api')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        check=True,
        cwd=PACKAGE.parent,
    )
    assert result.stdout.strip() == "[]"
