"""Issue 16 in a real browser, at a desktop and a phone width: the question grid, flags, changing an
answer (the form shows the one saved) and the summary before submitting; a time limit that runs out
with the page open, with or without an answer typed and not sent."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from quizapp.extensions import db
from quizapp.models import Attempt
from quizapp.models._common import utcnow
from tests.browser.conftest import DESKTOP, PHONE, assert_in_reach, at_both_widths, axe_violations, shoot
from tests.browser.test_learner import register
from tests.quiz.test_taking import answer_fields, layout
from tests.test_quiz_integrity import make_quiz


def checked(page, where: str) -> None:
    assert axe_violations(page) == [], where


def pick(page, app, attempt_id: int, position: int, right: bool = True) -> dict:
    """Pick or type the right (or wrong) answer to the question on the page, as the seed quiz asks,
    without sending it; return the fields picked."""
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
    return fields


def answer(page, app, attempt_id: int, position: int, right: bool = True) -> dict:
    """Answer the question on the page and send it with its button, in reach on a phone too."""
    fields = pick(page, app, attempt_id, position, right)
    button = page.locator("article.question form button[type=submit]")
    assert_in_reach(page, button, f"the answer button of question {position}")
    with page.expect_navigation():
        button.click()
    checked(page, f"question {position} answered")
    return fields


def shown_answer(page) -> dict:
    """The fields of the answer form as they stand: what the learner sees ticked, picked or typed."""
    return page.locator("#answer-form").evaluate(
        "f => { const d = {}; new FormData(f).forEach((v, k) => { if (k !== 'csrf_token' && v) (d[k] = d[k] || []).push(v); });"
        " return d; }")


def as_lists(fields: dict) -> dict:
    return {k: sorted(v) if isinstance(v, list) else [v] for k, v in fields.items()}


def attempt_id(page) -> int:
    return int(re.search(r"/attempts/(\d+)/", page.url).group(1))


def start(page, slug: str) -> int:
    page.goto(page.base + f"/quizzes/{slug}")
    checked(page, "quiz overview")
    with page.expect_navigation():
        page.get_by_role("button", name="Start the quiz").click()
    checked(page, "first question")
    return attempt_id(page)


def go(page, link, where: str, url: str | None = None) -> None:
    with page.expect_navigation(**({"url": re.compile(url)} if url else {})):
        link.click()
    checked(page, where)


@at_both_widths
def test_flag_grid_change_an_answer_summary_then_submit(page, app):
    make_quiz(app, "walk", feedback_timing="after_attempt")
    register(page, f"walker{page.width}")
    attempt = start(page, "walk")
    answer(page, app, attempt, 1, right=False)
    assert "Answer saved" in page.locator("article.question").inner_text()
    first = answer(page, app, attempt, 1, right=True)  # changed before submitting: feedback waits
    assert shown_answer(page) == as_lists(first)  # the form holds the answer now saved
    grid = page.get_by_role("navigation", name="Questions of this attempt")
    go(page, grid.get_by_role("link", name=re.compile(r"^Question 2: not answered")), "question 2")
    assert shown_answer(page) == {}
    with page.expect_navigation():
        page.get_by_role("button", name="Flag for later").click()
    assert page.get_by_text("Flagged for later.").is_visible()
    assert grid.get_by_role("link", name="Question 2: not answered, flagged").is_visible()
    checked(page, "question 2 flagged")
    shoot(page, "issue16-point1-question")
    go(page, grid.get_by_role("link", name=re.compile(r"^Question 3: not answered")), "question 3")
    third = answer(page, app, attempt, 3)
    go(page, grid.get_by_role("link", name=re.compile(r"^Question 4: not answered")), "question 4")
    go(page, page.get_by_role("link", name="Finish attempt…"), "summary", r"/summary$")
    main = page.locator("main").inner_text()
    assert "Questions 2 and 4 are not answered." in main and "You flagged question 2 for later." in main
    shoot(page, "issue16-point1-summary")
    go(page, page.locator("table.summary").get_by_role("link", name="Question 3"), "question 3 again", r"/q/3$")
    assert shown_answer(page) == as_lists(third), "back from the summary, the form shows the saved answer"
    assert page.get_by_role("button", name="Change my answer").is_visible()
    go(page, grid.get_by_role("link", name="Question 1: answered"), "question 1 again", r"/q/1$")
    assert shown_answer(page) == as_lists(first), "back from the grid, the form shows the saved answer"
    go(page, page.get_by_role("link", name="Summary and submit"), "summary again", r"/summary$")
    go(page, page.get_by_role("link", name="Return to attempt"), "question 2 again", r"/q/2$")
    go(page, page.get_by_role("link", name="Summary and submit"), "summary once more", r"/summary$")
    go(page, page.get_by_role("button", name="Submit all and finish"), "result", r"/review$")
    main = page.locator("main").inner_text()
    assert "2 of 4 questions answered" in main and "50%" in main  # two right answers of four
    shoot(page, "issue16-point1-result")


def timed_attempt(page, app, name: str) -> tuple[int, int]:
    """A learner's attempt at a timed quiz, question 1 answered, on the page of a short-answer question;
    returns the attempt and that question's position."""
    make_quiz(app, "quick", time_limit_s=600)
    register(page, name)
    attempt = start(page, "quick")
    answer(page, app, attempt, 1, right=True)
    typed = next(n for n, (data, _) in enumerate(layout(app, attempt), 1) if data["type"] == "short_answer")
    assert typed != 1, "the short-answer question comes first: pick another quiz"
    go(page, page.get_by_role("navigation", name="Questions of this attempt")
       .get_by_role("link", name=re.compile(rf"^Question {typed}: not answered")), f"question {typed}")
    return attempt, typed


