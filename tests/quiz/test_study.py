"""Study modes (issue 16, point 3): flashcards the learner rates, practice of mistakes, retakes.

Through the real forms (CSRF on), the clock frozen where FSRS dates are compared.
"""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, Question, ReviewCard, ReviewLog
from quizapp.services import scheduling, scoring
from tests.conftest import csrf_token
from tests.quiz.test_review import (
    DAY, MINUTE, MISTAKES, T0, answer_review, clock, take_whole_quiz_with_mistakes, user_id,  # noqa: F401
)
from tests.quiz.test_taking import answer_fields
from tests.test_security_leakage import secrets_of


def card_of(app, learner: int, question_id: int) -> tuple[int, object]:
    with app.app_context():
        card = db.session.scalar(sa.select(ReviewCard).filter_by(user_id=learner, question_id=question_id))
        return card.reps, card.due


def shown_card(page: str) -> tuple[int, int]:
    question = re.search(r'name="question" value="(\d+)"', page)
    reps = re.search(r'name="reps" value="(\d+)"', page)
    assert question and reps, page[:2000]
    return int(question.group(1)), int(reps.group(1))


def back_secrets(app, question_id: int) -> list[str]:
    """What only the back of the card may show: the right answer, its explanation, the article's sentence."""
    with app.app_context():
        data = db.session.get(Question, question_id).data
    found = [s for s in secrets_of(data)] + [line for line in scoring.correct_answer(data) if len(line) >= 4]
    return [s for s in found if s.casefold() not in (data.get("stem") or "").casefold()]


def test_flashcard_front_hides_the_back_until_revealed_then_the_rating_moves_the_card(app, client, auth, clock):
    auth.register()
    missed = take_whole_quiz_with_mistakes(app, client)
    learner = user_id(app)
    clock.move_to(T0 + DAY)

    front = client.get("/flashcards")
    assert front.status_code == 200
    assert "cards you find hard come back sooner" in front.text
    question_id, reps = shown_card(front.text)
    assert question_id in missed  # the most overdue card first: a missed one (due after 10 minutes)
    secrets = back_secrets(app, question_id)
    assert secrets
    for secret in secrets:
        assert secret not in html.unescape(front.text), f"the front shows {secret!r}"
    assert 'name="rating"' not in front.text

    revealed = client.post("/flashcards/reveal", data={"question": question_id, "reps": reps,
                                                       "csrf_token": csrf_token(front.text)})
    assert revealed.status_code == 200
    assert any(secret in html.unescape(revealed.text) for secret in secrets)
    for label in ("Again", "Hard", "Good", "Easy"):
        assert f'value="{label.lower()}">{label}' in revealed.text

    before = card_of(app, learner, question_id)
    rated = client.post("/flashcards/rate", data={"question": question_id, "reps": reps, "rating": "easy",
                                                  "csrf_token": csrf_token(revealed.text)})
    assert rated.status_code == 302
    after = card_of(app, learner, question_id)
    assert after[0] == before[0] + 1
    assert before[1] <= (T0 + DAY).replace(tzinfo=None) < after[1]  # was due; now due a day or more later
    assert after[1] >= (T0 + 2 * DAY).replace(tzinfo=None)
    nxt = client.get(rated.location)
    assert "You rated it Easy: it comes back on" in nxt.text
    with app.app_context():
        log = db.session.scalar(sa.select(ReviewLog).filter_by(user_id=learner, source="flashcard"))
        assert (log.question_id, log.rating, log.self_rated) == (question_id, int(scheduling.Rating.Easy), True)

    # the same rating sent again (a double click) is not a second review
    again = client.post("/flashcards/rate", data={"question": question_id, "reps": reps, "rating": "easy",
                                                  "csrf_token": csrf_token(revealed.text)}, follow_redirects=True)
    assert "already rated" in again.text
    assert card_of(app, learner, question_id) == after


@pytest.mark.parametrize("rating", ["superb", "", "4"])
def test_a_bad_rating_changes_nothing(app, client, auth, clock, rating):
    auth.register()
    take_whole_quiz_with_mistakes(app, client)
    learner = user_id(app)
    front = client.get("/flashcards")
    question_id, reps = shown_card(front.text)
    before = card_of(app, learner, question_id)
    response = client.post("/flashcards/rate", data={"question": question_id, "reps": reps, "rating": rating,
                                                     "csrf_token": csrf_token(front.text)}, follow_redirects=True)
    assert response.status_code == 200 and "Choose Again, Hard, Good or Easy." in response.text
    assert card_of(app, learner, question_id) == before


def test_another_learners_card_is_not_revealed(app, client, auth, clock):
    auth.register("ann")
    take_whole_quiz_with_mistakes(app, client)
    front = client.get("/flashcards")
    question_id, reps = shown_card(front.text)
    auth.logout()
    auth.register("bob")
    page = client.get("/flashcards")
    assert "No flashcards yet" in page.text
    response = client.post("/flashcards/reveal", data={"question": question_id, "reps": reps,
                                                       "csrf_token": csrf_token(page.text)}, follow_redirects=True)
    assert "You have no such flashcard." in response.text
    for secret in back_secrets(app, question_id):
        assert secret not in html.unescape(response.text)


