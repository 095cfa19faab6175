"""Live sessions (issue 20) through the real pages and the service, CSRF on, no mocks."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from html import unescape

import openpyxl
import pytest
import sqlalchemy as sa
from markupsafe import escape

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, Classroom, LiveAnswer, LiveParticipant, LiveSession, Question, Quiz, ReviewCard
from quizapp.models._common import utcnow
from quizapp.quiz.forms import form_values
from quizapp.services.scoring import moodle_text
from quizapp.services import classes, live, quizzes
from quizapp.services.errors import Conflict, Forbidden, InvalidInput
from tests.conftest import csrf_token


# --- helpers ---------------------------------------------------------------------------

def published(qtype: str, limit: int) -> list[int]:
    return list(db.session.scalars(
        sa.select(Question.id).filter_by(status="published", type=qtype).order_by(Question.id).limit(limit)))


@pytest.fixture
def teacher(make_user):
    return make_user("tess", "teacher")


@pytest.fixture
def quiz_slug(app, teacher):
    """Teacher Tess's quiz: two multiple-choice questions, one true/false, one short answer."""
    with app.app_context():
        ids = published("multiple_choice", 2) + published("true_false", 1) + published("short_answer", 1)
        classroom = classes.create_class(teacher, "Live class")
        quiz = quizzes.save_quiz(teacher, quizzes.QuizSettings(title="Live quiz"), ids, [classroom.id])
        return quiz.slug


def login(app, username: str):
    from tests.conftest import AuthActions

    client = app.test_client()
    response = AuthActions(client).login(username)
    assert response.status_code == 302, response.text
    return client


def start_session(app, client, slug: str, seconds: str = "20") -> tuple[int, str]:
    page = client.get(f"/live/new/{slug}")
    assert page.status_code == 200
    assert re.search(r"\d+ questions? run live", page.text)
    response = client.post(f"/live/new/{slug}", data={"seconds": seconds, "csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    session_id = int(response.location.rsplit("/", 1)[1])
    with app.app_context():
        return session_id, db.session.get(LiveSession, session_id).code


def join(app, code: str, nickname: str | None = None, client=None):
    client = client or app.test_client()
    page = client.get(f"/live/join?code={code}")
    assert page.status_code == 200
    response = client.post("/live/join", data={"code": code, "nickname": nickname or "",
                                               "csrf_token": csrf_token(page.text)})
    return client, response


def control(client, session_id: int, action: str):
    page = client.get(f"/live/sessions/{session_id}")
    response = client.post(f"/live/sessions/{session_id}/control",
                           data={"action": action, "csrf_token": csrf_token(page.text)})
    assert response.status_code == 303
    return client.get(f"/live/sessions/{session_id}")


def current_question(app, session_id: int) -> tuple[dict, list[int], int]:
    with app.app_context():
        run = db.session.get(LiveSession, session_id)
        return live.question_data(run, run.position), run.layout[run.position - 1]["order"], run.position


def response_for(data: dict, right: bool = True):
    """A right (or a wrong) response to a seed question, in scoring's shape."""
    qtype = data["type"]
    if qtype == "true_false":
        return data["answer"] if right else not data["answer"]
    if qtype == "short_answer":
        return data["accepted"][0]["text"] if right else "certainly not this"
    best = max(range(len(data["choices"])), key=lambda i: data["choices"][i]["weight"])
    wrong = next(i for i in range(len(data["choices"])) if data["choices"][i]["weight"] <= 0)
    return best if right else wrong


def button_value(data: dict, order: list, right: bool) -> dict:
    """The fields the phone's form sends for a right (or a wrong) answer: a button's, or the typed text."""
    return {k: v[0] for k, v in form_values(data, order, response_for(data, right)).items()}


def answer(phone, code: str, position: int, fields: dict):
    """Send the answer form; a page without one (answered, removed) stands for a stale page sent again."""
    page = phone.get(f"/live/play/{code}")
    if "csrf_token" not in page.text:
        page = phone.get("/live/join")  # the same cookie: a token as valid as the stale page's
    response = phone.post(f"/live/play/{code}/answer",
                          data={"position": str(position), **fields, "csrf_token": csrf_token(page.text)})
    assert response.status_code == 303
    return phone.get(f"/live/play/{code}")


def first_events(client, code: str, count: int = 1) -> list[dict]:
    """The first ``count`` events of the session's stream, read from the route."""
    response = client.get(f"/live/play/{code}/events", buffered=False)
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    events, buffer = [], b""
    for chunk in response.response:
        buffer += chunk
        while b"\n\n" in buffer:
            block, buffer = buffer.split(b"\n\n", 1)
            data = [line[6:] for line in block.decode().split("\n") if line.startswith("data: ")]
            if data:
                events.append(json.loads(data[0]))
        if len(events) >= count:
            break
    response.close()
    return events


# --- joining -----------------------------------------------------------------------------

def test_teacher_starts_a_session_and_phones_join_by_code_with_a_nickname_or_an_account(app, teacher, quiz_slug,
                                                                                         make_user):
    tess = login(app, "tess")
    session_id, code = start_session(app, tess, quiz_slug)
    projector = tess.get(f"/live/sessions/{session_id}")
    assert code in projector.text and "<svg" in projector.text  # the code, and the QR code to scan
    assert f"/live/join?code={code}" in projector.text

    phone, response = join(app, code, "Zoë")
    assert response.status_code == 303 and response.location.endswith(f"/live/play/{code}")
    page = phone.get(f"/live/play/{code}")
    assert "You are <strong>Zoë</strong>" in page.text and "Wait for the teacher to start" in page.text

    make_user("lena")
    lena = login(app, "lena")
    _, response = join(app, code, client=lena)  # no nickname: plays as the account
    assert response.status_code == 303
    assert "You are <strong>lena</strong>" in lena.get(f"/live/play/{code}").text
    _, again = join(app, code, client=lena)  # a second join is the same player
    assert again.status_code == 303
    with app.app_context():
        players = db.session.scalars(sa.select(LiveParticipant).filter_by(session_id=session_id)).all()
        assert sorted(p.nickname for p in players) == ["Zoë", "lena"]
        account = next(p for p in players if p.user_id is not None)
        attempt = db.session.get(Attempt, account.attempt_id)
        assert attempt.live_session_id == session_id and attempt.finished_at is None
    assert "Zoë" in tess.get(f"/live/sessions/{session_id}").text

    # a phone that is not a player is sent to the join page
    stranger = app.test_client().get(f"/live/play/{code}")
    assert stranger.status_code == 302 and f"/live/join?code={code}" in stranger.location
    assert join(app, "999999x", "Someone")[1].status_code == 422


@pytest.mark.parametrize("nickname,message", [
    ("A", "2 to 20 characters"),
    ("x" * 21, "2 to 20 characters"),
    ("<script>", "letters, and may have digits"),
    ("1234", "letters, and may have digits"),
    ("Sh1t", "Choose another nickname"),
    ("big d i c k", "Choose another nickname"),
    ("fuckface", "Choose another nickname"),
])
def test_a_nickname_that_breaks_the_rules_is_refused(app, teacher, quiz_slug, nickname, message):
    _, code = start_session(app, login(app, "tess"), quiz_slug)
    _, response = join(app, code, nickname)
    assert response.status_code == 422
    assert message in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LiveParticipant)) == 0


