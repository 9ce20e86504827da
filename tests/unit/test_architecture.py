"""The core is HTTP-free, and its public names are pinned."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import eligibility
import eligibility.errors as errors_module

PACKAGE = Path(eligibility.__file__).resolve().parent
SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)

PUBLIC_NAMES = [
    "AnswerError",
    "Catalogue",
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
ROOT = PACKAGE.parent
PROJECT_PACKAGES = ("eligibility", "api", "cli")

MODULE_LINES = 300  # a module does one job; a stage with several parts is a package; no exceptions


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
    branches = (errors_module.RuleFileError, errors_module.RequestError, errors_module.ServiceError)
    leaves = [
        cls
        for cls in vars(errors_module).values()
        if isinstance(cls, type) and issubclass(cls, eligibility.EligibilityError)
    ]
    for cls in leaves:
        if cls is not eligibility.EligibilityError and cls not in branches:
            assert sum(issubclass(cls, b) for b in branches) == 1, cls  # exactly one branch
    # siblings, so a handler never has to catch one to let the other through
    assert not issubclass(eligibility.RuleSetNotFound, eligibility.VersionNotFound)


def test_no_source_file_in_the_core_imports_flask() -> None:
    offenders = [
        f"{p.relative_to(PACKAGE.parent)}: {m}"
        for p in SOURCES
        for m in imports(p)
        if m.split(".")[0] in ("flask", "werkzeug", "flask_cors", "apispec")
    ]
    assert offenders == []


def test_the_core_imports_neither_the_api_nor_the_cli() -> None:
    found = {
        (str(p.relative_to(PACKAGE.parent)), m)
        for p in SOURCES
        for m in imports(p)
        if m.split(".")[0] in ("api", "cli", "web")
    }
    assert found == set()


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _run_time_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Every import a module makes when it runs: at module level and inside functions (a
    deferred import is still a dependency), but not under `if TYPE_CHECKING:`."""
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING")
        for inner in ast.walk(node)
    }
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in typing_only
    ]


def _import_graph() -> dict[str, set[str]]:
    """Project module → project modules it imports when it runs (deferred imports too)."""
    sources = [
        p
        for package in PROJECT_PACKAGES
        for p in (ROOT / package).rglob("*.py")
        if "migrations" not in p.parts
    ]
    modules = {_module_name(p) for p in sources}
    graph: dict[str, set[str]] = {}
    for path in sources:
        edges: set[str] = set()
        for node in _run_time_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                edges.update(a.name for a in node.names if a.name in modules)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = {f"{node.module}.{a.name}" for a in node.names}
                edges.update((names & modules) or ({node.module} & modules))
        graph[_module_name(path)] = edges
    return graph


def test_there_is_no_import_cycle() -> None:
    graph = _import_graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                cycles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


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


def test_api_views_name_each_schema_once() -> None:
    """Views never load or dump a schema themselves: `@operation` does, from its declaration."""
    api_dir = ROOT / "api"
    sources = sorted(api_dir.rglob("*.py"))
    assert {"openapi", "errors", "answer_schema"} <= {p.parent.name for p in sources}
    # those that do it for every view: jsonio's load and query, the compiled loaders behind
    # them, @operation calling them, and the fast path calling them as @operation does
    doers = {api_dir / "jsonio.py", api_dir / "loaders.py", api_dir / "openapi" / "contract.py"}
    doers.add(api_dir / "fast_routes.py")
    not_schemas = {"json", "orjson", "yaml", "pickle"}  # modules with load/dump of their own
    offenders = []
    for path in sources:
        if path in doers:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                if node.func.id in ("load", "query"):  # api.jsonio's, with a schema of its own
                    offenders.append(f"{path.relative_to(api_dir)}:{node.lineno}")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                # any schema's load or dump: made here (`Schema().load`) or kept (`SCHEMA.dump`)
                receiver = node.func.value
                a_module = isinstance(receiver, ast.Name) and receiver.id in not_schemas
                if node.func.attr in ("load", "dump") and not a_module:
                    offenders.append(f"{path.relative_to(api_dir)}:{node.lineno}")
    assert offenders == []


def test_no_module_of_the_core_or_the_api_exceeds_the_limit() -> None:
    """Every module in eligibility/ and api/ has at most MODULE_LINES lines."""
    lengths = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for package in ("eligibility", "api")
        for path in (ROOT / package).rglob("*.py")
    }
    too_long = {name: lines for name, lines in sorted(lengths.items()) if lines > MODULE_LINES}
    assert too_long == {}, "split these by stage (docs/architecture.md), or shorten them"
