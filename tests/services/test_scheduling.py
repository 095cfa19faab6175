"""Scheduling through time on FSRS, due queues, daily sessions and mastery, with an explicit clock."""

from __future__ import annotations

import datetime as dt

import fsrs
import pytest
import sqlalchemy as sa

from quizapp.app import create_app
from quizapp.extensions import db
from quizapp.models import Question, ReviewCard, ReviewLog, User
from quizapp.services import mastery, scheduling
from quizapp.services.scheduling import Rating
from tests.conftest import make_config

T0 = dt.datetime(2030, 1, 7, 9, 0)  # naive UTC, as stored
MINUTE, DAY = dt.timedelta(minutes=1), dt.timedelta(days=1)


# --- the rating ---------------------------------------------------------------

@pytest.mark.parametrize(
    ("qtype", "score", "ms", "rating"),
    [
        ("multiple_choice", 0.0, 1000, Rating.Again),
        ("multiple_choice", -0.5, 1000, Rating.Again),
        ("matching", 0.49, 1000, Rating.Again),
        ("matching", 0.5, 1000, Rating.Hard),
        ("multiple_response", 0.75, 1000, Rating.Hard),
        ("multiple_choice", 1.0, 15_000, Rating.Easy),  # at the threshold: still fast
        ("multiple_choice", 1.0, 15_001, Rating.Good),
        ("true_false", 1.0, 8_000, Rating.Easy),
        ("true_false", 1.0, 9_000, Rating.Good),
        ("ordering", 1.0, 39_000, Rating.Easy),
        ("short_answer", 1.0, None, Rating.Good),  # time unknown: not called easy
        ("essay", None, 1000, None),
        ("essay", 1.0, 1000, None),
        ("description", None, None, None),
        ("multiple_choice", None, 1000, None),
    ],
)
def test_rating_from_score_and_time(qtype, score, ms, rating):
    assert scheduling.rating_for(qtype, score, ms) == rating


def test_scheduler_is_the_fsrs_package_without_fuzz():
    assert isinstance(scheduling.SCHEDULER, fsrs.Scheduler)
    assert scheduling.SCHEDULER.enable_fuzzing is False
    assert scheduling.SCHEDULER.learning_steps == (dt.timedelta(minutes=10),)


# --- helpers --------------------------------------------------------------------

@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


@pytest.fixture
def learner(ctx, make_user):
    return make_user("lena")


def questions(kind=None, qtype=None) -> list[Question]:
    query = sa.select(Question).order_by(Question.id)
    if kind:
        query = query.where(Question.fact_kind == kind)
    if qtype:
        query = query.where(Question.type == qtype)
    return list(db.session.scalars(query))


def answer(user_id, question, score, at, ms=60_000, source="quiz"):
    log = scheduling.review_answer(user_id, question.id, score, ms, at, source=source)
    db.session.commit()
    return log


def expected(ratings_at: list[tuple[Rating, dt.datetime]]) -> fsrs.Card:
    """The card the fsrs package itself gives for the same reviews."""
    card = fsrs.Card(card_id=1)
    for rating, at in ratings_at:
        card, _ = scheduling.SCHEDULER.review_card(card, rating, at.replace(tzinfo=dt.UTC))
    return card


# --- cards through time ------------------------------------------------------------

def test_cards_follow_fsrs_through_time(learner):
    right, wrong = questions("quote")[:2]
    answer(learner, right, 1.0, T0)  # slow: Good
    answer(learner, wrong, 0.0, T0)  # Again
    cards = {c.question_id: c for c in db.session.scalars(sa.select(ReviewCard))}

    good = expected([(Rating.Good, T0)])
    assert cards[right.id].due == good.due.replace(tzinfo=None)
    assert cards[right.id].state == int(fsrs.State.Review)
    assert cards[right.id].due - T0 == 2 * DAY  # FSRS's first Good interval
    assert cards[wrong.id].due == T0 + 10 * MINUTE  # the learning step
    assert cards[wrong.id].state == int(fsrs.State.Learning)
    assert (cards[right.id].reps, cards[wrong.id].reps) == (1, 1)

    assert scheduling.due_count(learner, T0) == 0
    assert [c.question_id for c in scheduling.due_cards(learner, T0 + 10 * MINUTE)] == [wrong.id]
    assert scheduling.due_count(learner, T0 + DAY) == 1
    assert {c.question_id for c in scheduling.due_cards(learner, T0 + 2 * DAY)} == {right.id, wrong.id}

    # reviewing the missed one right graduates it, exactly as fsrs says
    answer(learner, wrong, 1.0, T0 + 15 * MINUTE, source="review")
    card = db.session.scalar(sa.select(ReviewCard).filter_by(question_id=wrong.id).execution_options(populate_existing=True))
    want = expected([(Rating.Again, T0), (Rating.Good, T0 + 15 * MINUTE)])
    assert (card.state, card.due, card.stability) == (int(want.state), want.due.replace(tzinfo=None), want.stability)
    assert card.reps == 2 and card.lapses == 0

    # forgotten after being learned: a lapse, then relearning
    later = card.due + DAY
    answer(learner, wrong, 0.0, later)
    db.session.refresh(card)
    assert card.lapses == 1 and card.state == int(fsrs.State.Relearning) and card.due == later + 10 * MINUTE
    logs = db.session.scalars(sa.select(ReviewLog).filter_by(question_id=wrong.id).order_by(ReviewLog.id)).all()
    assert [(log.source, log.rating) for log in logs] == [("quiz", 1), ("review", 3), ("quiz", 1)]
    assert logs[-1].due_after == card.due


