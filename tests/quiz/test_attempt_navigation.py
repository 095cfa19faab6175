"""Issue 16, point 1: the question grid, flags, the summary before submitting, answers that
change until the attempt is submitted when feedback is deferred (and stay locked when it is not)."""

from __future__ import annotations

import re

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Answer, Attempt
from tests.conftest import csrf_token
from tests.quiz.test_taking import answer_fields, attempt_id_of, layout, post_answer
from tests.test_quiz_integrity import finish, make_quiz, start


def begin(app, client, auth, slug="later", **settings) -> int:
    make_quiz(app, slug, **settings)
    auth.register()
    return attempt_id_of(start(client, slug).location)


def flag(client, attempt_id: int, position: int, value: str | None = "1", token: str | None = None):
    token = token or csrf_token(client.get(f"/attempts/{attempt_id}/q/1").text)
    data = {"csrf_token": token} if value is None else {"csrf_token": token, "flagged": value}
    return client.post(f"/attempts/{attempt_id}/q/{position}/flag", data=data)


def grid(page: str) -> list[str]:
    """The grid's entries as a screen reader reads them: 'Question 1: answered', 'Question 3: not answered, flagged'."""
    nav = re.search(r'<nav class="qnav".*?</nav>', page, re.S).group(0)
    return re.findall(r'<li><a [^>]*aria-label="([^"]+)"', nav)


def test_the_grid_shows_each_question_answered_or_not_and_flagged(app, client, auth):
    attempt_id = begin(app, client, auth, feedback_timing="after_attempt")
    data, order = layout(app, attempt_id)[0]
    post_answer(client, f"/attempts/{attempt_id}/q/1", answer_fields(data, order))
    assert flag(client, attempt_id, 3).status_code == 302
    page = client.get(f"/attempts/{attempt_id}/q/2").text
    assert grid(page) == ["Question 1: answered", "Question 2: not answered", "Question 3: not answered, flagged",
                          "Question 4: not answered"]
    assert re.search(r'aria-label="Question 2: not answered"\s*aria-current="page"', page)
    for position in range(1, 5):  # jump to any question
        assert f'href="/attempts/{attempt_id}/q/{position}"' in page
    third = client.get(f"/attempts/{attempt_id}/q/3").text
    assert "Flagged for later." in third and "Remove the flag" in third
    assert flag(client, attempt_id, 3, "0").status_code == 302
    assert grid(client.get(f"/attempts/{attempt_id}/q/3").text)[2] == "Question 3: not answered"


def test_a_flag_form_that_is_tampered_with_changes_nothing(app, client, auth):
    attempt_id = begin(app, client, auth)
    assert client.post(f"/attempts/{attempt_id}/q/2/flag", data={"flagged": "1"}).status_code == 400  # no CSRF
    bad = flag(client, attempt_id, 2, "yes please")
    assert bad.status_code == 400 and "flag" in bad.text
    assert flag(client, attempt_id, 2, None).status_code == 400
    assert flag(client, attempt_id, 99).status_code == 404
    assert flag(client, attempt_id, 0).status_code == 404
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).flagged == []
    flag(client, attempt_id, 2)
    flag(client, attempt_id, 2)  # a double click flags once
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).flagged == [2]
    finish(client, attempt_id)
    late = flag(client, attempt_id, 3, token=csrf_token(client.get("/").text))
    assert late.status_code == 409 and "finished" in late.text
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).flagged == [2]


