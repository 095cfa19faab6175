"""Spaced repetition on FSRS: ratings from answers, review cards, due queues, daily sessions.

Every graded answer — in a quiz or on the Review page — is one FSRS review
of the learner's card for that question. The rating comes from the score
and the time taken (:func:`rating_for`, documented in ``docs/review.md``);
the scheduling itself is the ``fsrs`` package's :class:`fsrs.Scheduler`.

All times are naive UTC (as stored); pass ``now``/``at`` explicitly so the
schedule can be tested through time. The Review page's daily session is
derived from the database (cards and today's review logs), never from
process memory, so any app process serves the same learner.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import fsrs
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.generator import quoted_source
from quizapp.models import Answer, Attempt, Question, QuestionVersion, Quiz, ReviewCard, ReviewLog
from quizapp.models._common import INSERT_FOR
from quizapp.services import question_files, scoring, timing
from quizapp.services.errors import Conflict, InvalidInput, NotFound

_EPSILON = 1e-6

#: question types never scheduled: nothing to recall (description) or no automatic score (essay)
UNSCHEDULED_TYPES = frozenset({"essay", "description"})
#: SQL condition on Question: one the Review page may ask (published, of a scheduled type)
SCHEDULABLE_QUESTION = sa.and_(Question.status == "published", Question.type.not_in(UNSCHEDULED_TYPES))

#: a full-marks answer given within this many seconds is "Easy"; slower is "Good"
FAST_ANSWER_SECONDS = {
    "true_false": 8,
    "multiple_choice": 15,
    "multiple_response": 25,
    "short_answer": 20,
    "numerical": 20,
    "matching": 40,
    "ordering": 40,
    "cloze": 40,
}
DEFAULT_FAST_ANSWER_SECONDS = 20

#: the scheduler every review goes through. One learning and one relearning
#: step of 10 minutes: a quiz answer is already a real recall, so a right
#: answer graduates at once (FSRS's default second step would bring every
#: right answer back within the hour). No fuzzing: the same history always
#: gives the same schedule, which learners, teachers and tests can rely on.
SCHEDULER = fsrs.Scheduler(
    desired_retention=0.9,
    learning_steps=(dt.timedelta(minutes=10),),
    relearning_steps=(dt.timedelta(minutes=10),),
    maximum_interval=365,
    enable_fuzzing=False,
)

Rating = fsrs.Rating
State = fsrs.State


# --- the rating -----------------------------------------------------------

def is_scheduled(question_type: str) -> bool:
    """Whether answers to questions of this type are scheduled for review."""
    return question_type not in UNSCHEDULED_TYPES and question_type in scoring.GRADERS


def rating_for(question_type: str, score: float | None, time_taken_ms: int | None) -> fsrs.Rating | None:
    """The FSRS rating an answer earns, or None when it is not scheduled.

    Under half the mark is *Again*; from half up to (not including) full
    marks is *Hard*; full marks is *Easy* when answered within the type's
    :data:`FAST_ANSWER_SECONDS`, otherwise (or when the time is unknown) *Good*.
    """
    if score is None or not is_scheduled(question_type):
        return None
    if score < 0.5:
        return Rating.Again
    if score < 1 - _EPSILON:
        return Rating.Hard
    limit = FAST_ANSWER_SECONDS.get(question_type, DEFAULT_FAST_ANSWER_SECONDS) * 1000
    if time_taken_ms is not None and time_taken_ms <= limit:
        return Rating.Easy
    return Rating.Good


def rating_source(log: ReviewLog) -> str:
    """Where a review's rating came from, in the learner's words.

    "you rated it Hard" for a flashcard the learner rated; otherwise how the
    score (and, for a right answer, the time) was counted, e.g. "scored right
    → counted as Good" (see :func:`rating_for`).
    """
    name = Rating(log.rating).name
    if log.self_rated:
        return f"you rated it {name}"
    if log.rating == Rating.Again:
        how = "scored wrong"
    elif log.rating == Rating.Hard:
        how = "scored partly right"
    elif log.rating == Rating.Easy:
        how = "scored right, and quickly"
    else:
        how = "scored right"
    return f"{how} → counted as {name}"


# --- cards ----------------------------------------------------------------

def _aware(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=dt.UTC) if value is not None else None


def _naive(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value


def to_fsrs(card: ReviewCard) -> fsrs.Card:
    """The fsrs Card a stored card stands for."""
    return fsrs.Card(
        card_id=card.id or 0,
        state=State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=_aware(card.due),
        last_review=_aware(card.last_review),
    )


def retrievability(card: ReviewCard, now: dt.datetime) -> float:
    """FSRS's predicted probability of recalling the card at ``now`` (0 if never reviewed)."""
    return float(SCHEDULER.get_card_retrievability(to_fsrs(card), _aware(_naive(now))))


