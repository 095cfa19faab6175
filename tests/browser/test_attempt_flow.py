"""Issue 16 in a real browser: the question grid, flags and the summary before submitting
(at a desktop and a phone width), and a time limit that runs out with the page open."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import ARTIFACTS, axe_violations
from tests.browser.test_learner import register
from tests.quiz.test_taking import answer_fields, layout
from tests.test_quiz_integrity import make_quiz


@pytest.fixture
def sized_page(playwright_browser, live_server, request):
    """A page at ``request.param`` pixels wide; any request outside the app fails the test."""
    context = playwright_browser.new_context(viewport={"width": request.param, "height": 900})
    page = context.new_page()
    foreign: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((live_server.url, "data:", "about:")) else foreign.append(r.url))
    page.base = live_server.url
    page.width = request.param
    yield page
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not foreign, f"requests outside the app: {foreign}"


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"issue16-{name}-{page.width}px.png"), full_page=True)


def answer(page, app, attempt_id: int, position: int, right: bool = True) -> None:
    """Answer the question on the page by clicking the right (or wrong) choice, as the seed quiz asks."""
    data, order = layout(app, attempt_id)[position - 1]
    fields = answer_fields(data, order, right)
    if "choice" in fields:
        values = fields["choice"] if isinstance(fields["choice"], list) else [fields["choice"]]
        for value in values:
            page.locator(f"article.question input[name=choice][value='{value}']").check()
    elif "answer" in fields and data["type"] == "true_false":
        page.locator(f"article.question input[name=answer][value='{fields['answer']}']").check()
    elif "answer" in fields:
        page.locator("article.question input[name=answer]").fill(fields["answer"])
    else:
        for name, value in fields.items():
            page.locator(f"article.question select[name='{name}']").select_option(value)
    with page.expect_navigation():
        page.locator("article.question form button[type=submit]").click()


def attempt_id(page) -> int:
    return int(re.search(r"/attempts/(\d+)/", page.url).group(1))


@pytest.mark.parametrize("sized_page", [1280, 390], indirect=True, ids=["1280px", "390px"])
def test_flag_grid_summary_then_submit(sized_page, app):
    page = sized_page
    make_quiz(app, "walk", feedback_timing="after_attempt")
    register(page, f"walker{page.width}")
    page.goto(page.base + "/quizzes/walk")
    with page.expect_navigation():
        page.get_by_role("button", name="Start the quiz").click()
    attempt = attempt_id(page)
    answer(page, app, attempt, 1, right=False)
    assert "Answer saved" in page.locator("article.question").inner_text()
    answer(page, app, attempt, 1, right=True)  # changed before submitting: feedback waits
    grid = page.get_by_role("navigation", name="Questions of this attempt")
    with page.expect_navigation():
        grid.get_by_role("link", name=re.compile(r"^Question 2: not answered")).click()
    with page.expect_navigation():
        page.get_by_role("button", name="Flag for later").click()
    assert page.get_by_text("Flagged for later.").is_visible()
    assert grid.get_by_role("link", name="Question 2: not answered, flagged").is_visible()
    assert axe_violations(page, serious_only=False) == [], "question page"
    shoot(page, "question")
    with page.expect_navigation():
        grid.get_by_role("link", name=re.compile(r"^Question 3: not answered")).click()
    answer(page, app, attempt, 3)
    with page.expect_navigation():
        grid.get_by_role("link", name=re.compile(r"^Question 4: not answered")).click()
    with page.expect_navigation(url=re.compile(r"/summary$")):
        page.get_by_role("link", name="Finish attempt…").click()
    main = page.locator("main").inner_text()
    assert "Questions 2 and 4 are not answered." in main and "You flagged question 2 for later." in main
    assert axe_violations(page, serious_only=False) == [], "summary"
    shoot(page, "summary")
    with page.expect_navigation(url=re.compile(r"/q/2$")):
        page.get_by_role("link", name="Return to attempt").click()
    with page.expect_navigation(url=re.compile(r"/summary$")):
        page.get_by_role("link", name="Summary and submit").click()
    with page.expect_navigation(url=re.compile(r"/review$")):
        page.get_by_role("button", name="Submit all and finish").click()
    main = page.locator("main").inner_text()
    assert "2 of 4 questions answered" in main and "50%" in main  # two right answers of four
    assert axe_violations(page, serious_only=False) == [], "review"


@pytest.mark.parametrize("sized_page", [1280], indirect=True, ids=["1280px"])
def test_the_time_runs_out_with_the_page_open(sized_page, app):
    page = sized_page
    make_quiz(app, "quick", time_limit_s=12)
    register(page, "hurried")
    page.goto(page.base + "/quizzes/quick")
    with page.expect_navigation():
        page.get_by_role("button", name="Start the quiz").click()
    attempt = attempt_id(page)
    answer(page, app, attempt, 1, right=True)
    with page.expect_navigation():
        page.get_by_role("link", name="Next question →").click()
    timer = page.get_by_role("timer")
    first = timer.inner_text()
    page.wait_for_timeout(1300)
    assert timer.inner_text() != first, "the timer counts down"
    assert not page.get_by_text("(when this page loaded)").is_visible()
    warning = page.locator("[data-timer-warning]")
    assert warning.get_attribute("aria-live") == "assertive"
    assert "One minute left" in warning.inner_text()  # less than a minute from the start
    assert axe_violations(page, serious_only=False) == [], "timed question"
    shoot(page, "timer")
    page.wait_for_url(re.compile(rf"/attempts/{attempt}/review$"), timeout=20_000)
    main = page.locator("main").inner_text()
    assert re.search(r"Time was up at [^;]+; your answers given before then were submitted\.", main)
    assert "UTC" not in main.split("Time was up at")[1].split(";")[0]  # shown in the learner's local time
    assert "1 of 4 questions answered" in main and "25%" in main
    shoot(page, "time-up")
