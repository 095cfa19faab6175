"""Issue 16: with deferred feedback, a learner who goes back to an answered question finds the form
filled in with their answer (to change it, as in Moodle), and a form sent incomplete comes back as sent."""

from __future__ import annotations

from html.parser import HTMLParser

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Quiz
from tests.conftest import csrf_token
from tests.quiz.test_cloze_taking import cloze_quiz
from tests.quiz.test_taking import WHOLE, answer_fields, attempt_id_of, layout, post_answer, start
from tests.security_world import log_in
from tests.test_security_leakage import CLOZE


class AnswerForm(HTMLParser):
    """What the answer form on a page would send as it stands: ticked boxes, picked options, typed text."""

    def __init__(self, page: str):
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self._inside = self._select = self._textarea = None
        self.feed(page)

    def _add(self, name, value):
        self.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._inside = attrs.get("id") == "answer-form"
        if not self._inside or attrs.get("name") == "csrf_token":
            return
        if tag == "input" and attrs.get("type") in ("radio", "checkbox"):
            if "checked" in attrs:
                self._add(attrs["name"], attrs["value"])
        elif tag == "input" and attrs.get("value"):
            self._add(attrs["name"], attrs["value"])
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self._add(self._select, attrs["value"])
        elif tag == "textarea":
            self._textarea = attrs["name"]

    def handle_data(self, data):
        if self._textarea and data.strip():
            self._add(self._textarea, data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def as_lists(fields: dict) -> dict[str, list[str]]:
    """Fields as a form sends them, each a list of values in the page's order."""
    return {name: sorted(value) if isinstance(value, list) else [value] for name, value in fields.items()}


def test_every_answered_question_shows_the_learners_answer_in_the_form(app, make_user):
    with app.app_context():
        db.session.execute(sa.update(Quiz).where(Quiz.slug == WHOLE.rsplit("/", 1)[1])
                           .values(feedback_timing="after_attempt"))
        db.session.commit()
    client = app.test_client()
    log_in(client, app, make_user("changer"))
    attempt_id = attempt_id_of(start(client, WHOLE))
    kinds = set()
    for position, (data, order) in enumerate(layout(app, attempt_id), 1):
        url = f"/attempts/{attempt_id}/q/{position}"
        first = client.get(url).text
        assert AnswerForm(first).fields == {}, f"question {position} starts blank"
        sent = answer_fields(data, order, right=position % 2 == 0)
        assert post_answer(client, url, sent).status_code == 302
        page = client.get(url).text
        assert "Change my answer" in page
        assert AnswerForm(page).fields == as_lists(sent), f"question {position} ({data['type']})"
        kinds.add(data["type"])
    assert {"multiple_choice", "multiple_response", "true_false", "short_answer", "matching", "ordering"} <= kinds


def test_a_cloze_answer_comes_back_in_its_gaps(app, make_user):
    cloze_quiz(app, "change-cloze", CLOZE, shuffle=True)
    with app.app_context():
        db.session.execute(sa.update(Quiz).where(Quiz.slug == "change-cloze").values(feedback_timing="after_attempt"))
        db.session.commit()
    client = app.test_client()
    log_in(client, app, make_user("gapper"))
    url = start(client, "/quizzes/change-cloze")
    sent = {"gap-1": "1932.5", "gap-2": "Alder river", "gap-3": "2", "gap-5": ["0", "2"]}  # gap 4 left blank
    assert post_answer(client, url, sent).status_code == 302
    assert AnswerForm(client.get(url).text).fields == as_lists(sent)


def test_an_incomplete_form_comes_back_as_it_was_sent(app, client, auth):
    auth.register()
    attempt_id = attempt_id_of(start(client))
    for position, (data, order) in enumerate(layout(app, attempt_id), 1):
        if data["type"] == "ordering":
            break
    else:
        raise AssertionError("the quiz has no ordering question")
    url = f"/attempts/{attempt_id}/q/{position}"
    sent = {f"position-{shown}": "1" for shown in range(len(order))}  # every item first: not an order
    page = client.post(url, data={**sent, "csrf_token": csrf_token(client.get(url).text)})
    assert page.status_code == 422 and "Give every item a different position." in page.text
    assert AnswerForm(page.text).fields == as_lists(sent)
    assert "Change my answer" not in page.text
