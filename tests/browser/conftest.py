"""Browser tests: real gunicorn, real headless Chromium (Debian's), Playwright.

The browser cannot be downloaded here, so Playwright drives the system
Chromium at ``CHROMIUM`` (default ``/usr/bin/chromium``). Outside CI a
missing browser skips these tests with the reason; in CI (``CI=true``) it
fails them, so the run cannot pass without them.
"""

from __future__ import annotations

import functools
import os
import shutil
from pathlib import Path

import pytest

from tests.live.server import Server

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE = Path(__file__).with_name("vendor") / "axe.min.js"
SCREENSHOTS = ARTIFACTS / "screenshots"
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
    # as `quizapp serve`: one job worker; the tests' article pages are served from 127.0.0.1
    with Server(database_url, workers=2, job_workers=1, FETCH_ALLOWED_ADDRESSES="127.0.0.1") as server:
        yield server


DESKTOP, PHONE = (1280, 900), (390, 844)
#: run a walk on a desktop's screen and on a phone's
at_both_widths = pytest.mark.parametrize("page", [DESKTOP, PHONE], ids=["1280px", "390px"], indirect=True)


@pytest.fixture
def page(playwright_browser, live_server, request):
    """A fresh browser context, 1000x900 unless parametrized (indirectly) with (width, height).

    Any request outside the app fails the test, and so does a page of the app that the test
    visited without checking it with :func:`axe_violations`.
    """
    width, height = getattr(request, "param", (1000, 900))
    context = playwright_browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    foreign: list[str] = []
    visited: list[str] = []

    def check(req):
        if not req.url.startswith(live_server.url) and not req.url.startswith(("data:", "blob:", "about:")):
            foreign.append(req.url)

    def navigated(frame):
        if frame == page.main_frame and frame.url.startswith(live_server.url):
            visited.append(_page_of(frame.url))

    page.on("request", check)
    page.on("framenavigated", navigated)
    page.base = live_server.url
    page.width = width
    page.axe_checked = set()
    yield page
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not foreign, f"requests outside the app: {foreign}"
    if not failed:
        unchecked = sorted({url.removeprefix(live_server.url) for url in visited} - page.axe_checked)
        assert not unchecked, f"pages visited without an axe check: {unchecked}"


def _page_of(url: str) -> str:
    """The page a URL shows: the same with any #fragment left off."""
    return url.split("#", 1)[0]


def assert_in_reach(page, control, what: str) -> None:
    """``control`` is on the screen as it is, whole and uncovered: no scrolling needed to press it."""
    assert control.count() == 1, what
    box = control.bounding_box()
    screen = page.viewport_size
    inside = box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= screen["width"] \
        and box["y"] + box["height"] <= screen["height"]
    assert inside, f"{what} is off the screen at {box} on a {screen['width']}x{screen['height']} screen"
    on_top = control.evaluate(
        "el => { const r = el.getBoundingClientRect();"
        " const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);"
        " return hit === el || el.contains(hit); }"
    )
    assert on_top, f"{what} is covered"


def shoot(page, name: str, full_page: bool = True) -> None:
    """A screenshot of the page as it stands, for review: test-artifacts/screenshots/<name>-<width>px.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{page.width}px.png"), full_page=full_page)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


@functools.cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """Run axe-core in the page; return its violations of any impact (minor ones too)."""
    page.wait_for_load_state("load")
    if hasattr(page, "axe_checked"):
        page.axe_checked.add(_page_of(page.url).removeprefix(page.base))
    if not page.evaluate("typeof axe !== 'undefined'"):  # once a document (a sweep checks it at two widths)
        page.evaluate(_axe_source())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
