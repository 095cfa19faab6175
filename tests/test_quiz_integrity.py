"""Quiz integrity (issue 14, points 1-5): nothing after the close or the finish, no feedback before
its time, an order no learner can predict, answer times from the server's clock.

Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import threading

import sqlalchemy as sa
import time_machine

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, Question, Quiz, QuizQuestion, ReviewCard, ReviewLog, User
from quizapp.models._common import utcnow
from tests.conftest import csrf_token
from tests.quiz.test_taking import answer_fields, attempt_id_of, layout, post_answer

SOURCE_QUIZ = "belarus-trainers-places"  # 4 seed questions


def make_quiz(app, slug: str, **settings) -> None:
    """A published quiz open to everyone, with the seed quiz's questions and these settings."""
    with app.app_context():
        source = db.session.scalar(sa.select(Quiz).filter_by(slug=SOURCE_QUIZ))
        quiz = Quiz(slug=slug, title=slug.capitalize(), is_published=True, **settings)
        quiz.entries = [QuizQuestion(question_id=e.question_id, position=e.position) for e in source.entries]
        db.session.add(quiz)
        db.session.commit()


def set_quiz(app, slug: str, **values) -> None:
    with app.app_context():
        db.session.execute(sa.update(Quiz).where(Quiz.slug == slug).values(**values))
        db.session.commit()


def learner_id(app, name: str = "ann") -> int:
    with app.app_context():
        return db.session.scalar(sa.select(User.id).filter_by(username=name))


def start(client, slug: str):
    page = client.get(f"/quizzes/{slug}")
    return client.post(f"/quizzes/{slug}/start", data={"csrf_token": csrf_token(page.text)})


def finish(client, attempt_id: int):
    token = csrf_token(client.get("/").text)
    return client.post(f"/attempts/{attempt_id}/finish", data={"csrf_token": token})


# --- point 1: after the close nothing is accepted ---------------------------------------

def test_after_the_close_nothing_is_accepted_and_open_attempts_are_submitted(app, client, auth):
    make_quiz(app, "exam", feedback_timing="after_close", attempts_allowed=2,
              closes_at=utcnow() + dt.timedelta(hours=1))
    auth.register()
    first = start(client, "exam")
    first_id = attempt_id_of(first.location)
    questions = layout(app, first_id)
    for position, (data, order) in enumerate(questions, 1):
        post_answer(client, f"/attempts/{first_id}/q/{position}", answer_fields(data, order))
    finish(client, first_id)
    second = start(client, "exam")
    second_id = attempt_id_of(second.location)
    assert second_id != first_id
    data, order = layout(app, second_id)[0]
    assert post_answer(client, second.location, answer_fields(data, order)).status_code == 302  # before the close

    closes = utcnow() - dt.timedelta(minutes=1)
    set_quiz(app, "exam", closes_at=closes)
    review = client.get(f"/attempts/{first_id}/review").text
    assert "Right!" in review and "100%" in review  # attempt 1's answers are out now...
    data, order = layout(app, second_id)[1]
    token = csrf_token(client.get("/").text)
    late = client.post(f"/attempts/{second_id}/q/2", data={**answer_fields(data, order), "csrf_token": token})
    assert late.status_code == 409 and "The quiz closed" in late.text  # ...so attempt 2 takes nothing more
    again = start(client, "exam")
    assert again.status_code == 403 and "closed" in again.text  # no resume after the close
    with app.app_context():
        attempt = db.session.get(Attempt, second_id)
        answers = db.session.scalars(sa.select(Answer).filter_by(attempt_id=second_id)).all()
        assert len(answers) == 1  # submitted with what it held
        assert attempt.finished_at == closes and attempt.score == answers[0].score
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 2


def test_an_open_attempt_past_the_close_is_submitted_when_anything_reads_it(app, client, auth):
    make_quiz(app, "exam", closes_at=utcnow() + dt.timedelta(hours=1))
    auth.register()
    attempt_id = attempt_id_of(start(client, "exam").location)
    data, order = layout(app, attempt_id)[0]
    post_answer(client, f"/attempts/{attempt_id}/q/1", answer_fields(data, order))
    closes = utcnow() - dt.timedelta(seconds=1)
    set_quiz(app, "exam", closes_at=closes)
    progress = client.get("/progress").text  # a read, no touch of the attempt itself
    assert "Exam" in progress and "25%" in progress
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.finished_at == closes and attempt.score == 1.0
    assert "Resume" not in client.get("/quizzes/exam").text


