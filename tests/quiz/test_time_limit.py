"""Issue 16, point 2: a live timer on the page, and on the server an attempt past its time
limit is submitted with the answers given before the deadline, however the learner comes back."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Answer, Attempt
from quizapp.models._common import utcnow
from tests.conftest import csrf_token
from tests.quiz.test_taking import answer_fields, attempt_id_of, layout, post_answer
from tests.test_quiz_integrity import make_quiz, start


def timed_attempt(app, client, auth, **settings) -> int:
    """A learner's attempt at a 2-minute quiz, question 1 answered right."""
    make_quiz(app, "timed", time_limit_s=120, **settings)
    auth.register()
    attempt_id = attempt_id_of(start(client, "timed").location)
    data, order = layout(app, attempt_id)[0]
    assert post_answer(client, f"/attempts/{attempt_id}/q/1", answer_fields(data, order)).status_code == 302
    return attempt_id


def run_out(app, attempt_id: int, ago: dt.timedelta = dt.timedelta(minutes=5)) -> dt.datetime:
    """The clock runs past the attempt's deadline: the deadline moves into the past."""
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        attempt.deadline_at = utcnow() - ago
        db.session.commit()
        return attempt.deadline_at


def state(app, attempt_id: int):
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        answers = db.session.scalars(sa.select(Answer).filter_by(attempt_id=attempt_id)).all()
        return attempt.finished_at, attempt.score, [a.position for a in answers]


def test_the_page_states_the_deadline_and_carries_the_timer(app, client, auth):
    attempt_id = timed_attempt(app, client, auth)
    page = client.get(f"/attempts/{attempt_id}/q/2")
    with app.app_context():
        deadline = db.session.get(Attempt, attempt_id).deadline_at
    seconds = int(re.search(r'role="timer" data-seconds-left="(\d+)"', page.text).group(1))
    assert 100 <= seconds <= 120
    # without script the page still says when the attempt ends
    assert f'<time datetime="{deadline:%Y-%m-%dT%H:%M:%S}Z" data-local="time">{deadline:%H:%M} UTC</time>' in page.text
    assert re.search(r'<p class="timer-warning" aria-live="assertive" data-timer-warning></p>', page.text)
    time_up = re.search(r'<form id="time-up" method="post" action="([^"]+)" hidden>\s*<input type="hidden" '
                        r'name="csrf_token" value="[^"]+">', page.text)
    assert time_up and time_up.group(1) == f"/attempts/{attempt_id}/finish"
    script = re.search(r'<script src="(/static/quizapp\.js[^"]*)" defer></script>', page.text).group(1)
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]  # a file of the app's own, no inline code
    served = client.get(script)
    assert served.status_code == 200 and "data-seconds-left" in served.text and "time-up" in served.text
    served.close()
    assert "<script>" not in page.text


def test_a_late_answer_lands_on_the_result_with_the_earlier_answers_scored(app, client, auth):
    attempt_id = timed_attempt(app, client, auth)
    deadline = run_out(app, attempt_id)
    data, order = layout(app, attempt_id)[1]
    token = csrf_token(client.get("/").text)
    late = client.post(f"/attempts/{attempt_id}/q/2", data={**answer_fields(data, order), "csrf_token": token})
    assert late.status_code == 302 and late.location.endswith(f"/attempts/{attempt_id}/review")
    result = client.get(late.location).text
    assert f"Time was up at <time datetime=\"{deadline:%Y-%m-%dT%H:%M:%S}Z\" data-local=\"time\">{deadline:%H:%M} UTC</time>; " \
           "your answers given before then were submitted." in result
    assert "Your last answer arrived after the time was up, so it was not scored." in result
    assert "25%" in result and "1 of 4 questions answered" in result
    assert state(app, attempt_id) == (deadline, 1.0, [1])
    again = client.post(f"/attempts/{attempt_id}/q/2", data={**answer_fields(data, order), "csrf_token": token})
    assert again.status_code == 302 and state(app, attempt_id) == (deadline, 1.0, [1])  # a double submit too


