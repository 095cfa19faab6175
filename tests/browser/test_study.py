"""In a real browser, at a desktop and a phone width: a learner rates a flashcard and its FSRS card
moves (issue 16, point 3)."""

from __future__ import annotations

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import ReviewCard
from tests.browser.conftest import assert_in_reach, at_both_widths, axe_violations, shoot
from tests.browser.test_marking import login
from tests.teach.test_results import Q_LUKA, Q_MOD, choice, make_learner, make_quiz, make_teacher, take


@at_both_widths
def test_learner_rates_a_flashcard_and_its_review_date_moves(page, app):
    tess = make_teacher(app, "tess")
    learner = make_learner(app, "flora")
    quiz = make_quiz(app, tess, [Q_MOD, Q_LUKA], [], slug="cards-quiz")
    luka_right = choice(app, Q_LUKA, "Alexander Lukashenko")
    take(app, learner, quiz, [choice(app, Q_MOD, "The British Ministry of Defense"), 1 if luka_right == 0 else 0])

    def due():
        with app.app_context():
            return dict(db.session.execute(
                sa.select(ReviewCard.question_id, ReviewCard.due).filter_by(user_id=learner)).all())

    before = due()
    login(page, "flora")
    page.goto(page.base + "/review")
    assert "questions you find hard come back sooner" in page.locator("main").inner_text()
    assert axe_violations(page) == [], "review page"
    page.goto(page.base + "/flashcards")
    assert "cards you find hard come back sooner" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Hard").count() == 0  # nothing to rate before the answer shows
    assert axe_violations(page) == [], "flashcard front"
    shoot(page, "issue16-point3-flashcard-front")
    show = page.get_by_role("button", name="Show the answer")
    assert_in_reach(page, show, "Show the answer")
    with page.expect_navigation():
        show.click()
    assert "Back" in page.locator("main").inner_text()
    assert axe_violations(page) == [], "flashcard back"
    shoot(page, "issue16-point3-flashcard-back")
    question_id = int(page.locator('input[name="question"]').first.get_attribute("value"))
    good = page.get_by_role("button", name="Good")
    assert_in_reach(page, good, "the rating Good, below the card's back")
    with page.expect_navigation():
        good.click()
    assert "You rated it Good: it comes back on" in page.locator("main").inner_text()
    assert axe_violations(page) == [], "flashcard rated"
    after = due()
    assert after[question_id] > before[question_id]
    assert {q: d for q, d in after.items() if q != question_id} == {
        q: d for q, d in before.items() if q != question_id}