def test_unscheduled_answers_make_no_card(learner):
    question = questions("quote")[0]
    assert scheduling.review_answer(learner, question.id, None, 1000, T0) is None  # waits for a teacher
    assert scheduling.review_answer(learner, question.id, 1.0, 1000, T0, question_type="essay") is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewCard)) == 0


def test_due_queue_is_ordered_and_skips_retired_questions(learner):
    first, second, third = questions("date")[:3]
    answer(learner, second, 0.0, T0)
    answer(learner, first, 0.0, T0 + MINUTE)
    answer(learner, third, 0.0, T0 + 2 * MINUTE)
    now = T0 + DAY
    assert [c.question_id for c in scheduling.due_cards(learner, now)] == [second.id, first.id, third.id]
    assert [c.question_id for c in scheduling.due_cards(learner, now, limit=2)] == [second.id, first.id]
    third.status = "retired"
    db.session.commit()
    assert scheduling.due_count(learner, now) == 2
    assert scheduling.next_due(learner, T0) == T0 + 10 * MINUTE


def test_cards_are_per_learner(learner, make_user):
    other = make_user("otto")
    question = questions("place")[0]
    answer(learner, question, 0.0, T0)
    assert scheduling.due_count(other, T0 + DAY) == 0
    assert scheduling.due_count(learner, T0 + DAY) == 1


# --- the daily session ------------------------------------------------------------------

def test_daily_session_caps_new_questions_and_requeues_again(learner):
    missed = questions("organization")[:5]
    for q in missed:
        answer(learner, q, 0.0, T0)
    now = T0 + DAY
    session = scheduling.review_session(learner, now, size=3)
    assert [c.question_id for c in session.queue] == [q.id for q in missed[:3]]
    assert (session.done, session.later, session.due_total) == (0, 2, 5)

    # the first is answered wrong: it goes to the end of the session
    answer(learner, missed[0], 0.0, now, source="review")
    session = scheduling.review_session(learner, now + MINUTE, size=3)
    assert [c.question_id for c in session.queue] == [missed[1].id, missed[2].id, missed[0].id]
    assert (session.done, session.requeued) == (1, 1)

    answer(learner, missed[1], 1.0, now + 2 * MINUTE, source="review")
    answer(learner, missed[2], 1.0, now + 3 * MINUTE, source="review")
    session = scheduling.review_session(learner, now + 4 * MINUTE, size=3)
    # three different questions reviewed today: the two others wait; the "again" one is still asked
    assert [c.question_id for c in session.queue] == [missed[0].id]
    answer(learner, missed[0], 1.0, now + 5 * MINUTE, source="review")
    session = scheduling.review_session(learner, now + 6 * MINUTE, size=3)
    assert session.queue == [] and session.done == 3 and session.later == 2

    # the next day is a new session
    session = scheduling.review_session(learner, now + DAY, size=3)
    assert {c.question_id for c in session.queue} == {missed[3].id, missed[4].id}


def test_session_lives_in_the_database_not_the_process(learner, app, db_path):
    for q in questions("quote")[:2]:
        answer(learner, q, 0.0, T0)
    now = T0 + DAY
    item, _ = scheduling.current_item(learner, now)
    log = scheduling.submit_review(learner, item.card.question_id, item.card.reps, _wrong_response(item), 5000, now)
    assert log.rating == int(Rating.Again)
    first = [c.question_id for c in scheduling.review_session(learner, now + MINUTE).queue]
    other = create_app(make_config(db_path))  # a second app process on the same database
    with other.app_context():
        assert [c.question_id for c in scheduling.review_session(learner, now + MINUTE).queue] == first


def _wrong_response(item):
    data = item.data
    if data["type"] == "multiple_choice":
        return min(range(len(data["choices"])), key=lambda i: data["choices"][i]["weight"])
    if data["type"] == "true_false":
        return not data["answer"]
    if data["type"] == "short_answer":
        return "nobody at all"
    raise AssertionError(data["type"])


def test_submit_review_refuses_a_stale_or_foreign_question(learner):
    from quizapp.services.errors import Conflict

    q = questions("quote")[0]
    answer(learner, q, 0.0, T0)
    item, _ = scheduling.current_item(learner, T0 + DAY)
    with pytest.raises(Conflict):
        scheduling.submit_review(learner, q.id, item.card.reps + 1, 0, None, T0 + DAY)
    with pytest.raises(Conflict):
        scheduling.submit_review(learner, questions("date")[0].id, 0, 0, None, T0 + DAY)