def test_a_nickname_is_unique_in_its_session_whatever_the_case(app, teacher, quiz_slug):
    tess = login(app, "tess")
    _, code = start_session(app, tess, quiz_slug)
    assert join(app, code, "Max Power")[1].status_code == 303
    _, response = join(app, code, "max  POWER")
    assert response.status_code == 422 and "is taken in this session" in response.text
    _, other_code = start_session(app, tess, quiz_slug)
    assert join(app, other_code, "Max Power")[1].status_code == 303  # another session: free again


def test_nickname_rules_keep_ordinary_names(app):
    for name in ("Ann", "Zoë K.", "李雷", "jean-luc_2", "Scunthorpe fan", "Dickens", "Hancock", "A B C"):
        assert live.check_nickname(name) == name
    with pytest.raises(InvalidInput):
        live.check_nickname("a\u200bb")


# --- a whole run -------------------------------------------------------------------------

def test_a_run_through_the_pages_answers_reveal_leaderboard_and_the_end(app, teacher, quiz_slug):
    tess = login(app, "tess")
    session_id, code = start_session(app, tess, quiz_slug)
    ann, _ = join(app, code, "Ann")
    bob, _ = join(app, code, "Bob")

    page = control(tess, session_id, "next")
    data, order, position = current_question(app, session_id)
    assert position == 1 and "Question 1 of 4" in page.text and str(escape(data["stem"])) in page.text
    assert "0</span> of <span data-joined>2</span> answered" in page.text

    phone = ann.get(f"/live/play/{code}")
    assert phone.text.count('class="live-choice') == len(data["choices"])
    sentence = data["source"]["sentence"]
    # nothing on the phone, or in the stream, tells the right answer before the reveal
    for html in (phone.text,):
        assert "right answer" not in html.lower() and str(escape(sentence)) not in html
        assert "weight" not in html
    [state] = first_events(ann, code)
    assert state["phase"] == "question" and state["position"] == 1 and state["answered"] == 0
    assert set(state) == {"version", "phase", "position", "answered", "joined", "remaining_ms"}

    after = answer(ann, code, 1, button_value(data, order, right=True))
    assert "Your answer: <strong>" in after.text and str(escape(sentence)) not in after.text
    assert "right answer" not in after.text.lower()
    answer(bob, code, 1, button_value(data, order, right=False))
    # a second answer does not replace the first
    again = answer(bob, code, 1, button_value(data, order, right=True))
    assert "You have answered this question already" in again.text
    assert "2</span> of <span data-joined>2</span> answered" in tess.get(f"/live/sessions/{session_id}").text
    assert first_events(ann, code)[0]["answered"] == 2

    revealed = control(tess, session_id, "reveal")
    right_text = live.scoring.correct_answer(data)[0]
    assert "Right answer: <strong>" + str(escape(right_text)) in revealed.text
    assert re.search(r"right answer</strong>.*?1 answer", revealed.text, re.S)  # the distribution
    assert "<blockquote>" in revealed.text and "live-leaderboard" in revealed.text
    board = re.findall(r"<tr><td>(\d+)</td><td>(\w+)</td><td>(\d+)</td>", revealed.text)
    assert [(rank, name) for rank, name, _ in board] == [("1", "Ann"), ("2", "Bob")]
    assert int(board[0][2]) >= 500 and board[1][2] == "0"

    ann_page = ann.get(f"/live/play/{code}")
    assert "Right! +" in ann_page.text and "place 1 of 2" in ann_page.text
    assert "<blockquote>" in ann_page.text  # the source sentence, now
    assert "Not this time" in bob.get(f"/live/play/{code}").text

    control(tess, session_id, "next")
    control(tess, session_id, "skip")  # question 2 is left without points
    page = control(tess, session_id, "pause")
    data3, order3, position3 = current_question(app, session_id)
    assert position3 == 3 and "Paused with" in page.text
    paused = answer(ann, code, 3, button_value(data3, order3, right=True))
    assert "The teacher paused the question" in paused.text
    control(tess, session_id, "resume")
    answer(ann, code, 3, button_value(data3, order3, right=True))
    control(tess, session_id, "reveal")
    wrong_action = control(tess, session_id, "pause")
    assert "“pause” is not possible now" in wrong_action.text

    control(tess, session_id, "next")  # a short answer: typed on the phone, grouped as the grader compares
    data4, order4, position4 = current_question(app, session_id)
    typed = data4["accepted"][0]["text"]
    form = ann.get(f"/live/play/{code}").text
    assert 'name="answer" type="text"' in form and 'class="live-choice' not in form
    assert str(escape(typed)) not in form and str(escape(typed)) not in tess.get(f"/live/sessions/{session_id}").text
    answer(ann, code, 4, {"answer": f"  {typed.upper()} "})
    answer(bob, code, 4, {"answer": typed.lower()})
    revealed = control(tess, session_id, "reveal")
    [(shown, given, marked)] = re.findall(r'<tr class="right"><td>([^<]*)</td><td>(\d+)</td><td>(\w+)</td>', revealed.text)
    assert moodle_text(unescape(shown)) == moodle_text(typed) and (given, marked) == ("2", "Right")
    assert "Right: <strong>2</strong>" in revealed.text
    final = control(tess, session_id, "next")  # after the last question: the final results
    assert "Final results" in final.text and "Run it again" in final.text
    assert "The session is over" in ann.get(f"/live/play/{code}").text
    with app.app_context():
        ann_row = db.session.scalar(sa.select(LiveParticipant).filter_by(nickname="Ann"))
        assert ann_row.streak == 3  # the skipped question neither counted nor broke the streak
        skipped = db.session.scalars(sa.select(LiveAnswer).filter_by(session_id=session_id, position=2)).all()
        assert skipped == []


