"""Live sessions (issue 20) through the real pages and the service, CSRF on, no mocks."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import openpyxl
import pytest
import sqlalchemy as sa
from markupsafe import escape

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, Classroom, LiveAnswer, LiveParticipant, LiveSession, Question, Quiz, ReviewCard
from quizapp.models._common import utcnow
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
    """Teacher Tess's quiz: two multiple-choice questions, one true/false, one short answer (left out live)."""
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
    assert "1 question of other types" in page.text  # the short answer is left out
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


def button_value(data: dict, order: list[int], right: bool) -> str:
    if data["type"] == "true_false":
        return "true" if data["answer"] == right else "false"
    best = max(range(len(data["choices"])), key=lambda i: data["choices"][i]["weight"])
    wrong = next(i for i in range(len(data["choices"])) if data["choices"][i]["weight"] <= 0)
    return str(order.index(best if right else wrong))


def answer(phone, code: str, position: int, value: str):
    """Press a button; a page without buttons (answered, removed) stands for a stale page sent again."""
    page = phone.get(f"/live/play/{code}")
    if "csrf_token" not in page.text:
        page = phone.get("/live/join")  # the same cookie: a token as valid as the stale page's
    response = phone.post(f"/live/play/{code}/answer",
                          data={"position": str(position), "choice": value, "csrf_token": csrf_token(page.text)})
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
    assert position == 1 and "Question 1 of 3" in page.text and str(escape(data["stem"])) in page.text
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
    final = control(tess, session_id, "next")  # after the last question: the final results
    assert "Final results" in final.text and "Run it again" in final.text
    assert "The session is over" in ann.get(f"/live/play/{code}").text
    with app.app_context():
        ann_row = db.session.scalar(sa.select(LiveParticipant).filter_by(nickname="Ann"))
        assert ann_row.streak == 2  # the skipped question neither counted nor broke the streak
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
        live.submit_answer(run, ann, 1, button_value(data, run.layout[0]["order"], True), now=t0 + dt.timedelta(seconds=2))
        live.submit_answer(run, bob, 1, button_value(data, run.layout[0]["order"], False), now=t0 + dt.timedelta(seconds=1))
        live.control(run, "reveal", now=t0 + dt.timedelta(seconds=5))
        assert (ann.score, ann.streak, bob.score, bob.streak) == (950, 1, 0, 0)  # 1000 × (1 − 2/20 / 2)

        t1 = t0 + dt.timedelta(seconds=30)
        live.control(run, "next", now=t1)
        data = live.question_data(run, 2)
        live.submit_answer(run, ann, 2, button_value(data, run.layout[1]["order"], True), now=t1 + dt.timedelta(seconds=20))
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
            live.submit_answer(run, ann, 1, "0", now=t0)  # still in the lobby
        live.control(run, "next", now=t0)
        with pytest.raises(Conflict, match="Time was up"):
            live.submit_answer(run, ann, 1, "0", now=t0 + dt.timedelta(seconds=11))
        with pytest.raises(InvalidInput):
            live.submit_answer(run, ann, 1, "7", now=t0 + dt.timedelta(seconds=1))
        with pytest.raises(Conflict, match="closed"):
            live.submit_answer(run, ann, 2, "0", now=t0 + dt.timedelta(seconds=1))  # not the question on
        # the grace of half a second covers the network
        live.submit_answer(run, ann, 1, "0", now=t0 + dt.timedelta(seconds=10, milliseconds=400))
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
            live.submit_answer(run, db.session.get(LiveParticipant, player.id), 1, "0")


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
    assert position == 2 and "Question 2 of 3" in again.text
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
    control(tess, session_id, "reveal")
    control(tess, session_id, "end")
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.finished_at is not None and attempt.live_session_id == session_id
        assert attempt.score == 1.0 and attempt.max_score == 3.0
        [recorded] = db.session.scalars(sa.select(Answer).filter_by(attempt_id=attempt_id)).all()
        assert recorded.correct and recorded.time_taken_ms is not None
        assert db.session.scalar(sa.select(ReviewCard).filter_by(user_id=learner_id,
                                                                 question_id=recorded.question_id)) is not None
    progress = lena.get("/progress")
    assert progress.status_code == 200 and '<span class="tag">live</span>' in progress.text
    gradebook = tess.get(f"/teach/classes/{class_id}/gradebook")
    assert "(1 live)" in gradebook.text and "33" in gradebook.text  # 1 of 3 right: 33.33 %
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
    assert rows[0][3] == "nickname" and rows[1][3] == "Ann" and rows[1][8] is True and rows[1][9] >= 500


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
    assert "Question 1 of 3" in control(cora, session_id, "next").text
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
    assert "Question 1 of 3" in phone.get(f"/live/play/{code}").text  # the next reload shows the question
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
                live.submit_answer(session, db.session.get(LiveParticipant, participant_id), 1, "0")
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
