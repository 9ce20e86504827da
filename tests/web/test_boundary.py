"""The front end is a client of the public HTTP API: it never imports the core or the API."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import web
from tests.unit.test_architecture import imports

PACKAGE = Path(web.__file__).resolve().parent
SOURCES = sorted(PACKAGE.rglob("*.py"))
TEMPLATES = sorted((PACKAGE / "templates").glob("*.html"))


def test_no_module_of_the_front_end_imports_the_core_or_the_api() -> None:
    offenders = [
        f"{p.relative_to(PACKAGE.parent)}: {m}"
        for p in SOURCES
        for m in imports(p)
        if m.split(".")[0] in ("eligibility", "api")
    ]
    assert offenders == []


def test_importing_the_front_end_loads_neither() -> None:
    program = (
        "import sys, web, web.interview, web.start\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('eligibility', 'api')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_templates_hold_no_inline_script_or_style() -> None:
    """The Content-Security-Policy allows only files from /assets: nothing inline may remain."""
    for template in TEMPLATES:
        html = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), template.name
        assert "<style" not in html and " style=" not in html, template.name
        assert not re.search(r"\son[a-z]+=", html), template.name


def test_assets_are_our_own_files() -> None:
    """No CDN at run time: scripts and styles are served from the package."""
    for template in TEMPLATES:
        html = template.read_text(encoding="utf-8")
        assert not re.search(r"(src|href)=\"(https?:)?//", html), template.name