def test_review_page_names_where_its_rating_came_from(app, client, auth, clock):
    auth.register()
    take_whole_quiz_with_mistakes(app, client)
    clock.move_to(T0 + DAY)
    _question, wrong = answer_review(app, client, right=False)
    assert "scored wrong → counted as Again" in wrong.text
    _question, right = answer_review(app, client, right=True)  # read slowly: a Good, not an Easy
    assert "scored right → counted as Good" in right.text
    assert "(rated " not in right.text
    assert "questions you find hard come back sooner" in client.get("/review").text


def test_practise_my_mistakes_asks_the_missed_questions_and_changes_no_score(app, client, auth, clock):
    auth.register()
    missed = take_whole_quiz_with_mistakes(app, client)
    learner = user_id(app)
    with app.app_context():
        scores_before = db.session.execute(sa.select(Attempt.id, Attempt.score, Attempt.max_score)).all()
        answers_before = db.session.scalar(sa.select(sa.func.count()).select_from(Answer))
        cards_before = db.session.execute(sa.select(ReviewCard.question_id, ReviewCard.reps, ReviewCard.due)
                                          .filter_by(user_id=learner)).all()
    progress = client.get("/progress").text
    assert 'href="/practice/mistakes"' in progress
    start = client.get("/practice/mistakes").text
    assert f"The {len(missed)} questions you missed most" in start and "not graded" in start
    asked = set()
    for position in range(1, len(missed) + 1):
        page = client.get(f"/practice/mistakes/{position}")
        assert page.status_code == 200
        question_id = _practice_question(app, page.text)
        asked.add(question_id)
        with app.app_context():
            data = db.session.get(Question, question_id).data
            order = scheduling.shown_order(data, learner, question_id, -1)
        answered = client.post(f"/practice/mistakes/{position}",
                               data={**answer_fields(data, order, right=True), "csrf_token": csrf_token(page.text)})
        assert answered.status_code == 200 and "Right!" in answered.text
    assert asked == missed
    assert client.get(f"/practice/mistakes/{len(missed) + 1}").status_code == 302
    with app.app_context():
        assert db.session.execute(sa.select(Attempt.id, Attempt.score, Attempt.max_score)).all() == scores_before
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == answers_before
        assert db.session.execute(sa.select(ReviewCard.question_id, ReviewCard.reps, ReviewCard.due)
                                  .filter_by(user_id=learner)).all() == cards_before


def _practice_question(app, page: str) -> int:
    """The question a practice page asks."""
    found = re.search(r'data-question="(\d+)"', page)
    assert found, page[:2000]
    return int(found.group(1))


def test_retake_only_the_wrong_questions_of_a_finished_attempt(app, client, auth, clock):
    auth.register()
    missed = take_whole_quiz_with_mistakes(app, client)
    learner = user_id(app)
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt).filter_by(user_id=learner))
        attempt_id, score = attempt.id, (attempt.score, attempt.max_score)
    review = client.get(f"/attempts/{attempt_id}/review").text
    assert f'href="/attempts/{attempt_id}/retake"' in review
    start = client.get(f"/attempts/{attempt_id}/retake").text
    assert f"You got {len(missed)} questions of this attempt wrong" in start
    page = client.get(f"/attempts/{attempt_id}/retake/1")
    question_id = _practice_question(app, page.text)
    assert question_id in missed
    with app.app_context():
        data = db.session.get(Question, question_id).data
        order = scheduling.shown_order(data, learner, question_id, -1)
    wrong = client.post(f"/attempts/{attempt_id}/retake/1",
                        data={**answer_fields(data, order, right=False), "csrf_token": csrf_token(page.text)})
    assert wrong.status_code == 200 and "Not quite" in wrong.text
    tampered = client.post(f"/attempts/{attempt_id}/retake/1", data={"choice": "99", "answer": "maybe",
                                                                     "csrf_token": csrf_token(page.text)})
    assert tampered.status_code == 422 and "Traceback" not in tampered.text
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert (attempt.score, attempt.max_score) == score


def test_retake_of_an_unfinished_or_anothers_attempt(app, client, auth):
    from tests.quiz.test_taking import attempt_id_of, start

    auth.register("ann")
    attempt_id = attempt_id_of(start(client))
    response = client.get(f"/attempts/{attempt_id}/retake/1", follow_redirects=True)
    assert "Finish the attempt" in response.text
    auth.logout()
    auth.register("bob")
    assert client.get(f"/attempts/{attempt_id}/retake").status_code == 404


@pytest.mark.parametrize("rating,self_rated,words", [
    (scheduling.Rating.Again, False, "scored wrong → counted as Again"),
    (scheduling.Rating.Hard, False, "scored partly right → counted as Hard"),
    (scheduling.Rating.Good, False, "scored right → counted as Good"),
    (scheduling.Rating.Easy, False, "scored right, and quickly → counted as Easy"),
    (scheduling.Rating.Hard, True, "you rated it Hard"),
])
def test_rating_source_says_who_rated_and_how(rating, self_rated, words):
    assert scheduling.rating_source(ReviewLog(rating=int(rating), self_rated=self_rated)) == words