#: the cards' table: an answer's writes to its card go to the table, not through the mapped
#: class, whose bulk insert and update layer costs more Python than the statements themselves
CARDS = ReviewCard.__table__


#: a new card: INSERT … ON CONFLICT DO NOTHING on the card's (user, question) key, with RETURNING
#: to tell whether the row went in (an INSERT's rowcount is -1 on PostgreSQL, psycopg, once the
#: dialect adds RETURNING itself); built once per database, its columns are the parameters'
_NEW_CARD = {
    name: insert(CARDS).on_conflict_do_nothing(index_elements=["user_id", "question_id"]).returning(CARDS.c.id)
    for name, insert in INSERT_FOR.items()
}
#: the card's next state, written only if no other review changed it since it was read (its
#: ``reps``, parameter ``read_reps``); the columns to set are the parameters
_CARD_REVIEWED = sa.update(CARDS).where(
    CARDS.c.id == sa.bindparam("card_id"), CARDS.c.reps == sa.bindparam("read_reps")
)
#: the learner's card for a question (every answer reads it): built once
_CARD = sa.select(ReviewCard).where(
    ReviewCard.user_id == sa.bindparam("user_id"), ReviewCard.question_id == sa.bindparam("question_id")
)


def _reviewed(card: ReviewCard | None, rating: fsrs.Rating, at: dt.datetime, time_taken_ms: int | None) -> tuple[dict, fsrs.Card]:
    """The card's columns after this review (a new card when ``card`` is None), and FSRS's card."""
    before = to_fsrs(card) if card is not None else fsrs.Card(card_id=0, state=State.Learning, step=0, due=_aware(at))
    after, _log = SCHEDULER.review_card(before, rating, _aware(at), time_taken_ms)
    lapsed = before.state == State.Review and rating == Rating.Again
    values = {
        "state": int(after.state), "step": after.step, "stability": after.stability,
        "difficulty": after.difficulty, "due": _naive(after.due), "last_review": _naive(after.last_review),
        "reps": (card.reps if card is not None else 0) + 1,
        "lapses": (card.lapses if card is not None else 0) + int(lapsed),
    }
    return values, after


