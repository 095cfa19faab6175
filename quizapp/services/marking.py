"""Marking by hand: essays a teacher marks, and grades a teacher sets for a whole attempt.

An essay has no automatic score: its answer waits (``score`` None) until
one of the quiz's teachers marks it. Like every question of a quiz, an
essay is worth :data:`ESSAY_MARK` (1 mark); a teacher gives any part of it
(0.5, 0.75). An essay counts towards its attempt's score once it is
marked: marking it adds the mark to the attempt's ``score`` and its one mark
to ``max_score``; re-marking replaces the mark (the same row, changed).

A teacher may also override a finished attempt's grade (a percent, with a
reason); :attr:`quizapp.models.Attempt.percent` then reports it everywhere
the grade is shown. Both are kept in the audit trail
(:func:`quizapp.services.audit.record_attempt`).

Only the quiz's teachers (its owner and co-teachers) mark its answers.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, Question, QuestionVersion, Quiz, User
from quizapp.models._common import utcnow
from quizapp.services import audit, quizzes, timing
from quizapp.services.errors import Conflict, InvalidInput, NotFound

#: what an essay is worth, as every question of a quiz (an answer's score is the fraction earned)
ESSAY_MARK = 1.0
MAX_COMMENT = 4000
MAX_REASON = 1000


@dataclass(frozen=True)
class QueueItem:
    answer: Answer
    learner: str
    stem: str
    submitted_at: dt.datetime


@dataclass(frozen=True)
class MarkingQueue:
    quiz: Quiz
    waiting: list[QueueItem]  # oldest first
    marked: list[QueueItem]  # marked already, most recently marked first (to mark again)


def _essays_of(quiz_id: int):
    """Essay answers of the quiz's finished attempts, with the learner's name and the version shown."""
    return (
        sa.select(Answer, User.username, QuestionVersion)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .join(User, User.id == Attempt.user_id)
        .join(QuestionVersion, QuestionVersion.id == Answer.version_id)
        .join(Question, Question.id == Answer.question_id)
        .where(Attempt.quiz_id == quiz_id, Attempt.finished_at.is_not(None), Question.type == "essay")
    )


def waiting_clause():
    """SQL condition on Answer (joined to its attempt and question): an essay of a finished attempt with no mark."""
    return sa.and_(Answer.score.is_(None), Question.type == "essay", Attempt.finished_at.is_not(None))


def marking_queue(quiz_id: int, teacher_id: int) -> MarkingQueue:
    """The quiz's essays waiting for a mark, oldest first, and those marked already.

    :raises NotFound: unless the teacher built or co-teaches the quiz.
    """
    from quizapp.presentation import stem_text

    quiz = quizzes.own_quiz(quiz_id, teacher_id)
    timing.close_overdue(utcnow(), quiz_id=quiz.id)  # an attempt over at its time limit has essays to mark
    rows = db.session.execute(_essays_of(quiz.id).order_by(Answer.submitted_at, Answer.id)).all()
    items = [(a, QueueItem(a, name, stem_text(v.data), a.submitted_at)) for a, name, v in rows]
    waiting = [item for a, item in items if a.score is None]
    marked = sorted((item for a, item in items if a.score is not None),
                    key=lambda i: (i.answer.marked_at or i.submitted_at, i.answer.id), reverse=True)
    return MarkingQueue(quiz, waiting, marked)


def essay_answer(quiz_id: int, answer_id: int, teacher_id: int) -> tuple[Quiz, Answer]:
    """An essay answer of a finished attempt at the teacher's quiz.

    :raises NotFound: not the teacher's quiz, or no such answer in it.
    :raises Conflict: the answer is not an essay, or its attempt is still open.
    """
    quiz = quizzes.own_quiz(quiz_id, teacher_id)
    timing.close_overdue(utcnow(), quiz_id=quiz.id)  # submitted at its deadline, not "in progress"
    answer = db.session.get(Answer, answer_id)
    if answer is None or answer.attempt.quiz_id != quiz.id:
        raise NotFound("This quiz has no such answer.")
    if answer.version.data.get("type") != "essay":
        raise Conflict("Only essays are marked by hand; this answer was scored automatically.")
    if answer.attempt.finished_at is None:
        raise Conflict("This attempt is still in progress: mark it once the learner has finished.")
    return quiz, answer


def parse_mark(text: str | None) -> float:
    """A mark typed by a teacher: a number from 0 to :data:`ESSAY_MARK`.

    :raises InvalidInput: for anything else, naming the field "mark".
    """
    raw = (text or "").strip().replace(",", ".")
    if not raw:
        raise InvalidInput("Give a mark.", where="mark")
    try:
        mark = float(raw)
    except ValueError:
        raise InvalidInput(f"“{raw[:40]}” is not a number: give a mark from 0 to {ESSAY_MARK:g}.", where="mark") from None
    if not math.isfinite(mark) or not 0 <= mark <= ESSAY_MARK:
        raise InvalidInput(f"A mark is from 0 to {ESSAY_MARK:g} (this essay's maximum).", where="mark")
    return round(mark, 4)


def mark_answer(quiz_id: int, answer_id: int, teacher_id: int, mark_text: str | None, comment: str | None) -> Answer:
    """Mark an essay (or mark it again), update its attempt's score and audit it. Commits.

    :raises NotFound: not the teacher's quiz, or no such answer in it.
    :raises Conflict: not an essay, an open attempt, or another teacher marked it meanwhile.
    :raises InvalidInput: a mark out of range or not a number, or a comment too long.
    """
    _quiz, answer = essay_answer(quiz_id, answer_id, teacher_id)
    mark = parse_mark(mark_text)
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise InvalidInput(f"A comment is at most {MAX_COMMENT} characters.", where="comment")
    old_score, old_marked_at, old_comment = answer.score, answer.marked_at, answer.teacher_comment or ""
    if old_score is not None and math.isclose(old_score, mark) and old_comment == comment:
        return answer  # nothing changed: nothing to record
    now = utcnow()
    # compare-and-set on when it was last marked: two teachers saving at once cannot both count
    claimed = db.session.execute(
        sa.update(Answer)
        .where(Answer.id == answer.id,
               Answer.marked_at.is_(None) if old_marked_at is None else Answer.marked_at == old_marked_at)
        .values(score=mark, correct=mark >= ESSAY_MARK, teacher_comment=comment or None,
                marked_by_id=teacher_id, marked_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise Conflict("Another teacher marked this answer a moment ago; here is their mark.")
    delta = mark - (old_score or 0.0)
    values = {"score": Attempt.score + delta}
    if old_score is None:
        values["max_score"] = Attempt.max_score + ESSAY_MARK  # the essay counts from now on
    db.session.execute(
        sa.update(Attempt).where(Attempt.id == answer.attempt_id).values(**values)
        .execution_options(synchronize_session=False)
    )
    was = "unmarked" if old_score is None else f"was {old_score:g}"
    detail = f"{answer.attempt.user.username}, question {answer.position}: {mark:g} of {ESSAY_MARK:g} ({was})"
    if comment != old_comment:
        detail += f"; comment: {comment}" if comment else "; comment removed"
    audit.record_attempt(answer.attempt_id, "marked", teacher_id, question=answer.question, detail=detail)
    db.session.commit()
    db.session.expire_all()
    answer = db.session.get(Answer, answer.id)
    _grade_changed(answer.attempt)
    return answer


def quiz_attempt(quiz_id: int, attempt_id: int, teacher_id: int) -> tuple[Quiz, Attempt]:
    """An attempt at the teacher's quiz.

    :raises NotFound: not the teacher's quiz, or no such attempt at it.
    """
    quiz = quizzes.own_quiz(quiz_id, teacher_id)
    timing.close_overdue(utcnow(), quiz_id=quiz.id)  # submitted at its deadline, not "in progress"
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.quiz_id != quiz.id:
        raise NotFound("This quiz has no such attempt.")
    return quiz, attempt


def parse_percent(text: str | None) -> float | None:
    """A grade typed by a teacher: a percent from 0 to 100, or blank for none.

    :raises InvalidInput: for anything else, naming the field "grade".
    """
    raw = (text or "").strip().rstrip("%").strip().replace(",", ".")
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise InvalidInput(f"“{raw[:40]}” is not a number: give a grade from 0 to 100.", where="grade") from None
    if not math.isfinite(value) or not 0 <= value <= 100:
        raise InvalidInput("A grade is a percent from 0 to 100.", where="grade")
    return round(value, 2)


def override_grade(quiz_id: int, attempt_id: int, teacher_id: int, grade_text: str | None,
                   reason: str | None) -> Attempt:
    """Set (or, with a blank grade, remove) a finished attempt's grade by hand, with a reason. Commits.

    :raises NotFound: not the teacher's quiz, or no such attempt at it.
    :raises Conflict: the attempt is still in progress.
    :raises InvalidInput: no reason, a reason too long, or a grade out of range.
    """
    _quiz, attempt = quiz_attempt(quiz_id, attempt_id, teacher_id)
    if attempt.finished_at is None:
        raise Conflict("This attempt is still in progress: its grade can be set once it is finished.")
    grade = parse_percent(grade_text)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Give a reason: it is kept in the audit trail.", where="reason")
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"A reason is at most {MAX_REASON} characters.", where="reason")
    if grade is None and attempt.grade_override is None:
        raise InvalidInput("Give a grade: this attempt has no grade set by hand to remove.", where="grade")
    before = "none" if attempt.grade_override is None else f"{attempt.grade_override:g}%"
    attempt.grade_override = grade
    attempt.override_reason = reason if grade is not None else None
    attempt.override_by_id = teacher_id if grade is not None else None
    attempt.override_at = utcnow() if grade is not None else None
    computed = f"{attempt.computed_percent:.2f}".rstrip("0").rstrip(".")
    now = "removed" if grade is None else f"set to {grade:g}%"
    detail = (f"{attempt.user.username}: grade {now} (override before: {before}; from the marks: {computed}%);"
              f" reason: {reason}")
    audit.record_attempt(attempt.id, "overridden", teacher_id, detail=detail)
    db.session.commit()
    _grade_changed(attempt)
    return attempt


def _grade_changed(attempt: Attempt) -> None:
    """A finished attempt's grade changed: send the learner's grade again to their LMS links (LTI)."""
    if attempt.finished_at is not None:
        from quizapp.services import lti_services

        lti_services.queue_for_learner(attempt.user_id, attempt.quiz_id)


def waiting_counts(attempt_filter) -> dict[tuple[int, int], int]:
    """(learner id, quiz id) -> essays waiting for a mark, for the attempts ``attempt_filter`` selects."""
    rows = db.session.execute(
        sa.select(Attempt.user_id, Attempt.quiz_id, sa.func.count())
        .select_from(Answer)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .join(Question, Question.id == Answer.question_id)
        .where(waiting_clause(), attempt_filter)
        .group_by(Attempt.user_id, Attempt.quiz_id)
    ).all()
    return {(user_id, quiz_id): n for user_id, quiz_id, n in rows}


def waiting_in_attempt(attempt_id: int) -> int:
    """How many essays of this attempt wait for a mark."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Answer)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.attempt_id == attempt_id, Answer.score.is_(None), Question.type == "essay")
    )