def test_points_have_a_speed_bonus_and_a_streak(app, teacher, quiz_slug):
    with app.app_context():
        quiz = quizzes.own_quiz(quizzes_id(quiz_slug), teacher)
        run = live.start_session(quiz, teacher, 20)
        ann = live.join(run, nickname="Ann")
        bob = live.join(run, nickname="Bob")
        t0 = utcnow()
        live.control(run, "next", now=t0)
        data = live.question_data(run, 1)
        live.submit_answer(run, ann, 1, response_for(data, True), now=t0 + dt.timedelta(seconds=2))
        live.submit_answer(run, bob, 1, response_for(data, False), now=t0 + dt.timedelta(seconds=1))
        live.control(run, "reveal", now=t0 + dt.timedelta(seconds=5))
        assert (ann.score, ann.streak, bob.score, bob.streak) == (950, 1, 0, 0)  # 1000 × (1 − 2/20 / 2)

        t1 = t0 + dt.timedelta(seconds=30)
        live.control(run, "next", now=t1)
        data = live.question_data(run, 2)
        live.submit_answer(run, ann, 2, response_for(data, True), now=t1 + dt.timedelta(seconds=20))
        live.control(run, "reveal", now=t1 + dt.timedelta(seconds=21))
        db.session.refresh(ann)
        assert (ann.score, ann.streak) == (950 + 500 + 100, 2)  # at the deadline: half; second in a row: +100
        assert [s.nickname for s in live.leaderboard(run)] == ["Ann", "Bob"]
        assert live.speed_points(0, 20) == 1000 and live.streak_bonus(1) == 0 and live.streak_bonus(9) == 500


