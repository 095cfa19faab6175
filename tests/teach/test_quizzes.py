"""Classes and the quiz builder, and the rules a built quiz enforces."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, Classroom, Enrollment, Question, Quiz
from quizapp.models._common import utcnow
from quizapp.services import attempts as attempts_service
from tests.conftest import count, csrf_token
from tests.quiz.test_taking import answer_fields, attempt_id_of, layout, post_answer


def login(auth, name):
    response = auth.login(name)
    assert response.status_code == 302, response.text


def switch(client, auth, name):
    client.post("/auth/logout", data={"csrf_token": csrf_token(client.get("/").text)})
    login(auth, name)


def create_class(client, name="Year 10 History"):
    page = client.get("/teach/classes")
    response = client.post("/teach/classes", data={"name": name, "csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    html = client.get(response.location).text
    return re.search(r'<code class="big">([A-Z0-9]+)</code>', html).group(1), int(response.location.rsplit("/", 1)[1])


def join(client, code):
    page = client.get("/classes/join")
    return client.post("/classes/join", data={"code": code, "csrf_token": csrf_token(page.text)})


def published_ids(app, kind=None):
    with app.app_context():
        query = sa.select(Question.id).filter_by(status="published").order_by(Question.id)
        if kind:
            query = query.filter_by(fact_kind=kind)
        return list(db.session.scalars(query))


def build_quiz(client, **fields):
    page = client.get("/teach/quizzes/new")
    data = {
        "title": "Class quiz", "selection": "hand", "grading_method": "highest",
        "feedback_timing": "immediately", "shuffle_choices": "y", "is_published": "y",
        "csrf_token": csrf_token(page.text), **fields,
    }
    return client.post("/teach/quizzes/new", data=data)


def test_class_join_code_and_roster(client, auth, make_user, scalar):
    make_user("tess", "teacher")
    make_user("lea")
    login(auth, "tess")
    code, class_id = create_class(client)
    assert len(code) == 7
    switch(client, auth, "lea")
    bad = join(client, "NOPE123")
    assert bad.status_code == 422 and "No class has the code" in bad.text
    assert join(client, code.lower()).status_code == 302
    assert join(client, code).status_code == 302  # joining twice is harmless
    assert scalar(count(Enrollment)) == 1
    switch(client, auth, "tess")
    roster = client.get(f"/teach/classes/{class_id}")
    assert "lea" in roster.text and "Roster (1)" in roster.text


def test_teacher_sees_only_own_classes(client, auth, make_user):
    make_user("tess", "teacher")
    make_user("tom", "teacher")
    login(auth, "tess")
    _, class_id = create_class(client)
    switch(client, auth, "tom")
    assert client.get(f"/teach/classes/{class_id}").status_code == 404
    assert "Year 10 History" not in client.get("/teach/classes").text


def test_teacher_pages_refused_to_learners_and_visitors(client, auth, make_user):
    make_user("lea")
    for url in ("/teach/classes", "/teach/quizzes", "/teach/quizzes/new", "/teach/classes/1"):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.location, url
    login(auth, "lea")
    for url in ("/teach/classes", "/teach/quizzes", "/teach/quizzes/new", "/teach/classes/1"):
        assert client.get(url).status_code == 403, url
    token = csrf_token(client.get("/").text)
    assert client.post("/teach/classes", data={"name": "x", "csrf_token": token}).status_code == 403


def test_built_quiz_is_seen_only_by_its_class(app, client, auth, make_user, scalar):
    make_user("tess", "teacher")
    make_user("lea")
    make_user("out")
    login(auth, "tess")
    code, class_id = create_class(client)
    ids = published_ids(app, "place")
    response = build_quiz(client, title="Places drill", questions=[str(i) for i in ids], classrooms=[str(class_id)])
    assert response.status_code == 302, response.text
    slug = scalar(sa.select(Quiz.slug).filter_by(title="Places drill"))
    switch(client, auth, "lea")
    join(client, code)
    assert "Places drill" in client.get("/").text
    assert client.get(f"/quizzes/{slug}").status_code == 200
    switch(client, auth, "out")
    assert "Places drill" not in client.get("/").text
    assert client.get(f"/quizzes/{slug}").status_code == 404


def test_quiz_builder_validation_messages(app, client, auth, make_user, scalar):
    make_user("tess", "teacher")
    login(auth, "tess")
    ids = [str(i) for i in published_ids(app, "place")]
    cases = [
        ({"questions": []}, "Pick at least one question"),
        ({"questions": ids, "draw_count": "99"}, f"Cannot draw 99 of {len(ids)} questions"),
        ({"questions": ids, "attempts_allowed": "0"}, "Allow at least one attempt"),
        ({"questions": ids, "opens_at": "2030-01-02T10:00", "closes_at": "2030-01-01T10:00"}, "must close after it opens"),
        ({"questions": ids, "feedback_timing": "after_close"}, "needs a closing date"),
        ({"questions": ids, "classrooms": ["999"]}, "your own classes"),
    ]
    for fields, message in cases:
        response = build_quiz(client, **fields)
        assert response.status_code == 422 and message in response.text, message
    assert scalar(sa.select(sa.func.count()).select_from(Quiz).filter_by(origin="teacher")) == 0


def test_pool_draw_shuffle_and_attempt_limit(app, client, auth, make_user, scalar):
    make_user("tess", "teacher")
    make_user("lea")
    login(auth, "tess")
    response = build_quiz(client, title="Draw three", selection="pool", pool_fact_kind="quote",
                          draw_count="3", shuffle_questions="y", attempts_allowed="2")
    assert response.status_code == 302
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz).filter_by(title="Draw three"))
        assert len(quiz.entries) == len(published_ids(app, "quote")) > 3
        slug = quiz.slug
    switch(client, auth, "lea")
    drawn = []
    for _ in range(2):
        page = client.get(f"/quizzes/{slug}")
        start = client.post(f"/quizzes/{slug}/start", data={"csrf_token": csrf_token(page.text)})
        attempt_id = attempt_id_of(start.location)
        questions = layout(app, attempt_id)
        assert len(questions) == 3 and all(d["fact"]["kind"] == "quote" for d, _ in questions)
        drawn.append([d["id"] for d, _ in questions])
        client.post(f"/attempts/{attempt_id}/finish", data={"csrf_token": csrf_token(page.text)})
    page = client.get(f"/quizzes/{slug}")
    assert "used all your attempts" in page.text
    third = client.post(f"/quizzes/{slug}/start", data={"csrf_token": csrf_token(client.get('/').text)})
    assert third.status_code == 403 and "all 2 attempt(s)" in third.text
    assert scalar(count(Attempt)) == 2


def test_time_limit_is_enforced_on_the_server(app, client, auth, make_user, scalar):
    make_user("tess", "teacher")
    make_user("lea")
    login(auth, "tess")
    ids = [str(i) for i in published_ids(app, "place")]
    build_quiz(client, title="Timed", questions=ids, time_limit="1")
    slug = scalar(sa.select(Quiz.slug).filter_by(title="Timed"))
    switch(client, auth, "lea")
    page = client.get(f"/quizzes/{slug}")
    assert "Time limit: 1 minute<" in page.text
    start = client.post(f"/quizzes/{slug}/start", data={"csrf_token": csrf_token(page.text)})
    attempt_id = attempt_id_of(start.location)
    assert re.search(r"Time left: <span[^>]*>[01] min", client.get(start.location).text)
    (data1, order1), (data2, order2) = layout(app, attempt_id)[:2]
    assert post_answer(client, f"/attempts/{attempt_id}/q/1", answer_fields(data1, order1)).status_code == 302
    with app.app_context():  # the clock runs past the deadline
        attempt = db.session.get(Attempt, attempt_id)
        attempt.deadline_at = utcnow() - dt.timedelta(minutes=5)
        db.session.commit()
    token = csrf_token(client.get("/").text)
    late = client.post(f"/attempts/{attempt_id}/q/2", data={**answer_fields(data2, order2), "csrf_token": token})
    assert late.status_code == 302 and late.location.endswith("/review")  # the result, not an error
    result = client.get(late.location).text
    assert "your answers given before then were submitted" in result and "was not scored" in result
    page = client.get(f"/attempts/{attempt_id}/q/2")
    assert page.status_code == 302 and page.location.endswith("/review")
    assert scalar(count(Answer)) == 1
    assert scalar(sa.select(Attempt.finished_at)) is not None


def test_feedback_after_the_attempt_hides_answers_until_finished(app, client, auth, make_user):
    make_user("tess", "teacher")
    make_user("lea")
    login(auth, "tess")
    ids = [str(i) for i in published_ids(app, "place")]
    build_quiz(client, title="Later", questions=ids, feedback_timing="after_attempt")
    switch(client, auth, "lea")
    page = client.get("/quizzes/later")
    start = client.post("/quizzes/later/start", data={"csrf_token": csrf_token(page.text)})
    attempt_id = attempt_id_of(start.location)
    data, order = layout(app, attempt_id)[0]
    post_answer(client, start.location, answer_fields(data, order, right=False))
    after = client.get(start.location).text
    assert "Answer saved" in after
    for hint in ("Not quite", "The right answer", '<figure class="source">', "<mark>"):
        assert hint not in after
    client.post(f"/attempts/{attempt_id}/finish", data={"csrf_token": csrf_token(after)})
    review = client.get(f"/attempts/{attempt_id}/review").text
    assert "Not quite" in review and "The right answer" in review


def test_feedback_after_close_waits_for_the_closing_date(app, client, auth, make_user):
    make_user("tess", "teacher")
    make_user("lea")
    login(auth, "tess")
    ids = [str(i) for i in published_ids(app, "place")]
    closes = (utcnow() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    build_quiz(client, title="Exam", questions=ids, feedback_timing="after_close", closes_at=closes)
    switch(client, auth, "lea")
    page = client.get("/quizzes/exam")
    start = client.post("/quizzes/exam/start", data={"csrf_token": csrf_token(page.text)})
    attempt_id = attempt_id_of(start.location)
    client.post(f"/attempts/{attempt_id}/finish", data={"csrf_token": csrf_token(page.text)})
    review = client.get(f"/attempts/{attempt_id}/review").text
    assert "after the quiz closes" in review and "The right answer" not in review
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz).filter_by(slug="exam"))
        quiz.closes_at = utcnow() - dt.timedelta(minutes=1)
        db.session.commit()
    assert "The right answer" in client.get(f"/attempts/{attempt_id}/review").text


def test_closed_and_not_yet_open_quizzes_cannot_start(app, client, auth, make_user):
    make_user("tess", "teacher")
    make_user("lea")
    login(auth, "tess")
    ids = [str(i) for i in published_ids(app, "place")]
    later = (utcnow() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    build_quiz(client, title="Soon", questions=ids, opens_at=later)
    switch(client, auth, "lea")
    page = client.get("/quizzes/soon")
    assert "This quiz opens on" in page.text and "Start the quiz" not in page.text
    response = client.post("/quizzes/soon/start", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 403


def test_another_teacher_cannot_edit_my_quiz(app, client, auth, make_user, scalar):
    make_user("tess", "teacher")
    make_user("tom", "teacher")
    login(auth, "tess")
    build_quiz(client, title="Mine", questions=[str(i) for i in published_ids(app, "place")])
    quiz_id = scalar(sa.select(Quiz.id).filter_by(title="Mine"))
    assert client.get(f"/teach/quizzes/{quiz_id}/edit").status_code == 200
    switch(client, auth, "tom")
    assert client.get(f"/teach/quizzes/{quiz_id}/edit").status_code == 404
    token = csrf_token(client.get("/").text)
    assert client.post(f"/teach/quizzes/{quiz_id}/edit", data={"title": "Stolen", "csrf_token": token}).status_code == 404
    assert scalar(sa.select(Quiz.title).filter_by(id=quiz_id)) == "Mine"
