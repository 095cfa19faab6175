"""Images of imported questions on the learner's pages: shown, served to the right learner only,
feedback images not before the feedback, and the question's HTML sanitised."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from quizapp import formats
from quizapp.extensions import db
from quizapp.formats import ParseReport
from quizapp.models import Question, QuestionFile
from quizapp.services import authoring, bank, quizzes
from tests.conftest import count
from tests.media_helpers import file_element, multichoice, png, quiz
from tests.quiz.test_taking import start

RED, BLUE = png(rgb=(200, 0, 0)), png(3, 1, (0, 0, 200))
STEM = ('<p onclick="steal()">Which flag? <img src="@@PLUGINFILE@@/red%20flag.png" alt="a red flag" '
        'onerror="steal()"><script>steal()</script><img src="https://tracker.example/x.png" alt="remote"></p>')


@pytest.fixture
def image_quiz(app, make_user):
    """A published quiz of one imported Moodle question: an image in the stem, another in the
    right answer's feedback. Returns the quiz's path."""
    teacher = make_user("teacher", role="teacher")
    text = quiz(multichoice("flag", STEM, file_element("red flag.png", RED),
                            right_feedback='<p>Yes: <img src="@@PLUGINFILE@@/why.png" alt="why"></p>',
                            feedback_files=file_element("why.png", BLUE)))
    with app.app_context():
        report = ParseReport()
        questions = formats.parse(text, "xml", source="flags.xml", report=report)
        bank.import_questions(questions, teacher, "xml", parsed=report, source="flags.xml")
        question = db.session.scalar(sa.select(Question).filter_by(uid="flag"))
        authoring.publish_question(question.id, teacher)
        made = quizzes.save_quiz(teacher, quizzes.QuizSettings(title="Flags", shuffle_choices=False), [question.id], [])
        return f"/quizzes/{made.slug}"


def _image_urls(html: str) -> list[str]:
    return re.findall(r'<img src="([^"]+)"', html)


def test_the_learner_sees_the_question_image_through_the_attempt(client, auth, make_user, image_quiz):
    make_user("ann")
    auth.login("ann")
    location = start(client, image_quiz)
    page = client.get(location)
    assert page.status_code == 200
    (url,) = _image_urls(page.text)  # the remote image shows its alt text only
    assert url == f"{location}/files/red%20flag.png"
    assert "[remote]" in page.text
    image = client.get(url)
    assert image.status_code == 200 and image.data == RED
    assert image.headers["Content-Type"] == "image/png"
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    assert image.headers["Cache-Control"] == "private, max-age=3600"
    assert client.get(url, headers={"If-None-Match": image.headers["ETag"]}).status_code == 304


def test_the_question_html_is_sanitised(client, auth, make_user, image_quiz):
    make_user("ann")
    auth.login("ann")
    page = client.get(start(client, image_quiz)).text
    assert "steal()" not in page and "onclick" not in page and "onerror" not in page
    assert "<p>Which flag? " in page  # the allowed markup is kept


def test_a_feedback_image_is_served_only_once_the_feedback_is_due(client, auth, make_user, image_quiz):
    make_user("ann")
    auth.login("ann")
    location = start(client, image_quiz)
    page = client.get(location)
    feedback_url = f"{location}/files/why.png"
    assert client.get(feedback_url).status_code == 404  # it would tell the answer
    assert feedback_url not in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    client.post(location, data={"choice": "0", "csrf_token": token})  # "Red", the right answer
    page = client.get(location)
    assert feedback_url in _image_urls(page.text)
    image = client.get(feedback_url)
    assert image.status_code == 200 and image.data == BLUE


def test_nobody_else_gets_the_image(app, client, auth, make_user, image_quiz):
    make_user("ann")
    make_user("bob")
    auth.login("ann")
    location = start(client, image_quiz)
    url = f"{location}/files/red%20flag.png"
    assert client.get(f"{location}/files/nothing.png").status_code == 404
    assert client.get(f"{location}/files/..%2F..%2Fetc%2Fpasswd").status_code == 404
    auth.logout()
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.location
    auth.login("bob")  # another learner, who may take the quiz but not look into ann's attempt
    other = client.get(url)
    assert other.status_code == 404 and RED not in other.data


def test_an_image_is_stored_once_however_many_questions_show_it(app, make_user):
    text = quiz(multichoice("one", '<img src="@@PLUGINFILE@@/a.png">', file_element("a.png", RED)),
                multichoice("two", '<img src="@@PLUGINFILE@@/b.png">', file_element("b.png", RED)))
    with app.app_context():
        before = db.session.scalar(count(QuestionFile))
        report = ParseReport()
        bank.import_questions(formats.parse(text, "xml", source="same.xml", report=report), None, "xml",
                              parsed=report, source="same.xml")
        assert db.session.scalar(count(QuestionFile)) == before + 1


def test_the_teacher_preview_shows_the_images_and_another_teacher_gets_no_draft_image(app, client, auth, make_user):
    teacher = make_user("tess", "teacher", "teacher password")
    make_user("otto", "teacher", "teacher password")
    text = quiz(multichoice("draft-flag", STEM, file_element("red flag.png", RED)))
    with app.app_context():
        report = ParseReport()
        bank.import_questions(formats.parse(text, "xml", source="d.xml", report=report), teacher, "xml",
                              parsed=report, source="d.xml")
        question_id = db.session.scalar(sa.select(Question.id).filter_by(uid="draft-flag"))
    auth.login("tess", "teacher password")
    page = client.get(f"/teach/questions/{question_id}/preview")
    url = f"/teach/questions/{question_id}/files/red%20flag.png"
    assert _image_urls(page.text) == [url] and "steal()" not in page.text
    assert client.get(url).data == RED
    auth.logout()
    auth.login("otto", "teacher password")
    assert client.get(url).status_code == 404  # another teacher's draft


def test_review_page_images_follow_the_learners_cards(app, client, auth, make_user, image_quiz):
    make_user("ann")
    make_user("bob")
    with app.app_context():
        question_id = db.session.scalar(sa.select(Question.id).filter_by(uid="flag"))
    url = f"/review/questions/{question_id}/files/red%20flag.png"
    auth.login("ann")
    assert client.get(url).status_code == 404  # nothing to review yet
    location = start(client, image_quiz)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(location).text).group(1)
    client.post(location, data={"choice": "0", "csrf_token": token})  # a quiz answer makes a review card
    assert client.get(url).data == RED
    assert client.get(f"/review/questions/{question_id}/files/why.png").status_code == 404  # feedback only
    auth.logout()
    auth.login("bob")
    assert client.get(url).status_code == 404