def test_shown_order_is_stable_per_review_and_changes_with_it(app):
    data = {"type": "multiple_choice", "choices": [{"text": str(n), "weight": 0} for n in range(6)]}
    with app.app_context():
        first = scheduling.shown_order(data, 1, 2, 3)
        assert first == scheduling.shown_order(data, 1, 2, 3)
        assert sorted(first) == list(range(6))
        assert any(scheduling.shown_order(data, 1, 2, reps) != first for reps in range(4, 10))
        ordering = {"type": "ordering", "items": ["a", "b"]}
        assert all(scheduling.shown_order(ordering, 1, 2, reps) == [1, 0] for reps in range(20))


def test_review_order_cannot_be_predicted_from_the_user_id(app):
    """Issue 14, point 3: the Review page's order is keyed by the server's secret, not by (user, question, reps) alone."""
    data = {"type": "multiple_choice", "choices": [{"text": str(n), "weight": 0} for n in range(6)]}
    with app.app_context():
        ours = [scheduling.shown_order(data, 1, 2, reps) for reps in range(10)]
    # what anyone could compute from the user id without the key (the old seed)
    import random

    guessed = []
    for reps in range(10):
        order = list(range(6))
        random.Random(f"review:1:2:{reps}").shuffle(order)
        guessed.append(order)
    assert ours != guessed
    app.config["SECRET_KEY"] = "another-secret"
    with app.app_context():
        theirs = [scheduling.shown_order(data, 1, 2, reps) for reps in range(10)]
    assert theirs != ours


# --- mastery for a scripted history --------------------------------------------------

def _r(days: int, stability: float) -> float:
    decay = -scheduling.SCHEDULER.parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    return (1 + factor * days / stability) ** decay


def test_mastery_for_a_scripted_history(learner):
    user = db.session.get(User, learner)
    quotes = questions("quote")  # 13 in the seed bank
    places = questions("place")  # 4
    assert (len(quotes), len(places)) == (13, 4)
    answer(learner, quotes[0], 1.0, T0, ms=2000)  # Easy: Review state
    answer(learner, quotes[1], 1.0, T0)  # Good: Review state
    answer(learner, quotes[2], 0.0, T0)  # Again: still learning, counts 0
    answer(learner, places[0], 0.6, T0)  # Hard on a new card: learning step, counts 0

    now = mastery.learner_mastery(user, T0)
    kinds = {row.key: row for row in now.kinds}
    assert [row.key for row in now.kinds] == ["quote", "person", "organization", "date", "place"]
    assert kinds["quote"].questions == 13 and kinds["quote"].reviewed == 3
    assert kinds["quote"].mastery == pytest.approx(2 / 13)  # two cards recalled at retrievability 1
    assert kinds["place"].mastery == 0 and kinds["place"].reviewed == 1
    assert kinds["date"].mastery == 0 and kinds["date"].reviewed == 0
    (article,) = now.articles
    assert article.questions == 36 and article.mastery == pytest.approx(2 / 36)
    assert now.cards == 4

    later = mastery.learner_mastery(user, T0 + 5 * DAY)
    easy_s, good_s = scheduling.SCHEDULER.parameters[3], scheduling.SCHEDULER.parameters[2]
    want = (_r(5, easy_s) + _r(5, good_s)) / 13
    assert {r.key: r for r in later.kinds}["quote"].mastery == pytest.approx(want)
    assert want < 2 / 13  # memory decays between reviews


def test_class_mastery_is_the_mean_of_its_learners(ctx, make_user):
    from quizapp.services import classes

    teacher = make_user("tess", "teacher")
    classroom = classes.create_class(teacher, "7B")
    ann, bob = make_user("ann"), make_user("bob")
    for learner in (ann, bob):
        classes.join_class(learner, classroom.code)
    answer(ann, questions("person")[0], 1.0, T0)
    result = mastery.class_mastery(classroom.id, teacher, T0)
    person = {r.key: r for r in result.kinds}["person"]
    assert person.mastery == pytest.approx((1 / 2 + 0) / 2)
    assert [lm.learner.username for lm in result.learners] == ["ann", "bob"]
    assert [lm.cards for lm in result.learners] == [1, 0]


def test_reviews_per_day_and_score_history(learner):
    assert mastery.reviews_per_day(learner, T0) == []
    q = questions("date")[0]
    answer(learner, q, 0.0, T0 - DAY)
    answer(learner, q, 1.0, T0, source="review")
    days = mastery.reviews_per_day(learner, T0, days=3)
    assert [(d.day, d.quiz, d.review) for d in days] == [
        ((T0 - 2 * DAY).date(), 0, 0), ((T0 - DAY).date(), 1, 0), (T0.date(), 0, 1),
    ]
    assert mastery.score_history(learner) == []
