"""Taking a quiz: start or resume an attempt, record answers, finish."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, Question, QuestionVersion, Quiz, QuizQuestion
from quizapp.models._common import utcnow
from quizapp.services import scoring
from quizapp.services.errors import Conflict, InvalidInput, NotFound


@dataclass(frozen=True)
class Slot:
    """One question of an attempt as the learner sees it."""

    position: int  # 1-based
    question_id: int
    version: QuestionVersion
    order: list[int]  # shown order of choices / match options / items (canonical indexes)
    answer: Answer | None

    @property
    def data(self) -> dict:
        return self.version.data


def get_quiz(slug: str) -> Quiz:
    """:raises NotFound: when no published quiz has this slug."""
    quiz = db.session.scalar(sa.select(Quiz).filter_by(slug=slug, is_published=True))
    if quiz is None:
        raise NotFound(f"There is no quiz called “{slug}”.")
    return quiz


def get_attempt(attempt_id: int, user_id: int) -> Attempt:
    """The user's own attempt; anyone else's is reported as missing.

    :raises NotFound: when it does not exist or belongs to someone else.
    """
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != user_id:
        raise NotFound("There is no such attempt.")
    return attempt


def open_attempt(quiz: Quiz, user_id: int) -> Attempt | None:
    """The user's unfinished attempt at ``quiz``, if any."""
    return db.session.scalar(
        sa.select(Attempt)
        .filter_by(quiz_id=quiz.id, user_id=user_id, finished_at=None)
        .order_by(Attempt.id.desc())
        .limit(1)
    )


def _shown_order(data: dict, shuffle: bool, rng: random.Random) -> list[int]:
    qtype = data["type"]
    if qtype in ("multiple_choice", "multiple_response"):
        count = len(data["choices"])
    elif qtype == "matching":
        count = len(scoring.match_options(data))
    elif qtype == "ordering":
        count = len(data["items"])
        order = list(range(count))
        while order == sorted(order) and count > 1:  # never show the answer
            rng.shuffle(order)
        return order
    else:
        return []
    order = list(range(count))
    if shuffle:
        rng.shuffle(order)
    return order


def start_attempt(quiz: Quiz, user_id: int, seed: int | None = None) -> Attempt:
    """Resume the user's unfinished attempt or start a new one.

    The questions (published ones only), their versions and the shown order
    of choices are fixed now, so a reload shows the same page.

    :raises InvalidInput: when the quiz has no published questions.
    """
    existing = open_attempt(quiz, user_id)
    if existing is not None:
        return existing
    rows = db.session.execute(
        sa.select(Question.id, QuestionVersion)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .join(QuizQuestion, QuizQuestion.question_id == Question.id)
        .where(QuizQuestion.quiz_id == quiz.id, Question.status == "published")
        .order_by(QuizQuestion.position)
    ).all()
    if not rows:
        raise InvalidInput("This quiz has no questions yet.")
    rng = random.Random(seed)
    if quiz.shuffle_questions:
        rows = list(rows)
        rng.shuffle(rows)
    layout = [
        {"question": qid, "version": version.id, "order": _shown_order(version.data, quiz.shuffle_choices, rng)}
        for qid, version in rows
    ]
    graded = sum(1 for _, version in rows if scoring.is_graded(version.data))
    attempt = Attempt(user_id=user_id, quiz_id=quiz.id, layout=layout, max_score=float(graded))
    db.session.add(attempt)
    db.session.commit()
    return attempt


def slots(attempt: Attempt) -> list[Slot]:
    """Every question of the attempt, with the answer given so far."""
    versions = {
        v.id: v
        for v in db.session.scalars(
            sa.select(QuestionVersion).where(QuestionVersion.id.in_([e["version"] for e in attempt.layout]))
        )
    }
    answers = {a.question_id: a for a in attempt.answers}
    return [
        Slot(n, entry["question"], versions[entry["version"]], entry["order"], answers.get(entry["question"]))
        for n, entry in enumerate(attempt.layout, 1)
    ]


def slot(attempt: Attempt, position: int) -> Slot:
    """:raises NotFound: when the attempt has no question at ``position``."""
    if not 1 <= position <= len(attempt.layout):
        raise NotFound(f"This attempt has no question {position}.")
    entry = attempt.layout[position - 1]
    version = db.session.get(QuestionVersion, entry["version"])
    answer = db.session.scalar(
        sa.select(Answer).filter_by(attempt_id=attempt.id, question_id=entry["question"])
    )
    return Slot(position, entry["question"], version, entry["order"], answer)


def record_answer(
    attempt: Attempt, position: int, response: Any, time_taken_ms: int | None = None
) -> tuple[Answer, bool]:
    """Score and store the answer to question ``position`` of ``attempt``.

    Returns the answer and whether it was recorded now; a second submission
    of the same question returns the first answer unchanged.

    :raises Conflict: when the attempt is finished.
    :raises NotFound: when the attempt has no such question.
    :raises InvalidInput: when the response does not fit the question.
    """
    if attempt.finished_at is not None:
        raise Conflict("This attempt is finished; its answers can no longer change.")
    current = slot(attempt, position)
    if current.answer is not None:
        return current.answer, False
    try:
        grade = scoring.grade(current.data, response)
        response = scoring.check_response(current.data, response)
    except scoring.InvalidResponse as exc:
        raise InvalidInput(str(exc).capitalize() + ".", where=f"question {position}") from None
    answer = Answer(
        attempt_id=attempt.id,
        question_id=current.question_id,
        version_id=current.version.id,
        position=position,
        response=response,
        score=grade.score,
        correct=grade.correct,
        time_taken_ms=time_taken_ms if time_taken_ms is None else max(0, min(time_taken_ms, 86_400_000)),
    )
    db.session.add(answer)
    try:
        db.session.flush()
    except IntegrityError:  # the same answer arrived twice at once; keep the first
        db.session.rollback()
        existing = db.session.scalar(
            sa.select(Answer).filter_by(attempt_id=attempt.id, question_id=current.question_id)
        )
        return existing, False
    if grade.score is not None:
        db.session.execute(
            sa.update(Attempt).where(Attempt.id == attempt.id).values(score=Attempt.score + grade.score)
        )
    db.session.commit()
    return answer, True


def finish_attempt(attempt: Attempt) -> Attempt:
    """Close the attempt; unanswered questions count as zero. Idempotent."""
    if attempt.finished_at is None:
        total = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Answer.score), 0.0)).where(Answer.attempt_id == attempt.id)
        )
        attempt.score = float(total)
        attempt.finished_at = utcnow()
        db.session.commit()
    return attempt


def feedback(slot_: Slot) -> dict:
    """What a learner sees once a question is answered."""
    data = slot_.data
    answer = slot_.answer
    grade = scoring.grade(data, answer.response) if answer is not None else None
    return {
        "correct": answer.correct if answer else False,
        "score": answer.score if answer else None,
        "correct_answer": scoring.correct_answer(data),
        "chosen_feedback": grade.feedback if grade else None,
        "explanation": data.get("general_feedback"),
        "source": data.get("source"),
    }
