"""Issue 15, point 4, in the browser: a teacher sees which old scores today's grading would change,
and changes them only on confirming (CSRF on); another teacher cannot see or change them."""

from __future__ import annotations

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Quiz
from quizapp.services import accounts
from tests.conftest import csrf_token
from tests.test_cli_regrade import old_answers, scores  # noqa: F401 (fixture)

PASSWORD = "a long enough passphrase 42"


def _own_quiz(app, username: str) -> int:
    with app.app_context():
        teacher = accounts.create_user(username, PASSWORD, "teacher")
        quiz = db.session.scalar(sa.select(Quiz).filter_by(slug="regrade-quiz"))
        quiz.created_by_id = teacher.id
        db.session.commit()
        return quiz.id


def test_the_teacher_sees_what_would_change_and_confirms(app, client, auth, old_answers):
    quiz_id = _own_quiz(app, "tara")
    auth.login("tara", PASSWORD)
    assert f"/teach/quizzes/{quiz_id}/regrade" in client.get("/teach/quizzes").text  # one click from the quiz list
    page = client.get(f"/teach/quizzes/{quiz_id}/regrade")
    assert page.status_code == 200
    assert "4 graded answer(s) checked; 1 would change score" in page.text
    assert "regrade-minus-five" in page.text and "<td>5</td>" in page.text
    assert scores(app) == [(2.0, 2.0), (2.0, 2.0)]  # looking changes nothing

    token = csrf_token(page.text)
    unconfirmed = client.post(f"/teach/quizzes/{quiz_id}/regrade", data={"csrf_token": token})
    assert unconfirmed.status_code == 302 and scores(app) == [(2.0, 2.0), (2.0, 2.0)]
    forged = client.post(f"/teach/quizzes/{quiz_id}/regrade", data={"confirm": "1"})
    assert forged.status_code == 400 and scores(app) == [(2.0, 2.0), (2.0, 2.0)]

    done = client.post(f"/teach/quizzes/{quiz_id}/regrade", data={"csrf_token": token, "confirm": "1"},
                       follow_redirects=True)
    assert "Re-graded 1 answer(s) in 1 attempt(s)." in done.text
    assert scores(app) == [(1.0, 2.0), (2.0, 2.0)]
    assert "0 would change score" in done.text


def test_another_teacher_can_neither_see_nor_regrade(app, client, auth, old_answers):
    quiz_id = _own_quiz(app, "tara")
    with app.app_context():
        accounts.create_user("otto", PASSWORD, "teacher")
    auth.login("otto", PASSWORD)
    assert client.get(f"/teach/quizzes/{quiz_id}/regrade").status_code == 404
    page = client.get("/teach/quizzes")
    response = client.post(f"/teach/quizzes/{quiz_id}/regrade", data={"csrf_token": csrf_token(page.text), "confirm": "1"})
    assert response.status_code == 404 and scores(app) == [(2.0, 2.0), (2.0, 2.0)]
