"""Browser tests: real gunicorn, real headless Chromium (Debian's), Playwright.

The browser cannot be downloaded here, so Playwright drives the system
Chromium at ``CHROMIUM`` (default ``/usr/bin/chromium``). Outside CI a
missing browser skips these tests with the reason; in CI (``CI=true``) it
fails them, so the run cannot pass without them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.live.server import Server

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE = Path(__file__).with_name("vendor") / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions",
]


def _require_chromium() -> None:
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def playwright_browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(database_url):
    with Server(database_url, workers=2) as server:
        yield server


@pytest.fixture
def page(playwright_browser, live_server, request):
    """A fresh browser context; any request outside the app fails the test."""
    context = playwright_browser.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    foreign: list[str] = []

    def check(req):
        if not req.url.startswith(live_server.url) and not req.url.startswith(("data:", "blob:", "about:")):
            foreign.append(req.url)

    page.on("request", check)
    page.base = live_server.url
    yield page
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not foreign, f"requests outside the app: {foreign}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


def axe_violations(page, serious_only: bool = True) -> list[dict]:
    """Run axe-core in the page; return serious and critical violations."""
    page.wait_for_load_state("load")
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    violations = result["violations"]
    if serious_only:
        violations = [v for v in violations if v["impact"] in ("serious", "critical")]
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in violations
    ]
