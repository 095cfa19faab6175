"""The Review page through the real forms, with the clock frozen and advanced (time-machine)."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import fsrs
import pytest
import sqlalchemy as sa
import time_machine

from quizapp.extensions import db
from quizapp.models import Attempt, Question, QuestionView, ReviewCard, ReviewLog, User
from quizapp.models._common import utcnow
from quizapp.services import scheduling
from tests.conftest import csrf_token
from tests.quiz.test_taking import answer_fields, attempt_id_of, layout, post_answer, start

T0 = dt.datetime(2030, 1, 7, 9, 0, tzinfo=dt.UTC)
MINUTE, DAY = dt.timedelta(minutes=1), dt.timedelta(days=1)
SVG = "{http://www.w3.org/2000/svg}"
MISTAKES = (2, 5, 11, 20)  # positions answered wrong in the whole-article quiz


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def user_id(app, name="ann") -> int:
    with app.app_context():
        return db.session.scalar(sa.select(User.id).filter_by(username=name))


def read_slowly(app, seconds: int = 60) -> None:
    """The learner reads the question on screen for ``seconds`` (the clock is frozen).

    Answer times are measured by the server from when it served the page, so
    the page's first showing is moved back instead of the clock.
    """
    with app.app_context():
        for view in db.session.scalars(sa.select(QuestionView)):
            view.shown_at -= dt.timedelta(seconds=seconds)
        db.session.commit()


def post_slowly(app, client, url, fields):
    """GET the question page, read it for a minute, post the answer (a 'Good', not an 'Easy', right answer)."""
    page = client.get(url)
    read_slowly(app)
    return client.post(url, data={**fields, "csrf_token": csrf_token(page.text)})


def take_whole_quiz_with_mistakes(app, client, mistakes=MISTAKES) -> set[int]:
    """Answer the seed quiz, wrong at ``mistakes``; returns the missed question ids."""
    url = start(client)
    attempt_id = attempt_id_of(url)
    questions = layout(app, attempt_id)
    for position, (data, order) in enumerate(questions, 1):
        post_slowly(app, client, f"/attempts/{attempt_id}/q/{position}", answer_fields(data, order, right=position not in mistakes))
    page = client.get(f"/attempts/{attempt_id}/q/1")
    client.post(f"/attempts/{attempt_id}/finish", data={"csrf_token": csrf_token(page.text)})
    with app.app_context():
        entries = db.session.get(Attempt, attempt_id).layout
    return {entries[p - 1]["question"] for p in mistakes}


def shown_question(html: str) -> tuple[int, int]:
    question = re.search(r'name="question" value="(\d+)"', html)
    reps = re.search(r'name="reps" value="(\d+)"', html)
    assert question and reps, html[:2000]
    return int(question.group(1)), int(reps.group(1))


def answer_review(app, client, right: bool):
    """Answer whatever the Review page asks; returns (question id, feedback page)."""
    page = client.get("/review")
    assert page.status_code == 200
    question_id, reps = shown_question(page.text)
    with app.app_context():
        data = db.session.get(Question, question_id).data
        order = scheduling.shown_order(data, user_id(app), question_id, reps)
    fields = {**answer_fields(data, order, right=right), "question": question_id, "reps": reps,
              "csrf_token": csrf_token(page.text)}
    read_slowly(app)
    response = client.post("/review", data=fields)
    assert response.status_code == 302 and "/review/answers/" in response.location
    return question_id, client.get(response.location)


def db_review_ids(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(sa.select(ReviewLog.question_id).filter_by(source="review")))


def figure(html: str, chart_id: str) -> ET.Element:
    match = re.search(rf'<figure class="chart[^"]*" id="{chart_id}">.*?</figure>', html, re.S)
    assert match, f"no {chart_id} on the page"
    return ET.fromstring(match.group(0))


def table(fig: ET.Element) -> dict[str, str]:
    return {
        "".join(row[0].itertext()): "".join(row[-1].itertext())
        for row in fig.find("details/table/tbody")
    }


def test_done_when_missed_questions_come_back_on_fsrs_schedule(app, client, auth, clock):
    auth.register()
    missed = take_whole_quiz_with_mistakes(app, client)
    learner = user_id(app)
    with app.app_context():
        cards = db.session.scalars(sa.select(ReviewCard).filter_by(user_id=learner)).all()
        assert len(cards) == 36  # every answer in the quiz is a review
        for card in cards:
            rating = scheduling.Rating.Again if card.question_id in missed else scheduling.Rating.Good
            want, _ = scheduling.SCHEDULER.review_card(fsrs.Card(card_id=1), rating, T0)
            assert card.due == want.due.replace(tzinfo=None), card.question_id

    # right after the quiz nothing is due yet; the home page says so
    assert "Nothing is due for review" in client.get("/").text
    assert "Nothing to review right now" in client.get("/review").text

    clock.move_to(T0 + 10 * MINUTE)  # the learning step of FSRS
    home = client.get("/")
    assert f"{len(missed)} questions are due for review" in home.text
    assert 'href="/review"' in home.text

    clock.move_to(T0 + DAY)  # the next day: still exactly the missed ones
    with app.app_context():
        assert {c.question_id for c in scheduling.due_cards(learner, utcnow())} == missed
    before = client.get("/progress").text
    reviews_before = table(figure(before, "chart-reviews"))
    mastery_before = table(figure(before, "chart-mastery"))
    assert reviews_before[f"{T0:%b %d}"] == "36" and reviews_before[f"{T0 + DAY:%b %d}"] == "0"

    first, feedback = answer_review(app, client, right=False)
    assert first in missed
    assert "Not quite" in feedback.text and "The right answer" in feedback.text
    assert "(Newsweek, 22 December 2022)" in feedback.text and "<mark>" in feedback.text
    assert "comes back later in today" in feedback.text
    served = [first]
    for _ in range(len(missed) - 1):
        question_id, feedback = answer_review(app, client, right=True)
        assert "Right!" in feedback.text and "Next review: " in feedback.text
        served.append(question_id)
    assert set(served) == missed and len(served) == len(missed)

    again, feedback = answer_review(app, client, right=True)  # the "again" one, re-queued at the end
    assert again == first and "Right!" in feedback.text
    done = client.get("/review")
    assert "Today's review is done" in done.text and 'name="question"' not in done.text

    after = client.get("/progress").text
    assert table(figure(after, "chart-reviews"))[f"{T0 + DAY:%b %d}"] == str(len(missed) + 1)
    mastery_after = table(figure(after, "chart-mastery"))
    gained = [k for k in mastery_after if int(mastery_after[k].rstrip("%")) > int(mastery_before[k].rstrip("%"))]
    assert gained, (mastery_before, mastery_after)
    scores = figure(after, "chart-scores")
    assert len(scores.findall(f".//{SVG}circle[@class='point']")) == 1
    assert "The whole article" in "".join(scores.find("details/table").itertext())

    # reviewed right, the missed questions leave the queue until FSRS brings them back
    with app.app_context():
        assert scheduling.due_count(learner, utcnow()) == 0
        logs = db.session.scalars(sa.select(ReviewLog).filter_by(user_id=learner, source="review")).all()
        assert len(logs) == len(missed) + 1


def test_review_choices_are_positions_and_stable_on_reload(app, client, auth, clock):
    auth.register()
    take_whole_quiz_with_mistakes(app, client, mistakes=range(1, 37))
    clock.move_to(T0 + DAY)
    seen_types = set()
    for _ in range(12):
        first = client.get("/review").text
        again = client.get("/review").text
        strip = lambda html: re.sub(r'name="(csrf_token|shown_at)" value="[^"]*"', "", html)  # noqa: E731
        assert strip(first) == strip(again)
        for word in ("weight", "correct", "Right!", "feedback", "data-"):
            assert word not in first
        question_id, _reps = shown_question(first)
        with app.app_context():
            data = db.session.get(Question, question_id).data
        seen_types.add(data["type"])
        if data["type"] in ("multiple_choice", "multiple_response"):
            values = re.findall(r'name="choice" value="(\d+)"', first)
            assert values == [str(n) for n in range(len(data["choices"]))]
        answer_review(app, client, right=True)
    assert "multiple_choice" in seen_types


def test_review_page_session_size_and_messages(app, client, auth, clock):
    app.config["REVIEW_SESSION_SIZE"] = 2
    auth.register()
    missed = take_whole_quiz_with_mistakes(app, client, mistakes=(1, 2, 3))
    clock.move_to(T0 + DAY)
    page = client.get("/review")
    assert "Today: 0 of up to 2 questions reviewed" in page.text and "2 to go" in page.text
    answer_review(app, client, right=True)
    answer_review(app, client, right=True)
    done = client.get("/review")
    assert "Today's review is done" in done.text
    assert "1 more is due; it will be waiting for you tomorrow" in done.text
    clock.move_to(T0 + 2 * DAY + MINUTE)  # a new day, a new session: the third missed one comes first
    page = client.get("/review")
    assert "Today: 0 of up to 2 questions reviewed" in page.text
    question_id, _ = shown_question(page.text)
    reviewed = set(db_review_ids(app))
    assert question_id in missed - reviewed


def test_missing_answer_stale_post_and_foreign_feedback(app, client, auth, clock):
    auth.register()
    take_whole_quiz_with_mistakes(app, client, mistakes=(1, 2))
    clock.move_to(T0 + DAY)
    page = client.get("/review")
    question_id, reps = shown_question(page.text)
    token = csrf_token(page.text)
    empty = client.post("/review", data={"question": question_id, "reps": reps, "csrf_token": token})
    assert empty.status_code == 422 and 'role="alert"' in empty.text
    assert client.post("/review", data={"question": question_id, "reps": reps}).status_code == 400  # no CSRF

    _, feedback = answer_review(app, client, right=True)
    stale = client.post("/review", data={"question": question_id, "reps": reps, "csrf_token": token, "choice": "0", "answer": "x"})
    assert stale.status_code == 302
    assert "already answered" in client.get(stale.location).text
    with app.app_context():
        log_id = db.session.scalar(sa.select(sa.func.max(ReviewLog.id)))
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewLog).filter_by(source="review")) == 1

    client.post("/auth/logout", data={"csrf_token": csrf_token(client.get("/").text)})
    auth.register(username="bob")
    assert client.get(f"/review/answers/{log_id}").status_code == 404


def test_visitor_is_sent_to_log_in_and_nav_links_review(client, auth):
    response = client.get("/review")
    assert response.status_code == 302 and "/auth/login" in response.location
    assert client.post("/review", data={}).status_code in (302, 400)
    assert 'href="/review"' not in client.get("/").text
    auth.register()
    home = client.get("/")
    assert 'href="/review">Review</a>' in home.text
    progress = client.get("/progress")
    assert "Mastery" in progress.text
    assert "No data yet" in figure(progress.text, "chart-reviews").find(f"{SVG}svg/{SVG}text[@class='no-data']").text
    assert figure(progress.text, "chart-scores").get("class") == "chart chart-empty"
