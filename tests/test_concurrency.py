"""Concurrency: one answer per question however many arrive at once; time limits on the server.

Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import urllib.parse

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, Quiz
from quizapp.models._common import utcnow
from tests.live.server import Browser, Server
from tests.quiz.test_taking import answer_fields
from tests.security_world import csrf_for, log_in

THREADS = 20
QUIZ = "belarus-trainers-places"


def start(app, user_id: int, slug: str = QUIZ) -> tuple[int, dict, list[int]]:
    """Start an attempt as ``user_id``; return its id and question 1's data and shown order."""
    from quizapp.services import attempts

    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz).filter_by(slug=slug))
        attempt = attempts.start_attempt(quiz, user_id)
        slot = attempts.slot(attempt, 1)
        return attempt.id, slot.data, slot.order


def answers_and_score(app, attempt_id: int) -> tuple[list[Answer], float, float]:
    with app.app_context():
        answers = list(db.session.scalars(sa.select(Answer).filter_by(attempt_id=attempt_id)))
        attempt = db.session.get(Attempt, attempt_id)
        return answers, attempt.score, sum(a.score or 0.0 for a in answers)


def run_at_once(count: int, work) -> list:
    """Run ``work(n)`` in ``count`` threads released together; return results (or exceptions)."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def runner(n: int) -> None:
        barrier.wait()
        try:
            results[n] = work(n)
        except Exception as exc:  # reported by the caller
            results[n] = exc

    threads = [threading.Thread(target=runner, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_twenty_threads_answering_one_question_record_one_answer(app, make_user):
    """Separate clients (same learner), separate app contexts, one question, released together."""
    learner = make_user("racer")
    attempt_id, data, order = start(app, learner)
    right, wrong = answer_fields(data, order, right=True), answer_fields(data, order, right=False)
    url = f"/attempts/{attempt_id}/q/1"
    clients = []
    for n in range(THREADS):
        client = app.test_client()
        log_in(client, app, learner)
        clients.append((client, {**(right if n % 2 else wrong), "csrf_token": csrf_for(client, app), "shown_at": "0"}))

    def answer(n: int) -> int:
        client, form = clients[n]
        response = client.post(url, data=form)
        response.close()
        return response.status_code

    statuses = run_at_once(THREADS, answer)
    assert all(status == 302 for status in statuses), statuses
    answers, score, total = answers_and_score(app, attempt_id)
    assert len(answers) == 1, f"{len(answers)} answers recorded for one question"
    assert score == pytest.approx(total) == pytest.approx(answers[0].score)


def test_a_double_clicked_submit_counts_once(app, make_user):
    learner = make_user("clicker")
    attempt_id, data, order = start(app, learner)
    client = app.test_client()
    log_in(client, app, learner)
    form = {**answer_fields(data, order, right=True), "csrf_token": csrf_for(client, app), "shown_at": "0"}
    url = f"/attempts/{attempt_id}/q/1"
    first, second = client.post(url, data=form), client.post(url, data=form)
    assert first.status_code == second.status_code == 302
    answers, score, _ = answers_and_score(app, attempt_id)
    assert len(answers) == 1 and score == pytest.approx(1.0)
    # a changed second answer does not replace the first either
    other = {**answer_fields(data, order, right=False), "csrf_token": form["csrf_token"], "shown_at": "0"}
    client.post(url, data=other)
    answers, score, _ = answers_and_score(app, attempt_id)
    assert len(answers) == 1 and score == pytest.approx(1.0)
    # finishing twice, and starting twice, are harmless
    finish = f"/attempts/{attempt_id}/finish"
    assert client.post(finish, data={"csrf_token": form["csrf_token"]}).status_code == 302
    with app.app_context():
        finished_at = db.session.get(Attempt, attempt_id).finished_at
    assert client.post(finish, data={"csrf_token": form["csrf_token"]}).status_code == 302
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).finished_at == finished_at


def test_answers_to_different_questions_at_once_all_count(app, make_user):
    """The attempt's running score is updated in SQL, so no concurrent answer's score is lost."""
    from tests.quiz.test_taking import layout

    learner = make_user("many")
    attempt_id, _, _ = start(app, learner, "belarus-trainers")
    slots = layout(app, attempt_id)[:THREADS]
    clients = []
    for position, (data, order) in enumerate(slots, 1):
        client = app.test_client()
        log_in(client, app, learner)
        clients.append((client, position, {**answer_fields(data, order, right=True),
                                           "csrf_token": csrf_for(client, app), "shown_at": "0"}))

    def answer(n: int) -> int:
        client, position, form = clients[n]
        response = client.post(f"/attempts/{attempt_id}/q/{position}", data=form)
        response.close()
        return response.status_code

    statuses = run_at_once(len(clients), answer)
    assert all(status == 302 for status in statuses), statuses
    answers, score, total = answers_and_score(app, attempt_id)
    assert len(answers) == len(clients)
    assert score == pytest.approx(total) == pytest.approx(float(len(clients)))


def test_parallel_starts_make_one_attempt_within_the_limit(app, make_user):
    """Eight tabs pressing Start at once: one attempt, and the attempt limit holds."""
    learner = make_user("starter")
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz).filter_by(slug=QUIZ))
        quiz.attempts_allowed = 1
        db.session.commit()
    clients = []
    for _ in range(8):
        client = app.test_client()
        log_in(client, app, learner)
        clients.append((client, csrf_for(client, app)))

    def begin(n: int) -> str | None:
        client, token = clients[n]
        response = client.post(f"/quizzes/{QUIZ}/start", data={"csrf_token": token})
        response.close()
        assert response.status_code == 302, response.status_code
        return response.location

    locations = run_at_once(len(clients), begin)
    assert all(isinstance(loc, str) for loc in locations), locations
    with app.app_context():
        made = db.session.scalar(sa.select(sa.func.count()).select_from(Attempt).filter_by(user_id=learner))
    assert made == 1, f"{made} attempts started where 1 is allowed"
    assert len({re.search(r"/attempts/(\d+)/", loc).group(1) for loc in locations}) == 1


# --- time limits ---------------------------------------------------------------------

@pytest.fixture
def timed_quiz(app, make_user):
    from quizapp.services import quizzes

    teacher = make_user("timer", role="teacher")
    with app.app_context():
        question_ids = list(db.session.scalars(
            sa.select(sa.text("question.id")).select_from(sa.text("question"))
            .where(sa.text("status = 'published' AND type = 'multiple_choice'")).limit(3)))
        quiz = quizzes.save_quiz(teacher, quizzes.QuizSettings(title="Timed", time_limit_s=60, shuffle_choices=False),
                                 question_ids, [])
        return quiz.slug


def _move_deadline(app, attempt_id: int, by: dt.timedelta) -> None:
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        attempt.started_at -= by
        attempt.deadline_at -= by
        db.session.commit()


def test_time_limit_is_enforced_by_the_server(app, make_user, timed_quiz):
    learner = make_user("slow")
    attempt_id, data, order = start(app, learner, timed_quiz)
    client = app.test_client()
    log_in(client, app, learner)
    token = csrf_for(client, app)
    url = f"/attempts/{attempt_id}/q/1"
    # the page was loaded in time; the answer arrives after the deadline (and its grace)
    assert client.get(url).status_code == 200
    _move_deadline(app, attempt_id, dt.timedelta(minutes=2))
    late = client.post(url, data={**answer_fields(data, order), "csrf_token": token, "shown_at": "0"})
    # issue 16: refused, and the learner lands on the result (not an error page)
    assert late.status_code == 302 and late.location.endswith(f"/attempts/{attempt_id}/review")
    answers, score, _ = answers_and_score(app, attempt_id)
    assert answers == [] and score == 0
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.finished_at == attempt.deadline_at  # closed at its deadline, not later
    # the page now sends the learner to the review, and a new start is a new attempt
    assert client.get(url).location.endswith(f"/attempts/{attempt_id}/review")


def test_an_answer_in_time_counts(app, make_user, timed_quiz):
    learner = make_user("quick")
    attempt_id, data, order = start(app, learner, timed_quiz)
    client = app.test_client()
    log_in(client, app, learner)
    _move_deadline(app, attempt_id, dt.timedelta(seconds=55))  # five seconds left
    response = client.post(f"/attempts/{attempt_id}/q/1",
                           data={**answer_fields(data, order), "csrf_token": csrf_for(client, app), "shown_at": "0"})
    assert response.status_code == 302
    answers, score, _ = answers_and_score(app, attempt_id)
    assert len(answers) == 1 and score == pytest.approx(1.0)


def test_the_client_clock_cannot_extend_the_limit(app, make_user, timed_quiz):
    """``shown_at`` comes from the browser; only the server's deadline decides."""
    learner = make_user("cheat")
    attempt_id, data, order = start(app, learner, timed_quiz)
    client = app.test_client()
    log_in(client, app, learner)
    _move_deadline(app, attempt_id, dt.timedelta(minutes=5))
    future = str(int((utcnow() + dt.timedelta(days=1)).timestamp() * 1000))
    response = client.post(f"/attempts/{attempt_id}/q/1",
                           data={**answer_fields(data, order), "csrf_token": csrf_for(client, app), "shown_at": future})
    assert response.status_code == 302 and response.location.endswith(f"/attempts/{attempt_id}/review")
    assert answers_and_score(app, attempt_id)[0] == []


# --- the same race against real gunicorn workers ---------------------------------------

def test_twenty_requests_to_real_workers_record_one_answer(database_url, make_user, app):
    learner = make_user("live-racer", password="correct horse")
    attempt_id, data, order = start(app, learner)
    fields = answer_fields(data, order, right=True)
    with Server(database_url, workers=4) as server:
        browser = Browser()
        status, _, _ = browser.submit(server.url + "/auth/login", server.url + "/auth/login",
                                      {"username": "live-racer", "password": "correct horse"})
        assert status == 302
        url = f"{server.url}/attempts/{attempt_id}/q/1"
        _, html, _ = browser.get(url)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        body = urllib.parse.urlencode({**fields, "csrf_token": token, "shown_at": "0"}, doseq=True)

        def answer(n: int) -> int:
            return browser.request(url, dict(urllib.parse.parse_qsl(body)) | ({"choice": fields["choice"]}
                                                                                if "choice" in fields else {}))[0]

        statuses = run_at_once(THREADS, answer)
    assert all(status == 302 for status in statuses), statuses
    answers, score, total = answers_and_score(app, attempt_id)
    assert len(answers) == 1
    assert score == pytest.approx(total) == pytest.approx(1.0)
