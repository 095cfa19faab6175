"""Study modes beside graded quizzes: flashcards the learner rates, practice of missed questions.

- **Flashcards**: the learner's own review cards (one per question they
  answered, made once that answer's feedback was due: see
  :func:`quizapp.services.scheduling.settle_reviews`), the most overdue
  first. The front is the question; the back (the right answer, the
  explanation, the article's sentence) is sent only when the learner asks
  for it. The learner then rates their recall Again / Hard / Good / Easy, and
  that rating, not a score, reviews the FSRS card.
- **Practice**: the questions the learner missed most, or the questions
  answered wrong in one finished attempt, asked again and graded with the
  quiz's graders. Practice writes nothing: no attempt, no answer, no score
  changes, and no review card moves.

Only questions whose feedback the learner has already seen are practised
or turned into flashcards, so neither tells an answer a quiz still hides.
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
from quizapp.services import attempts, scheduling, scoring, timing
from quizapp.services.errors import Conflict, InvalidInput, NotFound

Rating = fsrs.Rating
#: the learner's four answers to "how well did you remember it?"
RATINGS = {"again": Rating.Again, "hard": Rating.Hard, "good": Rating.Good, "easy": Rating.Easy}
#: the fraction of the mark a self-rating stands for in the review log (mastery reads it)
RATING_SCORES = {Rating.Again: 0.0, Rating.Hard: 0.5, Rating.Good: 1.0, Rating.Easy: 1.0}
#: how many questions "practise my mistakes" asks
MISTAKES_SET_SIZE = 10


# --- flashcards -----------------------------------------------------------------

@dataclass(frozen=True)
class Flashcard:
    card: ReviewCard
    version: QuestionVersion
    due_now: bool
    due_count: int  # cards due now, this one included when it is due

    @property
    def data(self) -> dict:
        return self.version.data


def _cards(user_id: int):
    return (
        sa.select(ReviewCard)
        .join(Question, Question.id == ReviewCard.question_id)
        .where(ReviewCard.user_id == user_id, scheduling.SCHEDULABLE_QUESTION)
    )


def _flashcard(card: ReviewCard, now: dt.datetime) -> Flashcard:
    question = db.session.get(Question, card.question_id)
    due = scheduling.due_count(card.user_id, now)
    return Flashcard(card, question.current, card.due <= now, due)


def next_flashcard(user_id: int, now: dt.datetime) -> Flashcard | None:
    """The learner's card due soonest (the most overdue first), or None when they have none."""
    scheduling.settle_reviews(user_id, now)
    card = db.session.scalar(_cards(user_id).order_by(ReviewCard.due, ReviewCard.id).limit(1))
    return _flashcard(card, now) if card is not None else None


def flashcard(user_id: int, question_id: int | None, reps: int | None, now: dt.datetime) -> Flashcard:
    """The learner's card for ``question_id`` as it was shown (``reps`` reviews ago).

    :raises NotFound: the learner has no card for that question.
    :raises Conflict: the card was rated since it was shown (a second click, another tab).
    """
    card = db.session.scalar(_cards(user_id).where(ReviewCard.question_id == question_id)) \
        if question_id is not None else None
    if card is None:
        raise NotFound("You have no such flashcard.")
    if card.reps != reps:
        raise Conflict("This card was already rated; here is the next one.")
    return _flashcard(card, now)


def back_of(data: dict) -> dict:
    """The back of a card: the right answer, the explanation, the article's sentence."""
    return {
        "correct_answer": scoring.correct_answer(data),
        "explanation": data.get("general_feedback"),
        "source": quoted_source(data),
    }


def parse_rating(text: str | None) -> fsrs.Rating:
    """:raises InvalidInput: for anything but again, hard, good or easy."""
    rating = RATINGS.get((text or "").strip().casefold())
    if rating is None:
        raise InvalidInput("Choose Again, Hard, Good or Easy.", where="rating")
    return rating