def review_answer(
    user_id: int,
    question_id: int,
    score: float | None,
    time_taken_ms: int | None,
    at: dt.datetime,
    *,
    source: str = "quiz",
    question_type: str | None = None,
    version_id: int | None = None,
    response: Any = None,
    rating: fsrs.Rating | None = None,
    flush: bool = True,
) -> ReviewLog | None:
    """Rate an answer, review the learner's card with FSRS and log the review.

    ``rating``, when given, is the learner's own (a flashcard: :func:`rate_flashcard`)
    and replaces the one :func:`rating_for` derives from the score and time.

    Creates the card on the first answer. Joins the caller's transaction:
    it flushes but never commits (a quiz answer and its review are stored
    together). Concurrent reviews of one card are serialised by a
    compare-and-set on ``reps`` (an insert that finds the card already made
    counts as a lost race too), so none is lost.

    The card is read and the FSRS step computed before anything is written:
    on SQLite the first write takes the database's write lock until commit,
    so the lock is held for the writes alone, not for this arithmetic.

    :param at: when the answer was given (naive UTC).
    :param flush: False when the caller flushes the log with rows of its own (one flush, not two).
    :returns: the log, or None when the answer is not scheduled (essays,
        descriptions, answers waiting for a teacher).
    """
    if question_type is None:
        question_type = db.session.scalar(sa.select(Question.type).where(Question.id == question_id))
    self_rated = rating is not None
    if rating is None:
        rating = rating_for(question_type or "", score, time_taken_ms)
    elif not is_scheduled(question_type or ""):
        rating = None
    if rating is None:
        return None
    at = _naive(at)
    card = get_card(user_id, question_id)
    for _ in range(5):
        if card is not None and card.last_review is not None and card.last_review > at:
            at = card.last_review  # a deferred review applied after a later one: never go back in time
        values, after = _reviewed(card, rating, at, time_taken_ms)
        if card is None:
            inserted = db.session.execute(
                _NEW_CARD[db.session.get_bind().dialect.name],
                {"user_id": user_id, "question_id": question_id, "created_at": at, **values},
            ).first()
            if inserted is not None:
                break
        else:
            written = db.session.execute(_CARD_REVIEWED, {"card_id": card.id, "read_reps": card.reps, **values})
            if written.rowcount == 1:
                break
        card = db.session.scalar(  # another review got there first: start from its result
            _CARD, {"user_id": user_id, "question_id": question_id}, execution_options={"populate_existing": True}
        )
    else:  # pragma: no cover - five concurrent reviews of one card in a row
        raise Conflict("This question was being reviewed elsewhere at the same time; try again.")
    if card is not None:
        db.session.expire(card)
    log = ReviewLog(
        user_id=user_id, question_id=question_id, version_id=version_id, source=source,
        rating=int(rating), self_rated=self_rated, score=max(0.0, min(float(score), 1.0)), time_taken_ms=time_taken_ms,
        response=response, due_after=_naive(after.due), reviewed_at=at,
    )
    db.session.add(log)
    if flush:
        db.session.flush()
    return log


def get_card(user_id: int, question_id: int) -> ReviewCard | None:
    return db.session.scalar(_CARD, {"user_id": user_id, "question_id": question_id})


# --- deferred reviews ----------------------------------------------------------

#: the learner's answers whose review waits for feedback that is visible at ``now``, built once
#: (the progress, Review and home pages settle reviews on every visit)
_DEFERRED_REVIEWS_DUE = (
    sa.select(Answer.id, Answer.question_id, Answer.version_id, Answer.score, Answer.time_taken_ms,
              Attempt.finished_at, Quiz.feedback_timing, Quiz.closes_at, Question.type)
    .join(Attempt, Attempt.id == Answer.attempt_id)
    .join(Quiz, Quiz.id == Attempt.quiz_id)
    .join(Question, Question.id == Answer.question_id)
    .where(Answer.review_pending, Attempt.user_id == sa.bindparam("user_id"),
           timing.feedback_visible_clause(sa.bindparam("now", type_=sa.DateTime)))
)


