"""A real server (`eligibility serve`, two workers) and Debian's Chromium driven by Playwright.

One server and one browser serve every browser test; each test gets a fresh browser context
(its own cookies). Chromium is the system's `/usr/bin/chromium` (`make test` installs it);
Playwright never downloads a browser of its own.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CLI = str(Path(sys.executable).parent / "eligibility")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "docs" / "screenshots"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Site:
    """The running server: its base URL and the log it writes (for checks on what is logged)."""

    def __init__(self, base: str, log: Path) -> None:
        self.base = base
        self.log = log

    def url(self, path: str) -> str:
        """An absolute URL of a path on the server."""
        return self.base + path


def _die_with_parent() -> None:
    """In the server's process: end it when the test run ends, even a killed one (Linux)."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _wait_ready(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server stopped:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the server did not become ready:\n{log.read_text()}")


# The example rule sets the browser tests walk (the employer's claim is published, issue 11 § 1).
SERVED = ("snap", "kurzarbeitergeld", "kindergeld", "kurzarbeitergeld-abrechnung")


def _served_rules() -> list[str]:
    """The example rule sets and the worked examples of collections (a family's children, an
    employer's employees)."""
    served = [str(ROOT / "rules" / name) for name in SERVED]
    fixtures = ROOT / "tests" / "fixtures"
    return served + [str(fixtures / "family-allowance"), str(fixtures / "employer-claim")]


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """`eligibility serve` on a free port with a fresh SQLite database; stopped afterwards.

    Its folder is pytest's, so it is pruned even after a run that was killed.
    """
    directory = tmp_path_factory.mktemp("web-e2e")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("WEB_")},
        "DATABASE_URL": f"sqlite:///{directory / 'eligibility.db'}",
        "ELIGIBILITY_RULES": ",".join(_served_rules()),
        "ELIGIBILITY_INSTANCE": str(directory),
    }
    subprocess.run([CLI, "db", "upgrade"], env=env, check=True, cwd=ROOT, timeout=120,
                   capture_output=True)  # fmt: skip
    port, log = free_port(), directory / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [CLI, "serve", "--port", str(port), "--workers", "2"],
            env=env,
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, process, log)
        yield Site(base, log)
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """The Playwright driver."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless; Playwright gives it a fresh, empty profile of its own."""
    if not Path(CHROMIUM).exists():
        raise AssertionError(
            f"{CHROMIUM} is missing: `make test` installs Debian's chromium (apt-get install -y "
            "chromium); the browser tests never download a browser of their own"
        )
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
    try:
        yield browser
    finally:
        browser.close()


class Console:
    """What the page reported: script errors and refused resources (a CSP violation shows here)."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def message(self, text: str, kind: str) -> None:
        """Keep console errors, except the statuses pages are sent with on purpose (an expired
        form, a missing page, an ended session, a form with errors)."""
        expected = any(f"status of {status} " in text for status in (400, 404, 410, 422))
        if kind == "error" and not expected:
            self.problems.append(text)


def open_page(
    browser: Browser, *, javascript: bool = True, locale: str = "en-US"
) -> tuple[BrowserContext, Page, Console]:
    """A fresh context (no cookies) and a page in it, with its console watched."""
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 1024, "height": 800}, locale=locale
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    console = Console()
    page.on("console", lambda m: console.message(m.text, m.type))
    page.on("pageerror", lambda e: console.problems.append(str(e)))
    return context, page, console


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page with JavaScript, in its own context, in English; no console errors allowed."""
    context, page, console = open_page(browser)
    yield page
    context.close()
    assert console.problems == []


@pytest.fixture
def seite(browser: Browser) -> Iterator[Page]:
    """The same, in a browser that asks for German."""
    context, page, console = open_page(browser, locale="de-DE")
    yield page
    context.close()
    assert console.problems == []


def screenshot(page: Page, name: str, hide: tuple[str, ...] = ()) -> None:
    """Keep a picture of a page type for the docs (docs/screenshots/<name>.png); what changes
    from run to run (`hide`: selectors) is painted over, so the pictures change only with the
    pages."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(SCREENSHOTS / f"{name}.png"),
        full_page=True,
        animations="disabled",
        mask=[page.locator(selector) for selector in hide],
        mask_color="#dde2e6",
    )


WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE = Axe()


def audit(page: Page, name: str, hide: tuple[str, ...] = ()) -> None:
    """No WCAG 2.2 AA violation that axe-core can find; then a screenshot for the docs."""
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    assert results.violations_count == 0, results.generate_report()
    screenshot(page, name, hide)