def rate_flashcard(user_id: int, question_id: int | None, reps: int | None, rating_text: str | None,
                   now: dt.datetime) -> ReviewLog:
    """Review the learner's card with the rating they chose; commits.

    :raises InvalidInput: an unknown rating (nothing changes).
    :raises NotFound: no such card of the learner.
    :raises Conflict: the card was rated since it was shown.
    """
    rating = parse_rating(rating_text)
    card = flashcard(user_id, question_id, reps, now)
    log = scheduling.review_answer(
        user_id, card.card.question_id, RATING_SCORES[rating], None, now, source="flashcard",
        question_type=card.data["type"], version_id=card.version.id, rating=rating,
    )
    if log is None:  # pragma: no cover - unscheduled types never get a card
        raise Conflict("This question is not reviewed.")
    db.session.commit()
    return log


# --- practice ---------------------------------------------------------------------

@dataclass(frozen=True)
class PracticeItem:
    question_id: int
    version: QuestionVersion
    order: list
    position: int  # 1-based
    total: int

    @property
    def data(self) -> dict:
        return self.version.data


def mistakes(user_id: int, now: dt.datetime, limit: int = MISTAKES_SET_SIZE) -> list[int]:
    """The published questions this learner missed most (ties: the most recently missed first).

    Only answers whose feedback the learner may see count, as on the progress page.
    """
    scheduling.settle_reviews(user_id, now)
    misses = sa.func.sum(sa.case((Answer.correct.is_(False), 1), else_=0))
    rows = db.session.execute(
        sa.select(Question.id, misses, sa.func.max(Answer.submitted_at))
        .join(Answer, Answer.question_id == Question.id)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(Attempt.user_id == user_id, Answer.score.is_not(None), Question.status == "published",
               Question.type != "essay", timing.feedback_visible_clause(now))
        .group_by(Question.id)
        .having(misses > 0)
        .order_by(misses.desc(), sa.func.max(Answer.submitted_at).desc(), Question.id)
        .limit(limit)
    ).all()
    return [question_id for question_id, _, _ in rows]


def wrong_in_attempt(attempt: Attempt) -> list[int]:
    """The questions of a finished attempt answered wrong (or partly right, or left blank), in its order.

    :raises Conflict: the attempt is not finished, or its feedback is not shown yet.
    """
    if attempt.finished_at is None:
        raise Conflict("Finish the attempt first: then you can retake the questions you got wrong.")
    if not attempts.feedback_visible(attempt):
        raise Conflict("The answers of this quiz are not shown yet, so neither are your mistakes.")
    given = {a.question_id: a for a in attempt.answers}
    wrong = []
    for entry in attempt.layout:
        answer = given.get(entry["question"])
        if answer is not None and (answer.correct or answer.score is None):
            continue  # right, or an essay (marked by a teacher) / a description
        wrong.append(entry["question"])
    published = set(db.session.scalars(
        sa.select(Question.id).where(Question.id.in_(wrong), scheduling.SCHEDULABLE_QUESTION)
    )) if wrong else set()
    return [q for q in wrong if q in published]


def practice_item(user_id: int, question_ids: list[int], position: int) -> PracticeItem:
    """Question ``position`` (1-based) of a practice set, its choices shuffled for this learner.

    :raises NotFound: no such position.
    """
    if not 1 <= position <= len(question_ids):
        raise NotFound(f"This practice set has no question {position}.")
    question = db.session.get(Question, question_ids[position - 1])
    # the Review page's shuffle, at a review count no card has: stable on reload, not the quiz's order
    order = scheduling.shown_order(question.current.data, user_id, question.id, -1)
    return PracticeItem(question.id, question.current, order, position, len(question_ids))


def practice_feedback(item: PracticeItem, response: Any) -> tuple[dict, Any]:
    """Grade a practice answer: the feedback a quiz shows, and the response as checked. Nothing is stored.

    :raises InvalidInput: when the response does not fit the question.
    """
    data = item.data
    try:
        response = scoring.check_response(data, response)
        grade = scoring.grade(data, response)
    except scoring.InvalidResponse as exc:
        raise InvalidInput(str(exc).capitalize() + ".", where="practice") from None
    result = {
        "correct": grade.correct, "score": grade.score, "correct_answer": scoring.correct_answer(data),
        "chosen_feedback": grade.feedback, "explanation": data.get("general_feedback"),
        "source": quoted_source(data), "teacher_comment": None, "awaits_mark": False,
    }
    if data["type"] == "cloze":
        result["chosen_feedback"] = None
        result["gaps"] = scoring.gap_feedback(data, response)
    return result, response