def test_the_summary_names_what_is_unanswered_before_submitting(app, client, auth, scalar):
    attempt_id = begin(app, client, auth)
    questions = layout(app, attempt_id)
    for position in (1, 3):
        data, order = questions[position - 1]
        post_answer(client, f"/attempts/{attempt_id}/q/{position}", answer_fields(data, order))
    flag(client, attempt_id, 3)
    last = client.get(f"/attempts/{attempt_id}/q/4").text
    assert f'href="/attempts/{attempt_id}/summary"' in last and "Finish attempt…" in last
    assert f'action="/attempts/{attempt_id}/finish"' not in last.split('id="time-up"')[0]  # no one-click finish
    summary = client.get(f"/attempts/{attempt_id}/summary")
    assert summary.status_code == 200
    text = re.sub(r"<[^>]+>", "", summary.text)
    assert "Questions 2 and 4 are not answered." in text
    assert "You flagged question 3 for later." in text
    rows = re.findall(r"Question (\d)\s*(Answered|Not answered)\s*(⚑ Flagged)?", text)
    assert rows == [("1", "Answered", ""), ("2", "Not answered", ""), ("3", "Answered", "⚑ Flagged"),
                    ("4", "Not answered", "")]
    assert re.search(rf'href="/attempts/{attempt_id}/q/2">Return to attempt', summary.text)
    assert f'action="/attempts/{attempt_id}/finish"' in summary.text and "Submit all and finish" in summary.text
    assert scalar(sa.select(Attempt.finished_at)) is None  # looking at the summary submits nothing
    done = client.post(f"/attempts/{attempt_id}/finish", data={"csrf_token": csrf_token(summary.text)})
    assert done.location.endswith("/review")
    again = client.post(f"/attempts/{attempt_id}/finish", data={"csrf_token": csrf_token(summary.text)})
    assert again.status_code == 302  # a double submit changes nothing
    assert client.get(f"/attempts/{attempt_id}/summary").location.endswith("/review")
    assert "2 of 4 questions answered" in client.get(f"/attempts/{attempt_id}/review").text


def test_all_answered_says_so(app, client, auth):
    attempt_id = begin(app, client, auth, "now")
    for position, (data, order) in enumerate(layout(app, attempt_id), 1):
        post_answer(client, f"/attempts/{attempt_id}/q/{position}", answer_fields(data, order))
    text = client.get(f"/attempts/{attempt_id}/summary").text
    assert "All 4 questions are answered." in text and "not answered" not in text.lower()


def test_with_deferred_feedback_an_answer_changes_until_the_attempt_is_submitted(app, client, auth, scalar):
    attempt_id = begin(app, client, auth, feedback_timing="after_attempt")
    data, order = layout(app, attempt_id)[0]
    url = f"/attempts/{attempt_id}/q/1"
    first = client.get(url).text
    assert "Save my answer" in first and "Check my answer" not in first
    post_answer(client, url, answer_fields(data, order, right=False))
    page = client.get(url).text
    assert "Answer saved" in page and "You can change it until you submit the attempt" in page
    assert "Change my answer" in page and "Not quite" not in page and "Right!" not in page
    post_answer(client, url, answer_fields(data, order, right=True))
    assert scalar(sa.select(sa.func.count()).select_from(Answer)) == 1
    assert scalar(sa.select(Attempt.score)) == 1.0
    post_answer(client, url, answer_fields(data, order, right=False))  # and back again
    assert scalar(sa.select(Attempt.score)) == 0.0
    finish(client, attempt_id)
    token = csrf_token(client.get("/").text)
    late = client.post(url, data={**answer_fields(data, order, right=True), "csrf_token": token})
    assert late.status_code == 409 and "finished" in late.text
    assert scalar(sa.select(Attempt.score)) == 0.0 and scalar(sa.select(Answer.correct)) is False
    assert "Not quite" in client.get(f"/attempts/{attempt_id}/review").text


def test_with_immediate_feedback_an_answer_stays_locked(app, client, auth, scalar):
    attempt_id = begin(app, client, auth, "now")
    data, order = layout(app, attempt_id)[0]
    url = f"/attempts/{attempt_id}/q/1"
    post_answer(client, url, answer_fields(data, order, right=False))
    page = client.get(url).text
    assert "Not quite" in page and "Change my answer" not in page and 'name="choice"' not in page
    token = csrf_token(page)
    client.post(url, data={**answer_fields(data, order, right=True), "csrf_token": token})
    assert scalar(sa.select(Attempt.score)) == 0.0 and scalar(sa.select(Answer.correct)) is False