def quizzes_id(slug: str) -> int:
    from quizapp.models import Quiz

    return db.session.scalar(sa.select(Quiz.id).filter_by(slug=slug))


def test_late_answers_are_refused_by_the_servers_clock(app, teacher, quiz_slug):
    with app.app_context():
        quiz = quizzes.own_quiz(quizzes_id(quiz_slug), teacher)
        run = live.start_session(quiz, teacher, 10)
        ann = live.join(run, nickname="Ann")
        t0 = utcnow()
        with pytest.raises(Conflict, match="closed"):
            live.submit_answer(run, ann, 1, 0, now=t0)  # still in the lobby
        live.control(run, "next", now=t0)
        with pytest.raises(Conflict, match="Time was up"):
            live.submit_answer(run, ann, 1, 0, now=t0 + dt.timedelta(seconds=11))
        with pytest.raises(InvalidInput):
            live.submit_answer(run, ann, 1, 7, now=t0 + dt.timedelta(seconds=1))
        with pytest.raises(Conflict, match="closed"):
            live.submit_answer(run, ann, 2, 0, now=t0 + dt.timedelta(seconds=1))  # not the question on
        # the grace of half a second covers the network
        live.submit_answer(run, ann, 1, 0, now=t0 + dt.timedelta(seconds=10, milliseconds=400))
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LiveAnswer)) == 1


def test_the_teacher_removes_a_nickname(app, teacher, quiz_slug):
    tess = login(app, "tess")
    session_id, code = start_session(app, tess, quiz_slug)
    rude, _ = join(app, code, "Rude Guy")
    with app.app_context():
        player = db.session.scalar(sa.select(LiveParticipant).filter_by(nickname="Rude Guy"))
    page = tess.get(f"/live/sessions/{session_id}")
    response = tess.post(f"/live/sessions/{session_id}/participants/{player.id}/remove",
                         data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 303
    assert "“Rude Guy” was removed" in tess.get(f"/live/sessions/{session_id}").text
    assert "The teacher removed you from this session" in rude.get(f"/live/play/{code}").text
    control(tess, session_id, "next")
    data, order, _ = current_question(app, session_id)
    refused = answer(rude, code, 1, button_value(data, order, True))
    assert "The teacher removed you" in refused.text
    assert join(app, code, "rude guy")[1].status_code == 422  # the name stays taken
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LiveAnswer)) == 0
        run = db.session.get(LiveSession, session_id)
        assert [s.nickname for s in live.leaderboard(run)] == []
        with pytest.raises(Forbidden):
            live.submit_answer(run, db.session.get(LiveParticipant, player.id), 1, 0)


def test_a_phone_that_reloads_is_back_on_the_current_question(app, teacher, quiz_slug):
    tess = login(app, "tess")
    session_id, code = start_session(app, tess, quiz_slug)
    phone, _ = join(app, code, "Ann")
    control(tess, session_id, "next")
    control(tess, session_id, "reveal")
    control(tess, session_id, "next")
    data, order, position = current_question(app, session_id)
    first = phone.get(f"/live/play/{code}")
    again = phone.get(f"/live/play/{code}")  # a reload: the same question, the same buttons
    assert position == 2 and "Question 2 of 4" in again.text
    assert re.findall(r'value="(\d)"', first.text) == re.findall(r'value="(\d)"', again.text)
    answer(phone, code, 2, button_value(data, order, True))
    reloaded = phone.get(f"/live/play/{code}")
    assert "Your answer: <strong>" in reloaded.text and 'class="live-choice' not in reloaded.text
    # the cookie is the phone's only link to its player: a new cookie jar is a new phone
    assert app.test_client().get(f"/live/play/{code}").status_code == 302