def test_a_reload_after_the_time_limit_shows_the_result(app, client, auth):
    attempt_id = timed_attempt(app, client, auth)
    deadline = run_out(app, attempt_id)
    for url in (f"/attempts/{attempt_id}/q/3", f"/attempts/{attempt_id}/summary"):
        assert client.get(url).location.endswith("/review"), url
    result = client.get(f"/attempts/{attempt_id}/review").text
    assert "Time was up at" in result and "was not scored" not in result
    assert state(app, attempt_id) == (deadline, 1.0, [1])
    flag = client.post(f"/attempts/{attempt_id}/q/3/flag", data={"csrf_token": csrf_token(result), "flagged": "1"})
    assert flag.location.endswith("/review")


def test_an_attempt_left_open_past_its_time_is_submitted_when_the_quiz_list_is_read(app, client, auth):
    attempt_id = timed_attempt(app, client, auth)
    page = client.get("/").text
    assert "In progress" in page and f'href="/attempts/{attempt_id}/q/2">Continue' in page
    deadline = run_out(app, attempt_id)
    page = client.get("/").text  # the learner never came back to the attempt itself
    assert "In progress" not in page and "Best 25%, last 25%" in page
    assert state(app, attempt_id) == (deadline, 1.0, [1])


def test_an_attempt_left_open_past_its_time_is_submitted_when_results_are_read(app, client, auth, make_user):
    attempt_id = timed_attempt(app, client, auth)
    deadline = run_out(app, attempt_id)
    assert "25%" in client.get("/progress").text
    assert state(app, attempt_id) == (deadline, 1.0, [1])


def test_the_teachers_export_submits_attempts_left_open_past_their_time(app, client, auth):
    from quizapp.services import exports

    attempt_id = timed_attempt(app, client, auth)
    deadline = run_out(app, attempt_id)
    with app.app_context():
        table = exports.export_table("gradebook", exports.ExportFilters())
        rows = list(table.rows)
    assert state(app, attempt_id) == (deadline, 1.0, [1])
    assert any("25" in str(cell) for row in rows for cell in row)


def test_an_answer_within_the_grace_counts_and_submits_the_attempt(app, client, auth):
    """The page's timer sends what the learner had typed a moment after the time ran out: it counts,
    and as the attempt's last answer it submits the attempt."""
    attempt_id = timed_attempt(app, client, auth)
    deadline = run_out(app, attempt_id, ago=dt.timedelta(seconds=2))
    data, order = layout(app, attempt_id)[1]
    token = csrf_token(client.get("/").text)
    response = client.post(f"/attempts/{attempt_id}/q/2", data={**answer_fields(data, order), "csrf_token": token})
    assert response.location.endswith(f"/attempts/{attempt_id}/review")
    result = client.get(response.location).text
    assert "Time was up at" in result and "was not scored" not in result
    assert "50%" in result and "2 of 4 questions answered" in result
    finished_at, score, answered = state(app, attempt_id)
    assert finished_at > deadline and score == 2.0 and answered == [1, 2]


def test_a_changed_answer_within_the_grace_counts_too(app, client, auth):
    attempt_id = timed_attempt(app, client, auth, feedback_timing="after_attempt")
    run_out(app, attempt_id, ago=dt.timedelta(seconds=2))
    data, order = layout(app, attempt_id)[0]
    token = csrf_token(client.get("/").text)
    response = client.post(f"/attempts/{attempt_id}/q/1",
                           data={**answer_fields(data, order, right=False), "csrf_token": token})
    assert response.location.endswith(f"/attempts/{attempt_id}/review")
    finished_at, score, answered = state(app, attempt_id)
    assert finished_at is not None and score == 0.0 and answered == [1]


def test_an_answer_after_the_grace_is_not_recorded(app, client, auth):
    attempt_id = timed_attempt(app, client, auth)
    deadline = run_out(app, attempt_id, ago=dt.timedelta(seconds=30))
    data, order = layout(app, attempt_id)[1]
    token = csrf_token(client.get("/").text)
    response = client.post(f"/attempts/{attempt_id}/q/2", data={**answer_fields(data, order), "csrf_token": token})
    assert response.location.endswith(f"/attempts/{attempt_id}/review")
    assert "Your last answer arrived after the time was up, so it was not scored." in client.get(response.location).text
    assert state(app, attempt_id) == (deadline, 1.0, [1])
