"""Marking essays by hand and setting an attempt's grade (issue 16, point 6), CSRF on."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, AuditEvent, Question
from quizapp.services import authoring, co_teachers
from tests.conftest import csrf_token
from tests.teach.test_results import (
    PASSWORD, Q_MOD, choice, login, make_class, make_learner, make_quiz, make_teacher, row_of, take,
)

ESSAY_STEM = "Why did the trainers go to Belarus? Explain in a few sentences."


@pytest.fixture
def school(app):
    """tess teaches Year 9 (ann, bob) and a quiz of one choice question and one essay; ann finished it
    (choice right, essay written), bob finished it too."""
    tess = make_teacher(app, "tess")
    class_id, code = make_class(app, tess)
    ann = make_learner(app, "ann", code)
    bob = make_learner(app, "bob", code)
    with app.app_context():
        essay = authoring.create_question(
            {"type": "essay", "stem": ESSAY_STEM, "stem_format": "plain", "status": "published",
             "general_feedback": "Look for the training of the army."}, tess,
        )
        essay_uid = essay.uid
    quiz = make_quiz(app, tess, [Q_MOD, essay_uid], [class_id], slug="essay-quiz")
    right = choice(app, Q_MOD, "The British Ministry of Defense")
    ann_attempt = take(app, ann, quiz, [right, "They trained the army of <b>Belarus</b>."])
    bob_attempt = take(app, bob, quiz, [right, "No idea."])
    with app.app_context():
        answers = {a.attempt_id: a.id for a in db.session.scalars(
            sa.select(Answer).where(Answer.question_id == db.session.scalar(
                sa.select(Question.id).filter_by(uid=essay_uid))))}
    return {"tess": tess, "class": class_id, "code": code, "quiz": quiz, "ann": ann, "bob": bob,
            "ann_attempt": ann_attempt, "bob_attempt": bob_attempt,
            "ann_essay": answers[ann_attempt], "bob_essay": answers[bob_attempt]}


def mark_url(s, who="ann"):
    return f"/teach/quizzes/{s['quiz']}/marking/{s[who + '_essay']}"


def post_mark(client, s, mark, comment="", who="ann"):
    page = client.get(mark_url(s, who))
    assert page.status_code == 200, page.text
    return client.post(mark_url(s, who), data={"mark": mark, "comment": comment, "csrf_token": csrf_token(page.text)})


def post_override(client, s, grade, reason, attempt="ann_attempt"):
    url = f"/teach/quizzes/{s['quiz']}/attempts/{s[attempt]}"
    page = client.get(url)
    assert page.status_code == 200, page.text
    return client.post(url + "/override", data={"grade": grade, "reason": reason, "csrf_token": csrf_token(page.text)})


def attempt_row(app, attempt_id):
    with app.app_context():
        a = db.session.get(Attempt, attempt_id)
        return a.score, a.max_score, a.percent


def events(app, action=None):
    with app.app_context():
        query = sa.select(AuditEvent).where(AuditEvent.attempt_id.is_not(None)).order_by(AuditEvent.id)
        return [(e.action, e.detail) for e in db.session.scalars(query) if action in (None, e.action)]


def test_queue_lists_waiting_essays_oldest_first_with_the_count(app, client, auth, school):
    login(client, auth, "tess")
    page = client.get(f"/teach/quizzes/{school['quiz']}/marking")
    assert page.status_code == 200
    assert "2 answers to mark" in page.text
    assert page.text.index(">ann<") < page.text.index(">bob<")  # ann submitted first
    assert ESSAY_STEM in page.text
    quizzes = client.get("/teach/quizzes").text
    assert f"/teach/quizzes/{school['quiz']}/marking" in quizzes
    book = client.get(f"/teach/classes/{school['class']}/gradebook").text
    assert "2 to mark" in book  # the quiz's column, linked to the queue
    assert f'href="/teach/quizzes/{school["quiz"]}/marking"' in book
    assert "1 to mark" in row_of(book, "ann")


def test_learner_sees_an_essay_awaiting_a_mark_then_the_mark_and_comment(app, client, auth, school):
    login(client, auth, "ann")
    before = client.get(f"/attempts/{school['ann_attempt']}/review").text
    assert "100%" in before and "1 of 1 marks" in before  # the essay counts once marked
    assert "1 answer awaits your teacher’s mark" in before
    assert "Your teacher marks this answer" in before
    assert "100% <span class=\"meta\">(an essay awaits a mark)</span>" in client.get("/progress").text

    login(client, auth, "tess")
    response = post_mark(client, school, "0.5", "Good start: <script>alert(1)</script> say who paid.")
    assert response.status_code == 302 and response.location.endswith(f"/teach/quizzes/{school['quiz']}/marking")
    queue = client.get(response.location).text
    assert "1 answer to mark" in queue and "0.5 of 1" in queue
    assert attempt_row(app, school["ann_attempt"]) == (1.5, 2.0, 75.0)

    login(client, auth, "ann")
    after = client.get(f"/attempts/{school['ann_attempt']}/review").text
    assert "75%" in after and "1.5 of 2 marks" in after
    assert "awaits your teacher" not in after
    assert "Marked: 0.5 of 1 mark" in after
    assert "Good start: &lt;script&gt;alert(1)&lt;/script&gt; say who paid." in after
    assert "<script>alert(1)" not in after
    history = client.get("/progress").text
    assert "75%" in history and "awaits a mark" not in history


def test_marks_show_in_the_teachers_results_and_exports(app, client, auth, school):
    login(client, auth, "tess")
    assert post_mark(client, school, "1", "Spot on.").status_code == 302
    assert post_mark(client, school, "0", who="bob").status_code == 302
    book = client.get(f"/teach/classes/{school['class']}/gradebook").text
    assert "100%" in row_of(book, "ann") and "50%" in row_of(book, "bob")
    assert "to mark" not in book
    detail = client.get(f"/teach/classes/{school['class']}/learners/{school['ann']}/quizzes/{school['quiz']}").text
    assert "awaits a mark" not in detail and "2 of 2 marks" in detail
    rows = list(csv.DictReader(io.StringIO(client.get(
        f"/teach/classes/{school['class']}/export?kind=gradebook&format=csv").get_data(as_text=True))))
    grades = {r["learner"]: r["Quiz essay-quiz (essay-quiz)"] for r in rows}
    assert grades == {"ann": "100.0", "bob": "50.0"}
    responses = client.get(f"/teach/classes/{school['class']}/export?kind=responses&format=xlsx")
    with responses:
        sheet = openpyxl.load_workbook(io.BytesIO(responses.get_data())).active
        table = [[c.value for c in row] for row in sheet.iter_rows()]
    header = table[0]
    essays = [dict(zip(header, r)) for r in table[1:] if dict(zip(header, r))["type"] == "essay"]
    assert sorted((r["learner"], r["score"]) for r in essays) == [("ann", 1), ("bob", 0)]


@pytest.mark.parametrize("mark,message", [
    ("", "Give a mark."),
    ("abc", "“abc” is not a number"),
    ("-1", "A mark is from 0 to 1"),
    ("1.5", "A mark is from 0 to 1"),
    ("nan", "A mark is from 0 to 1"),
    ("inf", "A mark is from 0 to 1"),
])
def test_bad_marks_are_refused_with_a_message_and_change_nothing(app, client, auth, school, mark, message):
    login(client, auth, "tess")
    response = post_mark(client, school, mark, "a comment")
    assert response.status_code == 422
    assert message in response.text and 'aria-invalid="true"' in response.text
    assert attempt_row(app, school["ann_attempt"]) == (1.0, 1.0, 100.0)
    with app.app_context():
        answer = db.session.get(Answer, school["ann_essay"])
        assert (answer.score, answer.teacher_comment, answer.marked_at) == (None, None, None)
    assert events(app) == []


def test_a_mark_without_csrf_token_is_refused(app, client, auth, school):
    login(client, auth, "tess")
    response = client.post(mark_url(school), data={"mark": "1"})
    assert response.status_code == 400
    assert attempt_row(app, school["ann_attempt"]) == (1.0, 1.0, 100.0)


def test_re_marking_changes_the_mark_audited_never_a_new_row(app, client, auth, school):
    login(client, auth, "tess")
    post_mark(client, school, "0.5", "First read.")
    post_mark(client, school, "0,75", "Second read.")  # a decimal comma is understood
    post_mark(client, school, "0.75", "Second read.")  # the same again: nothing to record
    assert attempt_row(app, school["ann_attempt"]) == (1.75, 2.0, 87.5)
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Answer)
                                  .where(Answer.attempt_id == school["ann_attempt"]))
    assert count == 2
    marks = events(app, "marked")
    assert len(marks) == 2
    assert "0.5 of 1 (unmarked)" in marks[0][1] and "0.75 of 1 (was 0.5)" in marks[1][1]
    page = client.get(f"/teach/quizzes/{school['quiz']}/attempts/{school['ann_attempt']}").text
    assert "was 0.5" in page and "essay marked" in page and "Second read." in page


def test_only_essays_of_finished_attempts_are_marked(app, client, auth, school, make_user):
    login(client, auth, "tess")
    with app.app_context():
        choice_answer = db.session.scalar(sa.select(Answer.id).where(
            Answer.attempt_id == school["ann_attempt"], Answer.position == 1))
    response = client.get(f"/teach/quizzes/{school['quiz']}/marking/{choice_answer}", follow_redirects=True)
    assert "Only essays are marked by hand" in response.text
    assert attempt_row(app, school["ann_attempt"]) == (1.0, 1.0, 100.0)
    assert client.get(f"/teach/quizzes/{school['quiz']}/marking/999999").status_code == 404


def test_a_co_teacher_marks_another_teacher_cannot_and_learners_are_refused(app, client, auth, school):
    make_teacher(app, "cora")
    make_teacher(app, "otto")
    with app.app_context():
        co_teachers.add_co_teacher("quiz", school["quiz"], school["tess"], "cora")
    login(client, auth, "otto")
    assert client.get(f"/teach/quizzes/{school['quiz']}/marking").status_code == 404
    assert client.get(mark_url(school)).status_code == 404
    login(client, auth, "ann")
    assert client.get(f"/teach/quizzes/{school['quiz']}/marking").status_code == 403
    login(client, auth, "cora")
    assert post_mark(client, school, "1", "Well argued.").status_code == 302
    assert attempt_row(app, school["ann_attempt"]) == (2.0, 2.0, 100.0)


def test_override_needs_a_reason_is_audited_and_shown_everywhere(app, client, auth, school):
    login(client, auth, "tess")
    refused = post_override(client, school, "90", "   ")
    assert refused.status_code == 422 and "Give a reason" in refused.text
    bad = post_override(client, school, "120", "Too generous")
    assert bad.status_code == 422 and "A grade is a percent from 0 to 100." in bad.text
    assert attempt_row(app, school["ann_attempt"])[2] == 100.0 and events(app) == []

    done = post_override(client, school, "40%", "Copied from a classmate; agreed with the head of year.")
    assert done.status_code == 302
    page = client.get(done.location).text
    assert "Grade set by hand to <strong>40%</strong>" in page
    assert "Copied from a classmate; agreed with the head of year." in page
    assert "grade set by hand" in page and "set to 40%" in page
    book = client.get(f"/teach/classes/{school['class']}/gradebook").text
    assert "40%" in row_of(book, "ann")
    rows = list(csv.DictReader(io.StringIO(client.get(
        f"/teach/classes/{school['class']}/export?kind=gradebook&format=csv").get_data(as_text=True))))
    assert {r["learner"]: r["Quiz essay-quiz (essay-quiz)"] for r in rows}["ann"] == "40.0"
    # marking the essay later changes the marks, not the grade set by hand
    post_mark(client, school, "1")
    assert attempt_row(app, school["ann_attempt"]) == (2.0, 2.0, 40.0)

    login(client, auth, "ann")
    review = client.get(f"/attempts/{school['ann_attempt']}/review").text
    assert "40%" in review and "grade set by your teacher" in review
    assert "Copied from a classmate" not in review  # the reason is for teachers
    assert "Best 40%, last 40%" in client.get("/").text  # the quiz list's standing too

    login(client, auth, "tess")
    removed = post_override(client, school, "", "Cleared after the appeal.")
    assert removed.status_code == 302
    assert attempt_row(app, school["ann_attempt"])[2] == 100.0
    assert [a for a, _ in events(app)] == ["overridden", "marked", "overridden"]
    assert "grade removed" in events(app)[-1][1]


def test_override_of_an_attempt_in_progress_is_refused(app, client, auth, school):
    right = choice(app, Q_MOD, "The British Ministry of Defense")
    open_attempt = take(app, school["ann"], school["quiz"], [right, None], finish=False)
    school = {**school, "open": open_attempt}
    login(client, auth, "tess")
    response = post_override(client, school, "50", "a reason", attempt="open")
    assert response.status_code == 302
    assert "still in progress" in client.get(response.location).text
    assert attempt_row(app, open_attempt)[2] == 100.0 and events(app) == []


def test_question_history_keeps_learners_marks_out(app, client, auth, school):
    login(client, auth, "tess")
    post_mark(client, school, "1", "Private remark about ann")
    with app.app_context():
        question_id = db.session.get(Answer, school["ann_essay"]).question_id
    history = client.get(f"/teach/questions/{question_id}/history").text
    assert "Private remark" not in history and "ann" not in re.sub(r"<[^>]+>", " ", history).split()


def test_a_changed_answer_and_an_attempt_submitted_at_its_time_limit_keep_essay_marks_right(app, client, auth, school):
    """Issue 16's attempt flow meets marking: with deferred feedback the learner changes both answers
    (the choice wrong then right, the essay rewritten) and the time runs out with the attempt open. The
    marking queue submits it as of its deadline with the last answers; the mark then counts once."""
    import datetime as dt

    from quizapp.models import Quiz
    from quizapp.models._common import utcnow
    from quizapp.services import attempts

    with app.app_context():
        quiz = db.session.get(Quiz, school["quiz"])
        quiz.feedback_timing = "after_attempt"
        quiz.time_limit_s = 600
        db.session.commit()
        n_choices = len(db.session.scalar(sa.select(Question).filter_by(uid=Q_MOD)).data["choices"])
    right = choice(app, Q_MOD, "The British Ministry of Defense")
    wrong = (right + 1) % n_choices
    cat = make_learner(app, "cat", school["code"])
    with app.app_context():
        attempt = attempts.start_attempt(db.session.get(Quiz, school["quiz"]), cat)
        attempt_id = attempt.id
        for position, response in ((1, wrong), (2, "A first draft."), (1, right), (2, "The second draft.")):
            _answer, recorded = attempts.record_answer(db.session.get(Attempt, attempt_id), position, response)
            assert recorded
        attempt = db.session.get(Attempt, attempt_id)
        assert (attempt.score, attempt.max_score, attempt.finished_at) == (1.0, 1.0, None)
        attempt.deadline_at = utcnow() - dt.timedelta(minutes=5)  # the time ran out meanwhile
        db.session.commit()
        deadline = attempt.deadline_at
        essay = db.session.scalar(sa.select(Answer).filter_by(attempt_id=attempt_id, position=2))
        assert essay.response == "The second draft." and essay.score is None

    login(client, auth, "tess")
    queue = client.get(f"/teach/quizzes/{school['quiz']}/marking").text
    assert "3 answers to mark" in queue and ">cat<" in queue
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.finished_at == deadline and (attempt.score, attempt.max_score) == (1.0, 1.0)
    school = {**school, "cat_essay": essay.id}
    assert post_mark(client, school, "0.25", who="cat").status_code == 302
    assert attempt_row(app, attempt_id) == (1.25, 2.0, 62.5)
    assert post_mark(client, school, "0.75", who="cat").status_code == 302  # marked again: replaced, not added
    assert attempt_row(app, attempt_id) == (1.75, 2.0, 87.5)

    login(client, auth, "cat")
    review = client.get(f"/attempts/{attempt_id}/review").text
    assert "Time was up at" in review and "1.75 of 2 marks" in review and "awaits your teacher" not in review