# --- point 2: deferred feedback does not leak ----------------------------------------------

def answer_all_wrong(app, client, slug: str) -> int:
    attempt_id = attempt_id_of(start(client, slug).location)
    for position, (data, order) in enumerate(layout(app, attempt_id), 1):
        post_answer(client, f"/attempts/{attempt_id}/q/{position}", answer_fields(data, order, right=False))
    return attempt_id


def cards(app, user_id: int) -> list[ReviewCard]:
    with app.app_context():
        return list(db.session.scalars(sa.select(ReviewCard).filter_by(user_id=user_id)))


def test_feedback_after_close_leaks_through_no_review_progress_or_score(app, client, auth):
    make_quiz(app, "exam", feedback_timing="after_close", closes_at=utcnow() + dt.timedelta(days=1))
    auth.register()
    learner = learner_id(app)
    attempt_id = answer_all_wrong(app, client, "exam")
    finish(client, attempt_id)
    with time_machine.travel(utcnow().replace(tzinfo=dt.UTC) + dt.timedelta(minutes=11), tick=False):
        review = client.get("/review").text  # a wrong answer would be due again after 10 minutes
        assert 'name="question"' not in review and "The right answer" not in review
        assert "The next question falls due" not in review  # 10 minutes (wrong) or days (right) would tell
        assert cards(app, learner) == []
        progress = client.get("/progress").text
        assert "Nothing missed" in progress and "shown after the quiz closes" in progress
        assert ">Exam</a></th>" not in progress  # no best or latest score either
        page = client.get(f"/attempts/{attempt_id}/review").text
        assert "0%" not in page and "of 4 marks" not in page and "Your score is shown with the answers" in page

    set_quiz(app, "exam", closes_at=utcnow() - dt.timedelta(minutes=1))
    progress = client.get("/progress").text
    assert "missed 1 time out of 1" in progress and ">Exam</a></th>" in progress
    assert len(cards(app, learner)) == 4  # reviewed now that the feedback is out
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewLog)) == 4
    assert "of 4 marks" in client.get(f"/attempts/{attempt_id}/review").text
    client.get("/review")  # settled once only
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewLog)) == 4


def test_feedback_after_the_attempt_feeds_review_only_once_finished(app, client, auth):
    make_quiz(app, "later", feedback_timing="after_attempt")
    auth.register()
    learner = learner_id(app)
    attempt_id = answer_all_wrong(app, client, "later")
    assert cards(app, learner) == []  # still open: the Review page cannot tell right from wrong
    assert "missed" not in client.get("/progress").text
    finish(client, attempt_id)
    assert "missed 1 time out of 1" in client.get("/progress").text
    assert len(cards(app, learner)) == 4


# --- point 3: an order no learner can predict ----------------------------------------------

def test_choice_order_is_keyed_by_the_server_secret_per_attempt(app, make_user):
    from quizapp.services import attempts

    make_quiz(app, "mixed", shuffle_choices=True)
    user_id = make_user("ann")

    def orders(secret: str) -> list[list[int]]:
        app.config["SECRET_KEY"] = secret
        with app.app_context():
            quiz = db.session.scalar(sa.select(Quiz).filter_by(slug="mixed"))
            attempt = attempts.start_attempt(quiz, user_id)
            result = [e["order"] for e in attempt.layout]
            db.session.delete(attempt)  # the same attempt id again, under another secret
            if db.engine.dialect.name == "postgresql":  # SQLite reuses the id by itself
                db.session.execute(sa.text("SELECT setval('attempt_id_seq', :n, false)"), {"n": attempt.id})
            db.session.commit()
            return result

    first = orders("one secret")
    assert orders("one secret") == first  # the same secret and attempt id: the same order
    assert orders("another secret") != first


def test_the_quiz_editor_explains_a_fixed_choice_order(client, auth, make_user):
    make_user("tess", "teacher")
    auth.login("tess")
    page = client.get("/teach/quizzes/new").text
    assert "Shuffle the choices" in page
    assert "right answer first" in page


# --- point 4: after finish nothing more is stored --------------------------------------------

