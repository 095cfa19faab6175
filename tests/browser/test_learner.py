"""A learner in a real browser: register, take the seed quiz by clicking, review."""

from __future__ import annotations

import re

from tests.browser.conftest import at_both_widths, axe_violations


def register(page, name="clicker"):
    """Create an account through the form; both pages pass axe."""
    page.goto(page.base + "/auth/register")
    assert axe_violations(page) == [], "register"
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password", exact=True).fill("correct horse")
    page.get_by_label("Repeat password").fill("correct horse")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(page.base + "/")
    assert axe_violations(page) == [], "home after registering"


def answer_current_question(page) -> None:
    """Answer whatever the page asks, by clicking and typing like a person."""
    form = page.locator("article.question form")
    if form.locator("input[type=radio]").count():
        form.locator("label.choice").first.click()
    elif form.locator("input[type=checkbox]").count():
        form.locator("label.choice").first.click()
    elif form.locator("input[name=answer]").count():
        form.locator("input[name=answer]").fill("Minsk")
    selects = form.locator("select")
    for n in range(selects.count()):
        select = selects.nth(n)
        values = [v for v in select.locator("option").evaluate_all("os => os.map(o => o.value)") if v]
        name = select.get_attribute("name")
        # ordering needs distinct positions; matching takes any option
        select.select_option(values[n % len(values)] if name.startswith("position-") else values[0])
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Check my answer|Continue")).click()


@at_both_widths
def test_learner_takes_the_whole_seed_quiz_by_clicking(page):
    """Every page on the way passes axe: the visitor's, the first question of each type and every
    question's feedback (the same address: each is checked once at least), the summary, the review,
    progress and joining a class."""
    for path, where in (("/", "visitor home"), ("/auth/login", "log in")):
        page.goto(page.base + path)
        assert axe_violations(page) == [], where
    register(page)
    with page.expect_navigation():
        page.get_by_role("link", name="The whole article").click()
    assert axe_violations(page) == [], "quiz overview"
    with page.expect_navigation():
        page.get_by_role("button", name="Start the quiz").click()
    total = int(re.search(r"of (\d+)", page.locator(".progress-line").inner_text()).group(1))
    assert total >= 30
    kinds = set()
    for number in range(1, total + 1):
        assert f"Question {number} of {total}" in page.locator(".progress-line").inner_text()
        kind = page.locator("article.question form").evaluate(
            "f => [...new Set([...f.querySelectorAll('input:not([type=hidden]), select, textarea')].map(e => e.type))].sort().join()")
        if kind not in kinds:  # a form of a kind not seen yet
            kinds.add(kind)
            assert axe_violations(page) == [], f"question {number}"
        answer_current_question(page)
        panel = page.locator("section.feedback")
        assert panel.is_visible()
        assert re.search(r"Right!|Not quite|Partly right", panel.inner_text())
        assert axe_violations(page) == [], f"feedback {number}"
        if number < total:
            with page.expect_navigation():
                page.get_by_role("link", name="Next question →").click()
    with page.expect_navigation(url=re.compile(r"/summary$")):
        page.get_by_role("link", name="Finish attempt…").click()
    assert axe_violations(page) == [], "summary"
    page.get_by_role("button", name="Submit all and finish").click()
    page.wait_for_url(re.compile(r"/review$"))
    assert axe_violations(page) == [], "review"
    assert "your score" in page.locator("h1").inner_text()
    assert re.search(r"\d+%", page.locator(".score").inner_text())
    assert page.locator("ol.review > li").count() == total
    with page.expect_navigation():
        page.get_by_role("link", name="Progress").first.click()
    assert axe_violations(page) == [], "progress"
    assert "The whole article" in page.locator("main").inner_text()
    page.goto(page.base + "/classes/join")
    assert axe_violations(page) == [], "join"


def test_quiz_can_be_completed_with_the_keyboard_alone(page):
    register(page, "keys")
    page.goto(page.base + "/quizzes/belarus-trainers-places")
    assert axe_violations(page) == [], "quiz overview"

    def tab_to(predicate: str, limit: int = 40) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"() => {{ const e = document.activeElement; return {predicate}; }}"):
                return
        raise AssertionError(f"no focusable element where {predicate}")

    tab_to("e.tagName === 'BUTTON' && e.textContent.includes('Start')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/q/1$"))
    total = int(re.search(r"of (\d+)", page.locator(".progress-line").inner_text()).group(1))
    for number in range(1, total + 1):
        assert axe_violations(page) == [], f"question {number}"
        if page.locator("input[name=answer]").count():
            tab_to("e.name === 'answer'")
            page.keyboard.type("Minsk")
        else:
            tab_to("e.type === 'radio'")
            page.keyboard.press("Space")
        tab_to("e.tagName === 'BUTTON' && e.textContent.includes('Check')")
        page.keyboard.press("Enter")
        page.wait_for_selector("section.feedback")
        assert axe_violations(page) == [], f"feedback {number}"
        if number < total:
            tab_to("e.tagName === 'A' && e.textContent.includes('Next question')")
            page.keyboard.press("Enter")
            page.wait_for_url(re.compile(rf"/q/{number + 1}$"))
    tab_to("e.tagName === 'A' && e.textContent.includes('Finish attempt')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/summary$"))
    assert axe_violations(page) == [], "summary"
    tab_to("e.tagName === 'BUTTON' && e.textContent.includes('Submit all and finish')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/review$"))
    assert axe_violations(page) == [], "review"
    assert re.search(r"\d+%", page.locator(".score").inner_text())