def settle_reviews(user_id: int, now: dt.datetime) -> int:
    """Apply the learner's quiz answers whose review waited for the quiz's feedback, now that it is due.

    A quiz with feedback "after the attempt" or "after close" stores its
    answers with ``review_pending``: reviewing them at once would show right
    and wrong through the Review page (a wrong answer is due in 10 minutes,
    a right one in days) and through mastery. Here, once the feedback is
    visible, each is reviewed as of the time its feedback became due (the
    finish, or the close). Open attempts past their quiz's close are closed
    first (lazily: no cron). Each answer is claimed with a compare-and-set
    on the flag, so two processes settling at once review it once. Commits
    when it changed anything; a single cheap read otherwise.

    :returns: how many answers it reviewed.
    """
    now = _naive(now)
    settled = db.session.info.setdefault("settled_reviews", {})  # once per session (a request) and user
    if settled.get(user_id) is not None and settled[user_id] >= now - dt.timedelta(seconds=1):
        return 0
    settled[user_id] = now
    timing.close_overdue(now, user_id=user_id)
    rows = db.session.execute(_DEFERRED_REVIEWS_DUE, {"user_id": user_id, "now": now}).all()
    if not rows:
        return 0

    def feedback_due(row) -> dt.datetime:
        if row.feedback_timing == "after_close" and row.closes_at is not None:
            return max(row.finished_at, row.closes_at)
        return row.finished_at or now

    reviewed = 0
    for row in sorted(rows, key=lambda r: (feedback_due(r), r.id)):
        claimed = db.session.execute(
            sa.update(Answer).where(Answer.id == row.id, Answer.review_pending).values(review_pending=False)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 1:
            review_answer(user_id, row.question_id, row.score, row.time_taken_ms, feedback_due(row),
                          question_type=row.type, version_id=row.version_id)
            reviewed += 1
    db.session.commit()
    return reviewed


# --- when a Review-page question was shown ------------------------------------------

def _view_key(card: ReviewCard) -> str:
    return f"review:{card.question_id}:{card.reps}"


def mark_shown(user_id: int, card: ReviewCard, now: dt.datetime) -> None:
    """Remember when the Review page first showed this card's question (at this review count)."""
    timing.mark_shown(user_id, _view_key(card), _naive(now))


def time_taken_ms(user_id: int, card: ReviewCard, now: dt.datetime) -> int | None:
    """Milliseconds since the server first showed this card's question; the browser's clock never counts."""
    return timing.time_taken_ms(user_id, _view_key(card), _naive(now))


# --- due queues -------------------------------------------------------------

#: the learner's cards due at ``now`` (bound ``user_id`` and ``now``), of published questions of the types
#: the Review page asks: built once, as is their count (the home and progress pages read it on every visit)
_DUE = (
    sa.select(ReviewCard)
    .join(Question, Question.id == ReviewCard.question_id)
    .where(
        ReviewCard.user_id == sa.bindparam("user_id"),
        ReviewCard.due <= sa.bindparam("now", type_=sa.DateTime),
        SCHEDULABLE_QUESTION,
    )
)
_DUE_COUNT = sa.select(sa.func.count()).select_from(_DUE.subquery())


def due_cards(user_id: int, now: dt.datetime, limit: int | None = None) -> list[ReviewCard]:
    """The learner's cards due at ``now``, across all quizzes, most overdue first.

    Only published questions count: a retired question is never asked again.
    """
    query = _DUE.order_by(ReviewCard.due, ReviewCard.id)
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query, {"user_id": user_id, "now": _naive(now)}))


def due_count(user_id: int, now: dt.datetime) -> int:
    """How many of the learner's cards are due at ``now``."""
    settle_reviews(user_id, now)
    return db.session.scalar(_DUE_COUNT, {"user_id": user_id, "now": _naive(now)})


def next_due(user_id: int, now: dt.datetime) -> dt.datetime | None:
    """When the learner's next card falls due after ``now``, if any."""
    return db.session.scalar(
        sa.select(sa.func.min(ReviewCard.due))
        .join(Question, Question.id == ReviewCard.question_id)
        .where(ReviewCard.user_id == user_id, ReviewCard.due > _naive(now), SCHEDULABLE_QUESTION)
    )


# --- the daily review session ------------------------------------------------

