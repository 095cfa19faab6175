"""Issue 16, point 4 in a real browser, at a phone's width and a desktop's: the next action in
reach on every question, ordering feedback quoting only its events, charts one can read.

Screenshots of the pages go to test-artifacts/screenshots/ for review.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import SCREENSHOTS, assert_in_reach, axe_violations
from tests.browser.test_learner import register

PHONE, DESKTOP = (390, 844), (1280, 800)
SMALLEST_TEXT = 12  # px, as drawn


def shoot(page, name: str, full_page: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"issue16-point4-{name}-{page.width}px.png"), full_page=full_page)


def assert_no_axe_violations(page, where: str) -> None:
    assert axe_violations(page) == [], where


def pick_an_answer(page) -> None:
    """Pick an answer as a person would: tap a choice, type, or choose in each list."""
    form = page.locator("article.question form")
    if form.locator("label.choice").count():
        form.locator("label.choice").first.click()
    elif form.locator("input[name=answer]").count():
        form.locator("input[name=answer]").fill("Minsk")
    selects = form.locator("select")
    for n in range(selects.count()):
        select = selects.nth(n)
        select.focus()
        values = [v for v in select.locator("option").evaluate_all("os => os.map(o => o.value)") if v]
        select.select_option(values[n % len(values)])


@pytest.mark.parametrize("page", [PHONE, DESKTOP], ids=["phone", "desktop"], indirect=True)
def test_the_next_action_is_in_reach_and_the_charts_are_readable(page):
    register(page, f"thumb{page.width}")
    page.goto(page.base + "/quizzes/belarus-trainers-dates")
    assert_no_axe_violations(page, "quiz overview")
    with page.expect_navigation():
        page.get_by_role("button", name="Start the quiz").click()
    total = int(re.search(r"of (\d+)", page.locator(".progress-line").inner_text()).group(1))
    assert total >= 8
    ordering_seen = False
    for number in range(1, total + 1):
        assert f"Question {number} of {total}" in page.locator(".progress-line").inner_text()
        assert_no_axe_violations(page, f"question {number}")
        if number == 1:
            shoot(page, "question")
        pick_an_answer(page)
        check = page.get_by_role("button", name=re.compile("Check my answer|Continue"))
        assert_in_reach(page, check, f"'Check my answer' on question {number}")
        with page.expect_navigation():
            check.click()
        assert re.search(r"Right!|Not quite|Partly right", page.locator("section.feedback").inner_text())
        next_action = page.get_by_role("link", name="Next question →" if number < total else "Finish attempt…")
        assert_in_reach(page, next_action, f"the next action after question {number}")
        assert_no_axe_violations(page, f"feedback {number}")
        shoot(page, f"feedback-{number}")
        if page.get_by_text("Put these events from the article in the order").count():
            quote = page.locator("section.feedback figure.source blockquote").inner_text()
            assert "late February" in quote and "December 11" in quote  # the events' sentences
            assert " … " in quote  # and what lies between them left out
            assert "Belarusian trainers are not seen as the optimal option" not in quote
            ordering_seen = True
        if number < total:
            with page.expect_navigation():
                next_action.click()
    assert ordering_seen, "the quiz asked no ordering question"
    with page.expect_navigation(url=re.compile(r"/summary$")):
        page.get_by_role("link", name="Finish attempt…").click()
    assert_no_axe_violations(page, "summary")
    with page.expect_navigation(url=re.compile(r"/review$")):
        page.get_by_role("button", name="Submit all and finish").click()
    assert_no_axe_violations(page, "result")

    page.goto(page.base + "/progress")
    assert_no_axe_violations(page, "progress")
    charts = page.locator("figure.chart:not(.chart-empty)")
    assert charts.count() == 3  # mastery, scores over time, reviews per day
    for n in range(charts.count()):
        chart = charts.nth(n)
        chart.scroll_into_view_if_needed()
        name = chart.locator("figcaption").inner_text()
        sizes = chart.locator("svg.chart-svg text").evaluate_all(
            "ts => ts.map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)"
        )
        sizes += chart.locator(".chart-legend li").evaluate_all("ls => ls.map(l => parseFloat(getComputedStyle(l).fontSize))")
        assert sizes and min(sizes) >= SMALLEST_TEXT, f"{name}: text drawn at {min(sizes):.1f} px"
        boxes = chart.locator("svg.chart-svg text").evaluate_all(
            "ts => ts.map(t => { const r = t.getBoundingClientRect(); return [t.textContent, r.left, r.top, r.right, r.bottom]; })"
        )
        for i, (text_a, *a) in enumerate(boxes):
            for text_b, *b in boxes[i + 1:]:
                overlap = a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
                assert not overlap, f"{name}: '{text_a}' runs into '{text_b}'"
        svg = chart.locator("svg.chart-svg").bounding_box()
        assert all(svg["x"] <= box[1] and box[3] <= svg["x"] + svg["width"] for box in boxes), f"{name}: text spills out"
    mastery = page.locator("#chart-mastery svg text.bar-label").all_text_contents()
    assert "Who is who" in mastery and "Which organization" in mastery  # as written, on rows of their own
    shoot(page, "progress", full_page=True)