def test_no_answer_is_stored_after_the_attempt_is_finished(app, make_user):
    """A finish and three answers race, ten times: no answer ever lands after ``finished_at``."""
    from tests.conftest import AuthActions

    make_quiz(app, "race", attempts_allowed=None)
    make_user("ann")
    clients = [app.test_client() for _ in range(4)]
    for other in clients:
        assert AuthActions(other).login("ann").status_code == 302
    tokens = [csrf_token(other.get("/").text) for other in clients]
    for _round in range(10):
        response = clients[0].post("/quizzes/race/start", data={"csrf_token": tokens[0]})
        attempt_id = attempt_id_of(response.location)
        questions = layout(app, attempt_id)
        for position in (1, 2, 3):
            clients[position].get(f"/attempts/{attempt_id}/q/{position + 1}")
        barrier = threading.Barrier(4)
        statuses: list = [None] * 4

        def run(n: int) -> None:
            barrier.wait()
            if n == 0:
                statuses[n] = clients[0].post(f"/attempts/{attempt_id}/finish", data={"csrf_token": tokens[0]}).status_code
            else:
                data, order = questions[n]
                statuses[n] = clients[n].post(
                    f"/attempts/{attempt_id}/q/{n + 1}", data={**answer_fields(data, order), "csrf_token": tokens[n]}
                ).status_code

        threads = [threading.Thread(target=run, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert all(status in (302, 409) for status in statuses), statuses
        with app.app_context():
            attempt = db.session.get(Attempt, attempt_id)
            answers = db.session.scalars(sa.select(Answer).filter_by(attempt_id=attempt_id)).all()
            assert all(a.submitted_at <= attempt.finished_at for a in answers), (attempt.finished_at, answers)
            assert attempt.score == sum(a.score or 0.0 for a in answers)
            assert len(answers) == sum(1 for status in statuses[1:] if status == 302)


# --- point 5: answer times from the server's clock ----------------------------------------------

def test_answer_time_and_rating_come_from_the_server_not_the_browser(app, client, auth):
    t0 = dt.datetime(2031, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(t0, tick=False) as clock:
        auth.register()
        learner = learner_id(app)
        attempt_id = attempt_id_of(start(client, SOURCE_QUIZ).location)
        data, order = layout(app, attempt_id)[0]
        url = f"/attempts/{attempt_id}/q/1"
        page = client.get(url)
        clock.shift(dt.timedelta(seconds=90))  # the learner looks it up for a minute and a half
        instant = str(int(utcnow().replace(tzinfo=dt.UTC).timestamp() * 1000))  # "shown just now", says the browser
        client.post(url, data={**answer_fields(data, order), "csrf_token": csrf_token(page.text), "shown_at": instant})
    with app.app_context():
        answer = db.session.scalar(sa.select(Answer).filter_by(attempt_id=attempt_id))
        log = db.session.scalar(sa.select(ReviewLog).filter_by(user_id=learner))
        assert answer.time_taken_ms == 90_000
        assert log.rating != 4  # not "Easy": a right answer after 90 s is "Good"
        assert log.time_taken_ms == 90_000


def test_a_reload_does_not_restart_the_answer_clock(app, client, auth):
    t0 = dt.datetime(2031, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(t0, tick=False) as clock:
        auth.register()
        attempt_id = attempt_id_of(start(client, SOURCE_QUIZ).location)
        data, order = layout(app, attempt_id)[0]
        url = f"/attempts/{attempt_id}/q/1"
        client.get(url)
        clock.shift(dt.timedelta(seconds=40))
        page = client.get(url)  # reloaded just before answering
        clock.shift(dt.timedelta(seconds=1))
        client.post(url, data={**answer_fields(data, order), "csrf_token": csrf_token(page.text)})
    with app.app_context():
        assert db.session.scalar(sa.select(Answer.time_taken_ms).filter_by(attempt_id=attempt_id)) == 41_000


def test_the_gradebook_counts_an_attempt_left_open_past_the_close(app, client, auth, make_user):
    from tests.teach.test_quizzes import create_class, join, switch

    make_user("tess", "teacher")
    make_user("lea")
    auth.login("tess")
    code, class_id = create_class(client)
    make_quiz(app, "exam", closes_at=utcnow() + dt.timedelta(hours=1))
    switch(client, auth, "lea")
    join(client, code)
    attempt_id = attempt_id_of(start(client, "exam").location)
    for position, (data, order) in enumerate(layout(app, attempt_id)[:2], 1):
        post_answer(client, f"/attempts/{attempt_id}/q/{position}", answer_fields(data, order))
    set_quiz(app, "exam", closes_at=utcnow() - dt.timedelta(minutes=1))
    switch(client, auth, "tess")
    book = client.get(f"/teach/classes/{class_id}/gradebook").text
    assert "50%" in book  # submitted at the close with the two answers it held
