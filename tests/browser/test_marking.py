"""In a real browser, at a desktop and a phone width: a teacher marks an essay, the learner sees the
new grade and the comment (issue 16, point 6)."""

from __future__ import annotations

from tests.browser.conftest import at_both_widths, axe_violations, shoot
from tests.teach.test_marking import school  # noqa: F401  (fixture)


def login(page, name):
    """Log in as ``name`` through the form (after logging anyone out); both pages pass axe."""
    page.context.clear_cookies()
    page.goto(page.base + "/auth/login")
    assert axe_violations(page) == [], "log in"
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill("correct horse")
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    assert axe_violations(page) == [], f"home of {name}"


@at_both_widths
def test_teacher_marks_an_essay_and_the_learner_sees_grade_and_comment(page, school):  # noqa: F811
    login(page, "tess")
    page.goto(page.base + f"/teach/quizzes/{school['quiz']}/marking")
    assert "2 answers to mark" in page.locator("main").inner_text()
    assert axe_violations(page) == [], "marking queue"
    shoot(page, "issue16-point6-marking-queue")
    with page.expect_navigation():
        page.get_by_role("link", name="Mark ann's answer").click()
    assert "They trained the army of <b>Belarus</b>." in page.locator("blockquote.essay").inner_text()
    assert axe_violations(page) == [], "mark form"
    page.get_by_label("Mark (0 to 1").fill("2")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the mark").click()
    assert "A mark is from 0 to 1" in page.locator("main").inner_text()
    assert axe_violations(page) == [], "mark form with an error"
    shoot(page, "issue16-point6-mark-form-error")
    page.get_by_label("Mark (0 to 1").fill("0.5")
    page.get_by_label("Comment for the learner").fill("Good start; say who paid for the training.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the mark").click()
    assert "1 answer to mark" in page.locator("main").inner_text()
    assert axe_violations(page) == [], "marking queue after marking"

    login(page, "ann")
    page.goto(page.base + f"/attempts/{school['ann_attempt']}/review")
    main = page.locator("main").inner_text()
    assert "75%" in main and "1.5 of 2 marks" in main
    assert "Marked: 0.5 of 1 mark" in main
    assert "Good start; say who paid for the training." in main
    assert axe_violations(page) == [], "learner result"
    shoot(page, "issue16-point6-learner-result")
