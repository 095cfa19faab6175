"""Issue 20 in one headless Chromium: a teacher's projector (1280 px) and three phones (390 px).

They join by code, answer, the projector's count rises as answers come in,
the reveal shows the right answer, the source sentence and the leaderboard,
and a phone that reloads mid-question is back on that question. axe checks
the projector and the phone pages at every step.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import LiveSession, Question
from quizapp.services import live, quizzes
from tests.browser.conftest import axe_violations, shoot
from tests.browser.test_teacher import login

PROJECTOR, PHONE = (1280, 900), (390, 844)


def right_and_wrong(app, session_id: int) -> tuple[str, str]:
    """The form values of a right and a wrong button of the question on the screens (read from the database)."""
    with app.app_context():
        run = db.session.get(LiveSession, session_id)
        data = live.question_data(run, run.position)
        order = run.layout[run.position - 1]["order"]
    best = max(range(len(data["choices"])), key=lambda i: data["choices"][i]["weight"])
    wrong = next(i for i in range(len(data["choices"])) if data["choices"][i]["weight"] <= 0)
    return str(order.index(best)), str(order.index(wrong))


def clean(page, where: str) -> None:
    assert axe_violations(page) == [], where


@pytest.mark.parametrize("page", [PROJECTOR], ids=["projector-1280px"], indirect=True)
def test_a_live_class_projector_and_three_phones(page, playwright_browser, live_server, app, make_user):
    make_user("tess", "teacher")
    with app.app_context():
        teacher = db.session.scalar(sa.select(live.User.id).filter_by(username="tess"))
        ids = list(db.session.scalars(sa.select(Question.id).filter_by(status="published", type="multiple_choice")
                                      .order_by(Question.id).limit(2)))
        slug = quizzes.save_quiz(teacher, quizzes.QuizSettings(title="Live in class"), ids, []).slug

    login(page, "tess")
    page.goto(f"{page.base}/live/new/{slug}")
    clean(page, "start a live session")
    page.get_by_label("Seconds per question").select_option("90")
    with page.expect_navigation():
        page.get_by_role("button", name="Open the session").click()
    session_id = int(page.url.rsplit("/", 1)[1])
    code = page.locator(".live-code").inner_text()
    assert page.locator(".live-qr svg").count() == 1
    clean(page, "projector, lobby")
    shoot(page, "live-projector-lobby")

    phones, foreign = [], []
    for nickname in ("Ann", "Bob", "Cy"):
        context = playwright_browser.new_context(viewport={"width": PHONE[0], "height": PHONE[1]})
        phone = context.new_page()
        phone.width = PHONE[0]  # for shoot()
        phone.on("request", lambda r: None if r.url.startswith((live_server.url, "data:")) else foreign.append(r.url))
        phone.goto(f"{live_server.url}/live/join?code={code}")  # the QR code's link
        if nickname == "Ann":
            clean(phone, "phone, join")
        phone.get_by_label("Nickname").fill(nickname)
        with phone.expect_navigation():
            phone.get_by_role("button", name="Join").click()
        assert "Wait for the teacher to start" in phone.locator("main").inner_text()
        if nickname == "Ann":
            clean(phone, "phone, lobby")
        phones.append(phone)
    ann, bob, cy = phones
    try:
        # the projector's lobby follows the players as they join (its stream, then a reload)
        page.locator(".live-players").get_by_text("Cy").wait_for(timeout=10_000)
        assert page.locator(".live-status [data-joined]").inner_text() == "3"

        with page.expect_navigation():
            page.get_by_role("button", name="Start").click()
        assert "Question 1 of 2" in page.locator(".progress-line").inner_text()
        clean(page, "projector, question")
        right, wrong = right_and_wrong(app, session_id)
        for phone in phones:  # every phone follows by itself
            phone.locator(f"button.live-choice[value='{right}']").wait_for(timeout=10_000)
            assert "Question 1 of 2" in phone.locator(".progress-line").inner_text()
        clean(ann, "phone, question")
        shoot(ann, "live-phone-question")

        # (a press navigates: waited for by its result, as the stream's abort on leaving the page
        # can end Playwright's wait for the navigation itself)
        ann.locator(f"button.live-choice[value='{right}']").click()
        ann.get_by_text("Your answer:").wait_for(timeout=10_000)
        clean(ann, "phone, answered")
        answered = page.locator(".live-status [data-answered]")
        page.wait_for_function("() => document.querySelector('.live-status [data-answered]').textContent === '1'",
                               timeout=10_000)

        bob.reload()  # a phone that reloads (or lost its connection) mid-question is back on it
        assert "Question 1 of 2" in bob.locator(".progress-line").inner_text()
        bob.locator(f"button.live-choice[value='{wrong}']").click()
        bob.get_by_text("Your answer:").wait_for(timeout=10_000)
        page.wait_for_function("() => document.querySelector('.live-status [data-answered]').textContent === '2'",
                               timeout=10_000)
        assert answered.inner_text() == "2"
        shoot(page, "live-projector-question")

        with page.expect_navigation():
            page.get_by_role("button", name="Reveal the answer").click()
        main = page.locator("main").inner_text()
        assert "Right answer:" in main and "right answer" in page.locator(".live-distribution").inner_text()
        assert page.locator("figure.source blockquote").count() == 1  # the article's sentence that proves it
        rows = page.locator(".live-leaderboard tbody tr")
        assert rows.count() == 3 and rows.first.locator("td").nth(1).inner_text() == "Ann"
        clean(page, "projector, reveal")
        shoot(page, "live-projector-reveal")

        ann.get_by_text("Right! +").wait_for(timeout=10_000)
        assert ann.locator("figure.source blockquote").count() == 1
        assert "place 1 of 3" in ann.locator("main").inner_text()
        bob.get_by_text("Not this time").wait_for(timeout=10_000)
        cy.get_by_text("No answer this time").wait_for(timeout=10_000)
        clean(ann, "phone, reveal")
        clean(cy, "phone, reveal without an answer")
        shoot(ann, "live-phone-reveal")
        assert not foreign, f"requests outside the app: {foreign}"
        assert re.fullmatch(r"\d{6}", code)
    finally:
        for phone in phones:
            phone.context.close()
