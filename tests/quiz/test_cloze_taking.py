"""A learner takes a cloze question through the real pages (CSRF on): gaps inline, per-gap feedback."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from quizapp.cloze import parse_embedded
from quizapp.extensions import db
from quizapp.models import Answer, Quiz, QuizQuestion, User
from quizapp.services import accounts, authoring
from tests.conftest import csrf_token
from tests.quiz.test_taking import attempt_id_of, layout, post_answer, start
from tests.security_world import log_in

TEXT = ("The <b>bridge</b> opened in {2:NUMERICAL:=1932:1#Right year~*#Look at the plaque} over the "
        "{1:SHORTANSWER:=Alder#Named after a tree~%50%alder river}.\nIts colour is "
        "{1:MULTICHOICE:=red#Yes~blue#That is the railing~green} and it crosses "
        "{1:MULTICHOICE_V:=water~road}, {1:MULTIRESPONSE_H:=two~=three~four} ways.")


def cloze_quiz(app, slug: str = "cloze-quiz", text: str = TEXT, shuffle: bool = False) -> None:
    """A published quiz of one published cloze question."""
    with app.app_context():
        teacher = accounts.create_user(f"t-{slug}", "correct horse", "teacher").id
        stem, gaps = parse_embedded(text)
        question = authoring.create_question(
            {"type": "cloze", "stem": stem, "gaps": gaps, "status": "published",
             "general_feedback": "The Alder bridge."}, teacher)
        quiz = Quiz(slug=slug, title="Cloze quiz", origin="teacher", created_by_id=teacher,
                    shuffle_choices=shuffle, is_published=True)
        quiz.entries = [QuizQuestion(question_id=question.id, position=0)]
        db.session.add(quiz)
        db.session.commit()


@pytest.fixture
def learner(app, client, make_user):
    cloze_quiz(app)
    user_id = make_user("lena")
    log_in(client, app, user_id)
    return user_id


def test_the_gaps_are_inline_controls_in_the_escaped_text(app, client, learner):
    url = start(client, "/quizzes/cloze-quiz")
    page = client.get(url)
    assert page.status_code == 200
    body = page.text
    start_at = body.index('class="stem cloze"')
    stem = body[start_at:body.index("</div>", start_at)]
    assert "The &lt;b&gt;bridge&lt;/b&gt; opened in" in stem  # the text is shown, escaped
    assert re.search(r'opened in <input class="gap" type="text" name="gap-1"[^>]*inputmode="decimal"', stem)
    assert re.search(r'over the <input class="gap" type="text" name="gap-2"', stem)
    assert re.search(r'colour is <select class="gap" name="gap-3"', stem)
    assert stem.count('type="radio" name="gap-4"') == 2 and stem.count('type="checkbox" name="gap-5"') == 3
    assert "{#" not in body and "{1:" not in body
    assert 'name="csrf_token"' in body


def test_submitting_grades_each_gap_and_shows_the_right_answers(app, client, learner):
    url = start(client, "/quizzes/cloze-quiz")
    (data, order), = layout(app, attempt_id_of(url))
    # gap 1 right (2 marks), gap 2 half, gap 3 wrong, gap 4 right, gap 5 left blank
    response = post_answer(client, url, {"gap-1": "1932,4", "gap-2": " alder  RIVER ", "gap-3": str(order[2].index(1)),
                                         "gap-4": str(order[3].index(0))})
    assert response.status_code == 302
    page = client.get(url)
    text = html.unescape(page.text)
    assert "Partly right: 58% of the mark" in text  # (2 + 0.5 + 0 + 1 + 0) / 6
    table = text[text.index('<table class="gaps">'):text.index("</table>")]
    rows = re.findall(r"<tr class=\"(\w+)\">(.*?)</tr>", table, re.S)
    assert [cls for cls, _ in rows] == ["right", "partial", "wrong", "right", "wrong"]
    assert "Named after a tree" not in rows[1][1]  # feedback of the answer given, not of another one
    assert "Partly right (50%)" in rows[1][1] and "Alder" in rows[1][1]
    assert "blue" in rows[2][1] and "That is the railing" in rows[2][1] and ">red<" in rows[2][1]
    assert "(left blank)" in rows[4][1] and "two; three" in rows[4][1]
    with app.app_context():
        answer = db.session.scalar(sa.select(Answer))
        assert answer.response == [1932.4, "alder  RIVER", 1, 0, None]
        assert answer.score == pytest.approx(3.5 / 6)


def test_an_empty_or_bad_form_asks_again(app, client, learner):
    url = start(client, "/quizzes/cloze-quiz")
    empty = post_answer(client, url, {"gap-2": "  "})
    assert empty.status_code == 422 and "Fill in at least one gap." in empty.text
    bad = post_answer(client, url, {"gap-1": "nineteen"})
    assert bad.status_code == 422 and "Gap 1: “nineteen” is not a number." in html.unescape(bad.text)
    tampered = post_answer(client, url, {"gap-3": "9"})
    assert tampered.status_code == 400 and "Gap 3: choose one of the offered answers" in tampered.text
    without_token = client.post(url, data={"gap-2": "Alder"})
    assert without_token.status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 0


def test_a_shuffled_gap_posts_shown_positions(app, client, make_user):
    cloze_quiz(app, "shuffled", "Pick {1:MCS:=a~b~c~d~e~f~g~h} now.", shuffle=True)
    log_in(client, app, make_user("sam"))
    url = start(client, "/quizzes/shuffled")
    (data, order), = layout(app, attempt_id_of(url))
    shown = order[0]
    page = client.get(url).text
    options = re.findall(r'<option value="(\d+)">(\w)</option>', page)
    assert [text for _, text in options] == [data["gaps"][0]["choices"][i]["text"] for i in shown]
    post_answer(client, url, {"gap-1": str(shown.index(0))})
    assert "Right!" in client.get(url).text


def test_the_review_after_finishing_shows_the_text_with_numbered_blanks(app, client, learner):
    url = start(client, "/quizzes/cloze-quiz")
    post_answer(client, url, {"gap-2": "Alder"})
    page = client.get(url)
    finished = client.post(f"/attempts/{attempt_id_of(url)}/finish", data={"csrf_token": csrf_token(page.text)})
    review = client.get(finished.location)
    assert review.status_code == 200
    assert "opened in [1: ____] over the [2: ____]" in review.text
    rows = re.findall(r"<tr class=\"(\w+)\">(.*?)</tr>", review.text, re.S)
    assert [cls for cls, _ in rows] == ["wrong", "right", "wrong", "wrong", "wrong"]
    assert "Named after a tree" in rows[1][1] and "1932 ± 1" in rows[0][1]


def test_a_missed_cloze_question_comes_back_on_the_review_page_with_its_gaps(app, client, auth):
    import datetime as dt

    import time_machine

    from quizapp.services import scheduling
    from tests.quiz.test_review import shown_question

    start_time = dt.datetime(2030, 1, 7, 9, 0, tzinfo=dt.UTC)
    cloze_quiz(app)
    with time_machine.travel(start_time, tick=False) as clock:
        auth.register()
        with app.app_context():
            learner = db.session.scalar(sa.select(User.id).filter_by(username="ann"))
        url = start(client, "/quizzes/cloze-quiz")
        post_answer(client, url, {"gap-2": "Elm"})
        clock.move_to(start_time + dt.timedelta(days=1))
        page = client.get("/review")
        assert page.status_code == 200 and 'class="stem cloze"' in page.text and 'name="gap-1"' in page.text
        question_id, reps = shown_question(page.text)
        with app.app_context():
            order = scheduling.shown_order(layout(app, attempt_id_of(url))[0][0], learner, question_id, reps)
        response = client.post("/review", data={
            "gap-1": "1932", "gap-2": "Alder", "gap-3": str(order[2].index(0)), "gap-4": str(order[3].index(0)),
            "gap-5": [str(order[4].index(0)), str(order[4].index(1))],
            "question": question_id, "reps": reps, "csrf_token": csrf_token(page.text)})
        assert response.status_code == 302
        feedback = client.get(response.location)
        assert "Right!" in feedback.text
        rows = re.findall(r"<tr class=\"(\w+)\">", feedback.text)
        assert rows == ["right"] * 5