def test_a_session_can_be_run_again(app, teacher, quiz_slug):
    tess = login(app, "tess")
    session_id, code = start_session(app, tess, quiz_slug)
    join(app, code, "Ann")
    control(tess, session_id, "end")
    assert join(app, code, "Late")[1].status_code == 422  # ended: nobody joins any more
    page = tess.get(f"/live/sessions/{session_id}")
    response = tess.post(f"/live/sessions/{session_id}/again", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 303
    second_id = int(response.location.rsplit("/", 1)[1])
    with app.app_context():
        first, second = db.session.get(LiveSession, session_id), db.session.get(LiveSession, second_id)
        assert (second.run, second.phase, second.quiz_id) == (2, "lobby", first.quiz_id) and second.code != first.code
    assert join(app, second.code, "Ann")[1].status_code == 303  # the same nickname, a new run
    listing = tess.get("/live/sessions").text
    assert listing.count("Live quiz") == 2


def test_live_attempts_count_in_progress_fsrs_and_the_gradebook(app, teacher, quiz_slug, make_user):
    tess = login(app, "tess")
    with app.app_context():
        classroom = db.session.scalar(sa.select(Classroom).filter_by(name="Live class"))
        learner_id = make_user("lena")
        classes.join_class(learner_id, classroom.code)
        class_id = classroom.id
    lena = login(app, "lena")
    session_id, code = start_session(app, tess, quiz_slug)
    join(app, code, client=lena)
    control(tess, session_id, "next")
    data, order, _ = current_question(app, session_id)
    answer(lena, code, 1, button_value(data, order, True))
    # a live attempt in progress is not offered on the quiz pages
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt).filter_by(user_id=learner_id))
        attempt_id = attempt.id
    assert lena.get(f"/attempts/{attempt_id}/q/2").status_code == 404
    with app.app_context():  # before the reveal the attempt tells nothing (its pages, the API, progress)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 0
    control(tess, session_id, "reveal")
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).score == 1.0  # recorded as the room saw it scored
    # the room's skipped question gives no points: it counts in no attempt either
    control(tess, session_id, "next")
    data2, order2, _ = current_question(app, session_id)
    answer(lena, code, 2, button_value(data2, order2, True))
    control(tess, session_id, "skip")
    control(tess, session_id, "end")  # on question 3: never revealed, nothing of it counts
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.finished_at is not None and attempt.live_session_id == session_id
        assert attempt.score == 1.0 and attempt.max_score == 4.0
        [recorded] = db.session.scalars(sa.select(Answer).filter_by(attempt_id=attempt_id)).all()
        assert recorded.position == 1 and recorded.correct and recorded.time_taken_ms is not None
        assert db.session.scalar(sa.select(sa.func.sum(Answer.score)).filter_by(attempt_id=attempt_id)) == attempt.score
        cards = db.session.scalars(sa.select(ReviewCard.question_id).filter_by(user_id=learner_id)).all()
        assert cards == [recorded.question_id]  # no review of the skipped question
        skipped = db.session.scalar(sa.select(LiveAnswer).filter_by(session_id=session_id, position=2))
        assert skipped.points is None  # the room gave it none
    progress = lena.get("/progress")
    assert progress.status_code == 200 and '<span class="tag">live</span>' in progress.text
    gradebook = tess.get(f"/teach/classes/{class_id}/gradebook")
    assert "(1 live)" in gradebook.text and "25" in gradebook.text  # 1 of 4 right: 25 %
    # a live attempt does not use up one of the quiz's attempts
    with app.app_context():
        from quizapp.services import attempts

        quiz = db.session.get(Attempt, attempt_id).quiz
        assert attempts.attempts_used(quiz, learner_id) == 0


def test_the_whole_session_exports_as_csv_and_xlsx(app, teacher, quiz_slug):
    tess = login(app, "tess")
    session_id, code = start_session(app, tess, quiz_slug)
    ann, _ = join(app, code, "Ann")
    join(app, code, "Idle Ida")
    control(tess, session_id, "next")
    data, order, _ = current_question(app, session_id)
    answer(ann, code, 1, button_value(data, order, True))
    control(tess, session_id, "reveal")
    csv_text = tess.get(f"/live/sessions/{session_id}/export?format=csv").text
    lines = csv_text.strip().splitlines()
    assert lines[0].split(",")[:6] == ["session", "quiz", "run", "nickname", "account", "position"]
    assert len(lines) == 3  # Ann's answer, and Ida's row without one
    assert lines[1].startswith(f"{code},") and ",Ann,," in lines[1] and ",True," in lines[1]
    assert ",Idle Ida,," in lines[2]
    with tess.get(f"/live/sessions/{session_id}/export?format=xlsx") as xlsx:
        assert xlsx.status_code == 200
        book = openpyxl.load_workbook(io.BytesIO(xlsx.data), read_only=True)
        rows = list(book.active.iter_rows(values_only=True))
        book.close()
    assert rows[0][3] == "nickname" and rows[1][3] == "Ann" and rows[1][8] is True and rows[1][9] == 1.0
    assert rows[0][10] == "points" and rows[1][10] >= 500


def test_the_stream_route_sends_the_state_and_refuses_an_unknown_code(app, teacher, quiz_slug):
    tess = login(app, "tess")
    session_id, code = start_session(app, tess, quiz_slug)
    join(app, code, "Ann")
    [state] = first_events(app.test_client(), code)
    assert state["phase"] == "lobby" and state["joined"] == 1 and state["remaining_ms"] is None
    control(tess, session_id, "next")
    [state] = first_events(app.test_client(), code)
    assert state["phase"] == "question" and 0 < state["remaining_ms"] <= 20_000
    assert app.test_client().get("/live/play/123/events").status_code == 404