def day_start(now: dt.datetime) -> dt.datetime:
    """Midnight UTC of ``now``'s day: a review session lasts one UTC day."""
    return _naive(now).replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class ReviewSession:
    """Today's review session of one learner, as it stands at ``now``."""

    queue: list[ReviewCard]  # what to ask, in order; the first is asked next
    size: int  # at most this many different questions a day
    done: int  # different questions reviewed today
    requeued: int  # questions answered "Again" today and not yet passed
    due_total: int  # every card due now, inside the session or not
    later: int  # due cards that do not fit in today's session
    next_due: dt.datetime | None  # when the next card falls due, once the queue is empty

    @property
    def current(self) -> ReviewCard | None:
        return self.queue[0] if self.queue else None


def review_session(user_id: int, now: dt.datetime, size: int = 20) -> ReviewSession:
    """Today's session: due cards up to ``size`` different questions, then "Again" ones.

    The session is derived from today's Review-page logs: a question already
    reviewed today may come back (FSRS made it due again, or it was answered
    *Again* and is re-queued at the end even before its 10-minute step), and
    new questions join only while fewer than ``size`` were reviewed today.
    """
    now = _naive(now)
    settle_reviews(user_id, now)
    today = db.session.execute(
        sa.select(ReviewLog.question_id, ReviewLog.rating)
        .where(ReviewLog.user_id == user_id, ReviewLog.source == "review", ReviewLog.reviewed_at >= day_start(now))
        .order_by(ReviewLog.reviewed_at, ReviewLog.id)
    ).all()
    last_rating: dict[int, int] = {}
    for question_id, rating in today:  # ordered: the latest rating wins, dicts keep first-seen order
        last_rating.pop(question_id, None)
        last_rating[question_id] = rating
    seen = set(last_rating)

    due = due_cards(user_id, now)
    queue: list[ReviewCard] = []
    fresh = 0
    for card in due:
        if card.question_id in seen:
            queue.append(card)
        elif len(seen) + fresh < size:
            queue.append(card)
            fresh += 1
    queued = {c.question_id for c in queue}
    again = [q for q, r in last_rating.items() if r == int(Rating.Again) and q not in queued]
    if again:
        cards = {
            c.question_id: c
            for c in db.session.scalars(
                sa.select(ReviewCard)
                .join(Question, Question.id == ReviewCard.question_id)
                .where(ReviewCard.user_id == user_id, ReviewCard.question_id.in_(again), Question.status == "published")
            )
        }
        queue.extend(cards[q] for q in again if q in cards)  # least recently failed first
    return ReviewSession(
        queue=queue, size=size, done=len(seen),
        requeued=sum(1 for r in last_rating.values() if r == int(Rating.Again)),
        due_total=len(due), later=len(due) - sum(1 for c in due if c.question_id in queued),
        next_due=None if queue else next_due(user_id, now),
    )


def shown_order(data: dict, user_id: int, question_id: int, reps: int) -> list:
    """The order choices are shown in on the Review page.

    Shuffled with a seed of (user, question, review count) keyed by the
    server's secret: reloading the page shows the same order, the next
    review of the card a new one, and no learner can work it out in advance.
    """
    rng = timing.keyed_random("review", user_id, question_id, reps)
    qtype = data["type"]
    if qtype == "cloze":
        return scoring.cloze_order(data, True, rng)
    if qtype in ("multiple_choice", "multiple_response"):
        count = len(data["choices"])
    elif qtype == "matching":
        count = len(scoring.match_options(data))
    elif qtype == "ordering":
        count = len(data["items"])
    else:
        return []
    order = list(range(count))
    rng.shuffle(order)
    while qtype == "ordering" and count > 1 and order == sorted(order):  # never show the answer
        rng.shuffle(order)
    return order


@dataclass(frozen=True)
class ReviewItem:
    """The question the Review page asks now."""

    card: ReviewCard
    version: QuestionVersion
    order: list[int]
    position: int  # 1-based place in today's session
    session: ReviewSession

    @property
    def data(self) -> dict:
        return self.version.data


