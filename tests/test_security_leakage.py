"""No answer leakage: before a learner answers, nothing they can fetch tells them the answer.

Every question of the seed bank (every type it has) is opened in an attempt
and its page parsed: no weights, no correct flags, no feedback, no accepted
answers, no source sentence, and choice values that are the shown
positions. Then every page and download a learner can GET (from the URL
map, JSON included) is searched for the unanswered questions' secrets.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from markupsafe import escape

from quizapp.extensions import db
from quizapp.models import Attempt, Quiz
from tests.security_world import log_in
from tests.quiz.test_taking import layout

WHOLE = "belarus-trainers"
#: attribute or key names that would carry correctness
TELLING = re.compile(r"weight|correct|fraction|accepted|feedback|score|right|answer_key|solution", re.I)


class Controls(HTMLParser):
    """The form controls and data-* attributes of a page."""

    def __init__(self):
        super().__init__()
        self.inputs: list[dict] = []
        self.options: list[dict] = []
        self.data_attributes: list[tuple[str, str]] = []
        self.classes: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "select", "textarea"):
            self.inputs.append({"tag": tag, **attrs})
        if tag == "option":
            self.options.append(attrs)
        self.data_attributes += [(k, v or "") for k, v in attrs.items() if k.startswith("data-")]
        self.classes += (attrs.get("class") or "").split()


def secrets_of(data: dict) -> list[str]:
    """Texts that give the answer away, if shown before answering."""
    found = [data.get("general_feedback"), data.get("feedback_true"), data.get("feedback_false"),
             (data.get("source") or {}).get("sentence")]
    for key in ("choices", "accepted", "numeric"):
        found += [item.get("feedback") for item in data.get(key) or []]
    if data["type"] == "short_answer":
        found += [item["text"] for item in data["accepted"]]
    for gap in data.get("gaps") or []:  # a cloze question: each gap's answers and feedback
        for key in ("choices", "accepted", "numeric"):
            found += [item.get("feedback") for item in gap.get(key) or []]
        found += [item["text"] for item in gap.get("accepted") or []]
        found += [f"{item['value']:g}" for item in gap.get("numeric") or [] if item.get("value") is not None]
    return [s.strip() for s in found if isinstance(s, str) and len(s.strip()) >= 4]


def shown_text(data: dict) -> str:
    """What the question itself shows (a secret inside it is not a leak)."""
    parts = [data.get("stem") or "", data.get("title") or ""]
    parts += [c["text"] for c in data.get("choices") or []]
    parts += list(data.get("items") or [])
    parts += [p.get("prompt") or "" for p in data.get("pairs") or []] + [p["match"] for p in data.get("pairs") or []]
    parts += [c["text"] for gap in data.get("gaps") or [] for c in gap.get("choices") or []]
    return " ".join(parts).casefold()


@pytest.fixture
def open_attempt(app, make_user):
    from quizapp.services import attempts

    learner = make_user("curious")
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz).filter_by(slug=WHOLE))
        attempt_id = attempts.start_attempt(quiz, learner).id
    client = app.test_client()
    log_in(client, app, learner)
    return learner, attempt_id, layout(app, attempt_id), client


def test_the_seed_bank_has_every_type_the_check_covers(open_attempt):
    types = {data["type"] for data, _ in open_attempt[2]}
    assert {"multiple_choice", "multiple_response", "true_false", "short_answer", "matching", "ordering"} <= types


def test_question_pages_carry_no_correctness_before_the_answer(open_attempt):
    _, attempt_id, slots, client = open_attempt
    for position, (data, order) in enumerate(slots, 1):
        response = client.get(f"/attempts/{attempt_id}/q/{position}")
        assert response.status_code == 200
        check_unanswered_page(response.text, data, order, f"question {position} ({data['type']})")


def check_unanswered_page(page: str, data: dict, order: list, where: str) -> None:
    """A question page before the answer: no secret, no telling attribute, values that are shown positions."""
    text = html.unescape(page)
    shown = shown_text(data)
    for secret in secrets_of(data):
        if secret.casefold() not in shown:
            assert secret not in text, f"{where}: shows {secret!r} before the answer"
    controls = Controls()
    controls.feed(page)
    for name, value in controls.data_attributes:
        assert not TELLING.search(name) and not TELLING.search(value), f"{where}: {name}={value!r}"
    for control in controls.inputs + controls.options:
        for attribute, value in control.items():
            assert not (attribute not in ("name", "type", "id", "class", "for", "aria-describedby")
                        and TELLING.search(f"{attribute}={value}")), f"{where}: {control}"
    assert not [c for c in controls.classes if TELLING.search(c) and c not in ("feedback",)], where
    choice_values = [c["value"] for c in controls.inputs if c.get("name") == "choice"]
    if data["type"] in ("multiple_choice", "multiple_response"):
        # values are shown positions 0..n-1, never canonical indexes (which would reveal the order in the bank)
        assert choice_values == [str(n) for n in range(len(data["choices"]))], f"{where}: {choice_values}"
        shown_labels = [html.unescape(m) for m in re.findall(r'name="choice" value="\d+"[^>]*>\s*<span[^>]*>([^<]*)<', page)]
        if shown_labels:
            assert shown_labels == [data["choices"][i]["text"] for i in order], where
    if data["type"] == "ordering":
        assert order != sorted(order), f"{where}: items shown in the correct order"
    choices = [*(data.get("choices") or []), *(c for gap in data.get("gaps") or [] for c in gap.get("choices") or [])]
    for weight in {c.get("weight") for c in choices} - {None, 0, 1, 0.0, 1.0}:
        assert f"{weight}" not in re.sub(r"<[^>]+>", " ", page).split(), f"{where}: weight {weight} shown"


def _learner_get_urls(app, attempt_id: int, slug: str = WHOLE) -> list[str]:
    values = {"attempt_id": attempt_id, "position": 1, "slug": slug}
    urls = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint.startswith(("teach.", "static")):
                continue
            if rule.endpoint == "api.openapi":
                continue  # the API's description: field names, no learner's data
            if not set(rule.arguments) <= set(values):
                continue  # needs an object a learner gets only after answering (a review answer)
            urls.append(url_for(rule.endpoint, **{a: values[a] for a in rule.arguments}))
    urls += ["/progress/export?format=json", "/progress/export?format=json&kind=gradebook",
             "/progress/export?format=csv", "/progress/export?kind=responses&format=json"]
    return urls


def test_nothing_a_learner_can_fetch_gives_unanswered_questions_away(app, open_attempt):
    """Every learner GET route (HTML, JSON, downloads), mid-attempt with question 1 answered."""
    learner, attempt_id, slots, client = open_attempt
    from tests.quiz.test_taking import answer_fields, post_answer

    post_answer(client, f"/attempts/{attempt_id}/q/1", answer_fields(*slots[0]))
    # a text every learner sees anyway (a choice of some question) is no secret
    visible = " ".join(shown_text(data) for data, _ in slots)
    secrets = {s for data, _ in slots[1:] for s in secrets_of(data) if len(s) >= 20 and s.casefold() not in visible}
    assert secrets
    with app.app_context():  # the JSON API as the learner's own script sees it (a cookie alone is a 401)
        from quizapp.services import api_tokens

        bearer = {"Authorization": "Bearer " + api_tokens.create_token(learner, "script", "read", 7)[1]}
    fetched = 0
    for url in _learner_get_urls(app, attempt_id):
        response = client.get(url, follow_redirects=True, headers=bearer if url.startswith("/api/") else {})
        assert response.status_code != 401, f"{url}: the token was refused"
        body = response.get_data(as_text=True)
        if response.mimetype == "application/json" or url.endswith("json"):
            lines = [json.loads(line) for line in body.splitlines() if line.strip().startswith(("{", "["))]
            for line in lines:
                _check_json(line, url)
        text = html.unescape(body)
        for secret in secrets:
            assert secret not in text, f"{url} shows {secret!r} for an unanswered question"
        fetched += 1
    assert fetched >= 6


def _check_json(value, url: str, path: str = "") -> None:
    """JSON a learner gets names no correctness fields of questions not answered."""
    if isinstance(value, dict):
        if value.get("answered") is True:  # the API's attempt: an answered question's feedback (when due)
            value = {key: item for key, item in value.items() if key != "feedback"}
        for key, item in value.items():
            assert key not in ("weight", "weights", "accepted", "correct_answer", "feedback_true", "feedback_false"), \
                f"{url}: {path}.{key}"
            _check_json(item, url, f"{path}.{key}")
    elif isinstance(value, list):
        for n, item in enumerate(value):
            _check_json(item, url, f"{path}[{n}]")


# --- cloze: the answers are in the gaps, never in the page ------------------------------

CLOZE = ("The Harbour bridge opened in {2:NUMERICAL:=1932.5:0.5#The plaque says so~*#Look at the plaque again} "
         "over the {1:SHORTANSWER:=Alderwater#Named after the alder trees~%50%Alder river#Almost there}, "
         "painted {1:MULTICHOICE_S:=crimson red#Matches the flag~%-50%navy blue#That is the railing~forest green}, "
         "{1:MULTICHOICE_H:=both banks~one bank} and {1:MULTIRESPONSE:=north pier~=south pier~east pier#No pier there}.")


def test_a_cloze_question_page_gives_no_gap_away(app, make_user):
    from tests.quiz.test_cloze_taking import cloze_quiz
    from tests.quiz.test_taking import start

    cloze_quiz(app, "leaky-cloze", CLOZE, shuffle=True)
    client = app.test_client()
    log_in(client, app, make_user("nosy"))
    url = start(client, "/quizzes/leaky-cloze")
    attempt_id = int(re.search(r"/attempts/(\d+)/", url).group(1))
    ((data, order),) = layout(app, attempt_id)
    assert {"Alderwater", "1932.5", "Matches the flag", "No pier there"} <= set(secrets_of(data))
    page = client.get(url).text
    check_unanswered_page(page, data, order, "cloze")
    controls = Controls()
    controls.feed(page)
    for number, gap in enumerate(data["gaps"], start=1):
        values = [c.get("value") for c in controls.inputs if c.get("name") == f"gap-{number}"]
        select = re.search(rf'<select class="gap" name="gap-{number}".*?</select>', page, re.S)
        if select:
            values = re.findall(r'<option value="(\d+)">', select.group(0))
        if "choices" in gap:  # shown positions 0..n-1, never canonical indexes
            assert values == [str(n) for n in range(len(gap["choices"]))], (number, values)
        else:
            assert values == [None], (number, values)  # a typed gap starts empty
    secrets = [s for s in secrets_of(data) if s.casefold() not in shown_text(data)]
    for url in _learner_get_urls(app, attempt_id, "leaky-cloze"):
        body = html.unescape(client.get(url, follow_redirects=True).get_data(as_text=True))
        for secret in secrets:
            assert secret not in body, f"{url} shows {secret!r} before the answer"


# --- issue 16: deferred feedback, answers that can still change, the grid and the summary ----

def test_with_deferred_feedback_answered_pages_and_the_summary_give_nothing_away(app, make_user):
    """Every question answered (half of them wrong) in an attempt that shows answers after it:
    each question page (its answer still open to change), the grid and the summary stay as
    silent as before the first answer."""
    from quizapp.services import attempts
    from tests.quiz.test_taking import answer_fields, post_answer

    learner = make_user("patient")
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz).filter_by(slug=WHOLE))
        quiz.feedback_timing = "after_attempt"
        db.session.commit()
        attempt_id = attempts.start_attempt(quiz, learner).id
    client = app.test_client()
    log_in(client, app, learner)
    slots = layout(app, attempt_id)
    verdicts = ("Right!", "Not quite", "Partly right", "The right answer", '<figure class="source">')
    for position, (data, order) in enumerate(slots, 1):
        url = f"/attempts/{attempt_id}/q/{position}"
        sent = answer_fields(data, order, right=position % 2 == 0)
        assert post_answer(client, url, sent).status_code == 302
        page = client.get(url).text
        assert "Change my answer" in page, position
        # what the learner typed is theirs to see again, above the form and in it (to change it):
        # the rest of the page is checked as unanswered
        own = re.search(r'<section class="feedback recorded".*?</section>', page, re.S).group(0)
        assert "Your answer" in own and "You can change it" in own
        rest = page.replace(own, "")
        if data["type"] == "short_answer":
            typed = f' value="{escape(sent["answer"])}"'
            assert typed in rest, position
            rest = rest.replace(typed, "")
        check_unanswered_page(rest, data, order, f"answered question {position} ({data['type']})")
        assert not [v for v in verdicts if v in page], position
    summary = client.get(f"/attempts/{attempt_id}/summary").text
    text = html.unescape(summary)
    assert not [v for v in verdicts if v in summary]
    for data, _ in slots:
        for secret in secrets_of(data):
            assert secret.casefold() in shown_text(data) or secret not in text, secret
    controls = Controls()
    controls.feed(summary)
    assert not [c for c in controls.classes if TELLING.search(c)]
    assert not [(k, v) for k, v in controls.data_attributes if TELLING.search(k) or TELLING.search(v)]


# --- study modes: flashcards and practice tell nothing a quiz still hides (issue 16, point 3) ----

def test_flashcards_and_practice_wait_for_the_quizs_feedback(app, make_user):
    """A quiz that shows its answers after it closes: finished and wrong, the learner gets no card
    (so no back to reveal) and no mistake to practise until then; a forged reveal shows nothing."""
    import datetime as dt

    from quizapp.services import attempts
    from tests.conftest import csrf_token
    from tests.quiz.test_taking import answer_fields, post_answer

    learner = make_user("early")
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz).filter_by(slug=WHOLE))
        quiz.feedback_timing = "after_close"
        quiz.closes_at = dt.datetime(2099, 1, 1)
        db.session.commit()
        attempt_id = attempts.start_attempt(quiz, learner).id
    client = app.test_client()
    log_in(client, app, learner)
    slots = layout(app, attempt_id)
    for position, (data, order) in enumerate(slots[:4], 1):
        post_answer(client, f"/attempts/{attempt_id}/q/{position}", answer_fields(data, order, right=False))
    page = client.get(f"/attempts/{attempt_id}/q/1").text
    client.post(f"/attempts/{attempt_id}/finish", data={"csrf_token": csrf_token(page)})
    secrets = {s for data, _ in slots[:4] for s in secrets_of(data) if s.casefold() not in shown_text(data)}
    assert secrets

    flashcards = client.get("/flashcards").text
    assert "No flashcards yet" in flashcards
    practice = client.get("/practice/mistakes").text
    assert "no mistakes to practise yet" in practice
    retake = client.get(f"/attempts/{attempt_id}/retake", follow_redirects=True).text
    assert "not shown yet" in retake
    with app.app_context():
        question_ids = [entry["question"] for entry in db.session.get(Attempt, attempt_id).layout[:4]]
    pages = [flashcards, practice, retake, client.get("/practice/mistakes/1", follow_redirects=True).text,
             client.get(f"/attempts/{attempt_id}/retake/1", follow_redirects=True).text]
    for question_id in question_ids:
        pages.append(client.post("/flashcards/reveal", data={"question": question_id, "reps": 0,
                                                            "csrf_token": csrf_token(flashcards)},
                                 follow_redirects=True).text)
    for body in pages:
        text = html.unescape(body)
        for secret in secrets:
            assert secret not in text, f"a study page shows {secret!r} before the quiz's feedback"