def run_short(page, app, attempt: int, seconds: int) -> None:
    """The time limit runs out in ``seconds`` (the quiz's own would make the test wait minutes); the
    page is loaded again to show it."""
    with app.app_context():
        db.session.get(Attempt, attempt).deadline_at = utcnow() + dt.timedelta(seconds=seconds)
        db.session.commit()
    page.reload()
    checked(page, "timed question")


@pytest.mark.parametrize("page, typing", [(DESKTOP, False), (PHONE, True)], indirect=["page"],
                         ids=["1280px-nothing-typed", "390px-an-answer-typed"])
def test_the_time_runs_out_with_the_page_open(page, app, typing):
    """The timer counts down and warns; at zero the attempt is submitted with the answers given and,
    on the phone, with the short answer typed on the page and never sent (the widths split the two
    cases to keep the wait short; the script is the same at both)."""
    attempt, typed = timed_attempt(page, app, f"hurried{page.width}")
    run_short(page, app, attempt, 5)
    timer = page.get_by_role("timer")
    first = timer.inner_text()
    words = pick(page, app, attempt, typed)["answer"] if typing else None  # typed, never sent
    page.wait_for_timeout(1200)
    assert timer.inner_text() != first, "the timer counts down"
    assert not page.get_by_text("(when this page loaded)").is_visible()
    warning = page.locator("[data-timer-warning]")
    assert warning.get_attribute("aria-live") == "assertive"
    assert "One minute left" in warning.inner_text()
    shoot(page, "issue16-point2-timer")
    page.wait_for_url(re.compile(rf"/attempts/{attempt}/review$"), timeout=15_000)
    checked(page, "result after the time ran out")
    main = page.locator("main").inner_text()
    assert re.search(r"Time was up at [^;]+; your answers given before then were submitted\.", main)
    assert "UTC" not in main.split("Time was up at")[1].split(";")[0]  # shown in the learner's local time
    assert "was not scored" not in main
    if typing:
        assert "2 of 4 questions answered" in main and "50%" in main  # the typed answer was right
        assert words in page.locator("ol.review > li").nth(typed - 1).inner_text()
    else:
        assert "1 of 4 questions answered" in main and "25%" in main
    shoot(page, "issue16-point2-time-up")