def test_the_migration_builds_what_the_models_describe(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.app_context(), db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert diff == []  # the whole schema: 0018 included, nothing the models lack or add


def test_a_co_teacher_of_the_quiz_runs_the_session_and_other_teachers_do_not(app, teacher, quiz_slug, make_user):
    from quizapp.services import co_teachers

    make_user("cora", "teacher")
    make_user("otto", "teacher")
    session_id, code = start_session(app, login(app, "tess"), quiz_slug)
    with app.app_context():
        co_teachers.add_co_teacher("quiz", quizzes_id(quiz_slug), teacher, "cora")
    cora, otto = login(app, "cora"), login(app, "otto")
    assert "Question 1 of 4" in control(cora, session_id, "next").text
    assert otto.get(f"/live/sessions/{session_id}").status_code == 404
    page = otto.get("/live/sessions")
    refused = otto.post(f"/live/sessions/{session_id}/control", data={"action": "end",
                                                                      "csrf_token": csrf_token(page.text)})
    assert refused.status_code == 404
    with app.app_context():
        assert db.session.get(LiveSession, session_id).phase == "question"


def test_a_phone_without_javascript_follows_by_reloading(app, teacher, quiz_slug):
    tess = login(app, "tess")
    session_id, code = start_session(app, tess, quiz_slug)
    phone, _ = join(app, code, "Ann")
    lobby = phone.get(f"/live/play/{code}").text
    assert '<noscript><meta http-equiv="refresh" content="4"></noscript>' in lobby
    control(tess, session_id, "next")
    assert "Question 1 of 4" in phone.get(f"/live/play/{code}").text  # the next reload shows the question
    control(tess, session_id, "end")
    assert 'http-equiv="refresh"' not in phone.get(f"/live/play/{code}").text  # over: nothing to follow


def test_answers_racing_the_reveal_are_either_scored_or_refused(app, teacher, quiz_slug):
    import threading

    with app.app_context():
        run = live.start_session(db.session.get(Quiz, quizzes_id(quiz_slug)), teacher, 60)
        players = [live.join(run, nickname=f"Racer {n}").id for n in range(12)]
        live.control(run, "next")
        session_id = run.id
    barrier = threading.Barrier(len(players) + 1)
    outcomes: list[str] = []

    def press(participant_id: int) -> None:
        with app.app_context():
            session = db.session.get(LiveSession, session_id)
            barrier.wait()
            try:
                live.submit_answer(session, db.session.get(LiveParticipant, participant_id), 1, 0)
                outcomes.append("stored")
            except Conflict:
                outcomes.append("refused")

    def reveal() -> None:
        with app.app_context():
            session = db.session.get(LiveSession, session_id)
            barrier.wait()
            live.control(session, "reveal")

    threads = [threading.Thread(target=press, args=(p,)) for p in players] + [threading.Thread(target=reveal)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    with app.app_context():
        stored = db.session.scalars(sa.select(LiveAnswer).filter_by(session_id=session_id)).all()
    assert len(outcomes) == len(players) and outcomes.count("stored") == len(stored)
    assert all(a.points is not None for a in stored)  # none slipped in after the reveal gave the points


# --- every question type live ---------------------------------------------------------------

#: the quiz of every type, in its order (the seed bank has the first ones; the others are made here)
EVERY_TYPE = ("multiple_response", "essay", "ordering", "matching", "short_answer", "numerical", "cloze",
              "description", "multiple_choice", "true_false")
MADE = {
    "essay": {"type": "essay", "stem": "Why would a country lend its army's trainers to another?"},
    "numerical": {"type": "numerical", "stem": "In which year did the full-scale invasion begin?",
                  "numeric": [{"value": 2022.0, "tolerance": 0.0, "weight": 1.0}]},
    "description": {"type": "description", "stem": "Now three questions on numbers and names."},
}
CLOZE = "The Alder bridge opened in {2:NUMERICAL:=1932:0} over the {1:SHORTANSWER:=Alder} river."
#: what shows on the phone, as on the quiz page, for each type
FIELD = {"multiple_response": 'type="checkbox" name="choice"', "essay": '<textarea id="answer" name="answer"',
         "ordering": 'name="position-0"', "matching": 'name="match-0"', "short_answer": 'name="answer" type="text"',
         "numerical": 'inputmode="decimal"', "cloze": 'name="gap-2"', "multiple_choice": 'class="live-choice',
         "true_false": 'name="answer" value="true"'}
STREAM_KEYS = {"version", "phase", "position", "answered", "joined", "remaining_ms"}


@pytest.fixture
def every_type_slug(app, teacher):
    from quizapp.cloze import parse_embedded
    from quizapp.services import authoring

    with app.app_context():
        ids = []
        for qtype in EVERY_TYPE:
            if qtype in MADE:
                ids.append(authoring.create_question({**MADE[qtype], "status": "published"}, teacher).id)
            elif qtype == "cloze":
                stem, gaps = parse_embedded(CLOZE)
                ids.append(authoring.create_question({"type": "cloze", "stem": stem, "gaps": gaps,
                                                      "status": "published"}, teacher).id)
            else:
                ids += published(qtype, 1)
        classroom = classes.create_class(teacher, "Every type")
        return quizzes.save_quiz(teacher, quizzes.QuizSettings(title="Every type"), ids, [classroom.id]).slug


def every_type_responses(data: dict) -> tuple:
    """(a right response, a partly right or a wrong one) to each question of the every-type quiz."""
    qtype = data["type"]
    if qtype == "multiple_response":
        right = [i for i, c in enumerate(data["choices"]) if c["weight"] > 0]
        return right, right[:1]  # half of it
    if qtype == "ordering":
        items = data["items"]
        return items, items[:-2] + items[-1:] + items[-2:-1]  # the last two swapped
    if qtype == "matching":
        right = [p["match"] for p in data["pairs"] if p.get("prompt")]
        other = next(m for m in live.scoring.match_options(data) if m != right[1])
        return right, right[:1] + [other] * (len(right) - 1)  # the first pair right (at least)
    if qtype == "numerical":
        return 2022.0, 2021.0
    if qtype == "cloze":
        return [1932.0, "alder"], [1932.0, None]  # the second gap left blank: 2 marks of 3
    if qtype == "essay":
        return "Because <b>trust</b> & money.", "No idea"
    return response_for(data, True), response_for(data, False)


def telling(data: dict) -> list[str]:
    """Texts that would tell the right answer before the reveal (escaped as a page shows them)."""
    texts = [data.get("general_feedback"), (data.get("source") or {}).get("sentence")]
    texts += [c.get("feedback") for c in data.get("choices", [])]
    if data["type"] == "short_answer":
        texts += [a["text"] for a in data["accepted"]] + [a.get("feedback") for a in data["accepted"]]
    if data["type"] == "numerical":
        texts += ["2022"]
    if data["type"] == "cloze":
        texts += ["1932", "Alder</"]
    if data["type"] == "matching":
        texts += ["→"]
    return [str(escape(t)) for t in texts if t]


def test_every_question_type_runs_live_with_the_quiz_pages_fields(app, teacher, every_type_slug, make_user):
    """Phones answer every type as the quiz page does; the reveal sums up each type; nothing tells the answer
    before it; the account holder's live attempt holds every revealed answer, the essay waiting for a mark."""
    from quizapp.services import marking

    tess = login(app, "tess")
    with app.app_context():
        learner_id = make_user("lena")
        classes.join_class(learner_id, db.session.scalar(sa.select(Classroom.code).filter_by(name="Every type")))
    lena = login(app, "lena")
    page = tess.get(f"/live/new/{every_type_slug}")
    assert "10 questions run live" in page.text and "1 essay" in page.text and "1 description" in page.text
    session_id, code = start_session(app, tess, every_type_slug)
    join(app, code, client=lena)
    bob, _ = join(app, code, "Bob")
    for position, qtype in enumerate(EVERY_TYPE, 1):
        projector = control(tess, session_id, "next").text
        data, order, _ = current_question(app, session_id)
        phone = lena.get(f"/live/play/{code}").text
        assert data["type"] == qtype and f"Question {position} of 10" in phone
        for text in (projector, phone):
            assert "Right answer" not in text and 'class="tag right"' not in text and "weight" not in text, qtype
            assert not [t for t in telling(data) if t in text], qtype
        [state] = first_events(bob, code)
        assert set(state) == STREAM_KEYS and state["position"] == position
        if qtype == "description":  # a slide: no countdown, nothing to answer, "next" moves on
            assert state["phase"] == "reveal" and state["remaining_ms"] is None
            assert "Nothing to answer" in projector and "Nothing to answer" in phone and "<textarea" not in phone
            assert 'name="position"' not in phone and "live-leaderboard" not in projector
            continue
        assert state["phase"] == "question" and FIELD[qtype] in phone, qtype
        if qtype == "ordering":  # shown shuffled, never in the right order
            shown = [data["items"][i] for i in order]
            assert shown != data["items"] and [phone.index(str(escape(t))) for t in shown] == sorted(
                phone.index(str(escape(t))) for t in shown)
        right, other = every_type_responses(data)
        sent = answer(lena, code, position, {k: v for k, v in form_values(data, order, right).items()})
        assert "Your answer: <strong>" in sent.text and "Wait for the reveal" in sent.text
        answer(bob, code, position, {k: v for k, v in form_values(data, order, other).items()})
        revealed = control(tess, session_id, "reveal").text
        bob_sees = bob.get(f"/live/play/{code}").text
        outcomes = re.search(r"Right: <strong>(\d+)</strong>\s*·\s*Partly right: <strong>(\d+)</strong>\s*·\s*"
                             r"Wrong: <strong>(\d+)</strong>", revealed)
        if qtype in ("multiple_response", "ordering", "matching", "cloze"):
            assert outcomes.groups() == ("1", "1", "0"), qtype
            assert "Partly right (" in bob_sees and "points" in bob_sees
        if qtype == "multiple_response":
            assert revealed.count("right answer</strong>") == len(right)
            assert re.search(r"right answer</strong></span>\s*<span class=\"live-count\">2 answers", revealed)
        if qtype in ("short_answer", "numerical"):
            rows = re.findall(r'<tr class="(\w+)"><td>([^<]*)</td><td>(\d+)</td>', revealed)
            assert sorted((kind, count) for kind, _, count in rows) == [("right", "1"), ("wrong", "1")], rows
            assert outcomes.groups() == ("1", "0", "1")
        if qtype == "numerical":
            assert ('right', '2022', '1') in rows and ('wrong', '2021', '1') in rows
        if qtype == "essay":  # collected, listed for the teacher only, no points
            assert "Because &lt;b&gt;trust&lt;/b&gt; &amp; money." in revealed and "live-essays" in revealed
            assert "trust" not in bob_sees and "Your answer was collected" in bob_sees
            assert outcomes is None and "Right answer" not in revealed
        if qtype in ("multiple_choice", "true_false"):
            assert "Not this time" in bob_sees
    final = control(tess, session_id, "next")
    assert "Final results" in final.text
    with app.app_context():
        run = db.session.get(LiveSession, session_id)
        lena_player = db.session.scalar(sa.select(LiveParticipant).filter_by(session_id=session_id, user_id=learner_id))
        essay_answer = db.session.scalar(sa.select(LiveAnswer).filter_by(session_id=session_id, position=2,
                                                                         participant_id=lena_player.id))
        assert essay_answer.points == 0 and essay_answer.score is None
        attempt = db.session.get(Attempt, lena_player.attempt_id)
        answers = db.session.scalars(sa.select(Answer).filter_by(attempt_id=attempt.id).order_by(Answer.position)).all()
        assert [a.position for a in answers] == [n for n, t in enumerate(EVERY_TYPE, 1) if t != "description"]
        assert attempt.score == 8.0 == sum(a.score for a in answers if a.score is not None) and attempt.max_score == 8.0
        queue = marking.marking_queue(run.quiz_id, teacher)
        assert [(item.learner, item.answer.response) for item in queue.waiting] == [("lena", "Because <b>trust</b> & money.")]
        bob_points = dict(db.session.execute(sa.select(LiveAnswer.position, LiveAnswer.points).join(LiveParticipant)
                                             .where(LiveParticipant.nickname == "Bob")).all())
    for n, qtype in enumerate(EVERY_TYPE, 1):  # partly right: some points; wrong or an essay: none
        if qtype in ("multiple_response", "ordering", "matching", "cloze"):
            assert 0 < bob_points[n] < 1000, qtype
        elif qtype != "description":
            assert bob_points[n] == 0, qtype


def test_partly_right_answers_earn_that_fraction_of_the_points_and_essays_leave_streaks(app, teacher,
                                                                                       every_type_slug):
    with app.app_context():
        run = live.start_session(db.session.get(Quiz, quizzes_id(every_type_slug)), teacher, 20)
        ann, bob = live.join(run, nickname="Ann"), live.join(run, nickname="Bob")
        t0 = utcnow()

        def ask(position: int, at: dt.datetime, ann_answer, bob_answer) -> None:
            live.control(run, "next", now=at)
            for player, response in ((ann, ann_answer), (bob, bob_answer)):
                if response is not None:
                    live.submit_answer(run, player, position, response, now=at + dt.timedelta(seconds=2))
            live.control(run, "reveal", now=at + dt.timedelta(seconds=5))
            db.session.refresh(ann)
            db.session.refresh(bob)

        right, half = every_type_responses(live.question_data(run, 1))  # multiple response: half of the mark
        ask(1, t0, right, half)
        assert (ann.score, ann.streak, bob.score, bob.streak) == (950, 1, 475, 0)  # 950 × ½, no streak
        ask(2, t0 + dt.timedelta(minutes=1), "An essay.", None)  # an essay: no points, streaks left as they are
        assert (ann.score, ann.streak, bob.score, bob.streak) == (950, 1, 475, 0)
        right, swapped = every_type_responses(live.question_data(run, 3))  # ordering: the last two swapped
        ask(3, t0 + dt.timedelta(minutes=2), right, swapped)
        items = len(right)
        assert (ann.score, ann.streak) == (950 + 950 + 100, 2)  # the second right answer in a row
        assert (bob.score, bob.streak) == (475 + round(950 * (items - 2) / items), 0)
        with pytest.raises(InvalidInput):  # a response that does not fit the question is refused, not stored
            live.control(run, "next", now=t0 + dt.timedelta(minutes=3))
            live.submit_answer(run, ann, 4, ["not", "a", "match"], now=t0 + dt.timedelta(minutes=3, seconds=1))