def current_item(user_id: int, now: dt.datetime, size: int = 20) -> tuple[ReviewItem | None, ReviewSession]:
    """The next question of today's session (None when it is over) and the session."""
    session = review_session(user_id, now, size)
    card = session.current
    if card is None:
        return None, session
    question = db.session.get(Question, card.question_id)
    order = shown_order(question.current.data, user_id, card.question_id, card.reps)
    return ReviewItem(card, question.current, order, session.done + 1, session), session


def submit_review(
    user_id: int, question_id: int, reps: int, response: Any, time_taken_ms: int | None,
    now: dt.datetime, size: int = 20,
) -> ReviewLog:
    """Grade a Review-page answer with the quiz grader, review the card, commit.

    ``reps`` is the card's review count the page was shown with: an answer
    sent twice, or for a question that is no longer up, is refused.

    :raises Conflict: when this question is not the one up for review.
    :raises InvalidInput: when the response does not fit the question.
    """
    item, _session = current_item(user_id, now, size)
    if item is None or item.card.question_id != question_id or item.card.reps != reps:
        raise Conflict("This question is no longer up for review; here is the next one.")
    data = item.data
    try:
        grade = scoring.grade(data, response)
        response = scoring.check_response(data, response)
    except scoring.InvalidResponse as exc:
        raise InvalidInput(str(exc).capitalize() + ".", where="review") from None
    if time_taken_ms is not None:
        time_taken_ms = max(0, min(time_taken_ms, 86_400_000))
    log = review_answer(
        user_id, question_id, grade.score, time_taken_ms, now, source="review",
        question_type=data["type"], version_id=item.version.id, response=response,
    )
    if log is None:  # pragma: no cover - unscheduled types never get a card
        raise Conflict("This question is not reviewed.")
    db.session.commit()
    return log


def get_review_log(log_id: int, user_id: int) -> ReviewLog:
    """The learner's own Review-page answer.

    :raises NotFound: when it does not exist or belongs to someone else.
    """
    log = db.session.get(ReviewLog, log_id)
    if log is None or log.user_id != user_id or log.source != "review":
        raise NotFound("There is no such review answer.")
    return log


def review_image(user_id: int, question_id: int, name: str) -> question_files.Image:
    """An image of a question the learner has on their Review page (its current version), not
    one only its feedback shows.

    :raises NotFound: no card of this learner for the question, or no such image.
    """
    card = db.session.scalar(sa.select(ReviewCard).filter_by(user_id=user_id, question_id=question_id))
    question = db.session.get(Question, question_id) if card is not None else None
    if question is None or question.current is None:
        raise NotFound("no such image")
    return question_files.image_for(question.current.data, name, feedback_due=False)


def review_answer_image(log_id: int, user_id: int, name: str) -> question_files.Image:
    """An image of the question the learner answered on the Review page, feedback images included.

    :raises NotFound: not the learner's answer, or no such image.
    """
    log = get_review_log(log_id, user_id)
    data = log.version.data if log.version is not None else log.question.data
    return question_files.image_for(data, name, feedback_due=True)


def review_feedback(log: ReviewLog) -> dict:
    """What the Review page shows after an answer: the quiz feedback plus the new schedule."""
    data = log.version.data if log.version is not None else log.question.data
    grade = scoring.grade(data, log.response)
    score = log.score
    feedback = {
        "correct": grade.correct,
        "score": score,
        "correct_answer": scoring.correct_answer(data),
        "chosen_feedback": grade.feedback,
        "explanation": data.get("general_feedback"),
        "source": quoted_source(data),
        "rating": Rating(log.rating).name,
        "rating_source": rating_source(log),
        "due_after": log.due_after,
    }
    if data["type"] == "cloze":  # gap by gap, as after a quiz answer
        feedback["chosen_feedback"] = None
        feedback["gaps"] = scoring.gap_feedback(data, log.response)
    return feedback
