"""Crashes: kill `quizapp serve` hard in the middle of a stream of answers; nothing acknowledged is lost.

Several learners answer through real gunicorn workers; the whole process
group gets SIGKILL (no graceful shutdown, no atexit, no flush) while answers
are in flight. After a restart, every answer the server had acknowledged
(a 2xx/3xx response) is in the database, and each attempt's score is the
sum of its answers.
"""

from __future__ import annotations

import http.client

import signal
import threading
import time

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, Quiz
from tests.live.server import Browser, Server
from tests.quiz.test_taking import answer_fields, layout

LEARNERS = 4
PASSWORD = "correct horse"


class Learner(threading.Thread):
    """Answers an attempt's questions in order and remembers which were acknowledged."""

    def __init__(self, server: Server, username: str, attempt_id: int, slots: list):
        super().__init__(daemon=True)
        self.server, self.username, self.attempt_id, self.slots = server, username, attempt_id, slots
        self.acknowledged: list[int] = []
        self.failures: list[str] = []

    def run(self) -> None:
        browser = Browser()
        base = self.server.url
        try:
            status, _, _ = browser.submit(base + "/auth/login", base + "/auth/login",
                                          {"username": self.username, "password": PASSWORD})
            if status != 302:
                self.failures.append(f"login {status}")
                return
            for position, (data, order) in enumerate(self.slots, 1):
                url = f"{base}/attempts/{self.attempt_id}/q/{position}"
                status, _, _ = browser.submit(url, url, {**answer_fields(data, order), "shown_at": "0"})
                if 200 <= status < 400:
                    self.acknowledged.append(position)
                else:
                    self.failures.append(f"q{position}: {status}")
        except (OSError, http.client.HTTPException, AttributeError):
            # the server died under us: mid-reply (IncompleteRead) or before it (AttributeError: no token)
            return


@pytest.fixture
def attempts_ready(app, make_user):
    from quizapp.services import attempts

    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz).filter_by(slug="belarus-trainers"))
    made = []
    for n in range(LEARNERS):
        user_id = make_user(f"crash{n}", password=PASSWORD)
        with app.app_context():
            attempt_id = attempts.start_attempt(db.session.get(Quiz, quiz.id), user_id).id
        made.append((f"crash{n}", attempt_id, layout(app, attempt_id)))
    return made


def test_acknowledged_answers_survive_a_sigkill(app, database_url, attempts_ready):
    server = Server(database_url, workers=2)
    learners = [Learner(server, name, attempt_id, slots) for name, attempt_id, slots in attempts_ready]
    try:
        for learner in learners:
            learner.start()
        deadline = time.monotonic() + 60
        while sum(len(lr.acknowledged) for lr in learners) < 3 * LEARNERS and time.monotonic() < deadline:
            time.sleep(0.02)
        assert any(lr.is_alive() for lr in learners), "the load finished before the crash"
        server.stop(signal.SIGKILL)  # the whole process group, mid-load
        for learner in learners:
            learner.join(timeout=60)
    finally:
        server.stop()
    for learner in learners:
        assert not learner.failures, learner.failures
    acknowledged = {(lr.attempt_id, p) for lr in learners for p in lr.acknowledged}
    assert len(acknowledged) >= 3 * LEARNERS

    with Server(database_url, workers=2) as restarted:
        with app.app_context():
            stored = set(db.session.execute(sa.select(Answer.attempt_id, Answer.position)).all())
            lost = sorted(acknowledged - stored)
            assert not lost, f"acknowledged answers lost in the crash: {lost}"
            for _, attempt_id, _ in attempts_ready:
                attempt = db.session.get(Attempt, attempt_id)
                total = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Answer.score), 0.0))
                                          .where(Answer.attempt_id == attempt_id))
                assert attempt.score == pytest.approx(total), f"attempt {attempt_id}: score and answers disagree"
        # the restarted server carries on where the learner stopped
        name, attempt_id, slots = attempts_ready[0]
        browser = Browser()
        status, _, _ = browser.submit(restarted.url + "/auth/login", restarted.url + "/auth/login",
                                      {"username": name, "password": PASSWORD})
        assert status == 302
        with app.app_context():
            answered = set(db.session.scalars(sa.select(Answer.position).filter_by(attempt_id=attempt_id)))
        position = next(p for p in range(1, len(slots) + 1) if p not in answered)
        url = f"{restarted.url}/attempts/{attempt_id}/q/{position}"
        data, order = slots[position - 1]
        status, _, _ = browser.submit(url, url, {**answer_fields(data, order), "shown_at": "0"})
        assert status == 302
