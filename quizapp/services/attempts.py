"""Taking a quiz: start or resume an attempt, record answers, finish."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from quizapp.extensions import db
from quizapp.generator import quoted_source
from quizapp.models import Answer, Attempt, Enrollment, Question, QuestionVersion, Quiz, QuizQuestion, User
from quizapp.models._common import utcnow
from quizapp.models.quiz import quiz_classroom
from quizapp.services import ownership, question_files, scheduling, scoring, timing
from quizapp.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from quizapp.services.timing import DEADLINE_GRACE


@dataclass(frozen=True)
class Slot:
    """One question of an attempt as the learner sees it."""

    position: int  # 1-based
    question_id: int
    version_id: int  # the question version the attempt was given
    data: dict  # that version's content (QuestionVersion.data)
    order: list  # shown order of choices / match options / items (canonical indexes); a cloze: one list per gap
    answer: Answer | None


def _no_classes():
    return ~sa.exists().where(quiz_classroom.c.quiz_id == Quiz.id)


def _published_for(user_id):
    """A published quiz open to everyone or given to a class of ``user_id`` (a value or a bound parameter)."""
    in_my_class = sa.exists().where(
        quiz_classroom.c.quiz_id == Quiz.id,
        quiz_classroom.c.classroom_id == Enrollment.classroom_id,
        Enrollment.user_id == user_id,
    )
    return sa.and_(Quiz.is_published, sa.or_(_no_classes(), in_my_class))


def _visible_to_learner(user_id):
    """What a user who is not a teacher may see: :func:`_published_for` them, and the quizzes they built."""
    return sa.or_(_published_for(user_id), Quiz.created_by_id == user_id)


def visible_quizzes_filter(user: User | None):
    """SQL condition for the quizzes ``user`` may see.

    A published quiz with no classes is open to everyone; one given to
    classes is seen by their learners; a teacher always sees the quizzes
    they built or co-teach, and those given to a class they teach.
    """
    if user is None or not user.is_authenticated:
        return sa.and_(Quiz.is_published, _no_classes())
    if not user.is_teacher:
        return _visible_to_learner(user.id)
    in_a_class_i_teach = sa.exists().where(
        quiz_classroom.c.quiz_id == Quiz.id, quiz_classroom.c.classroom_id.in_(ownership.taught_class_ids(user.id))
    )
    return sa.or_(_published_for(user.id), ownership.taught_quizzes_clause(user.id), in_a_class_i_teach)


def visible_quizzes(user: User | None, page: int = 1, per_page: int = 25):
    """One page of the quizzes ``user`` may see (:func:`visible_quizzes_filter`), in the index page's order.

    :returns: a Flask-SQLAlchemy ``Pagination`` of :class:`Quiz`.
    """
    query = (sa.select(Quiz).where(visible_quizzes_filter(user))
             .options(sa.orm.selectinload(Quiz.entries))  # every quiz's question count, in one more query
             .order_by(Quiz.article_id.is_(None), Quiz.article_id, Quiz.position, Quiz.id))
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


#: the quiz a learner opens by its slug, if they may see it (:func:`visible_quizzes_filter` for one who
#: is not a teacher), and the reads and the lock of starting an attempt: built once, as every learner's
#: visit runs them (bound parameters ``slug``, ``viewer``, ``quiz_id``, ``learner``)
_LEARNER_QUIZ = sa.select(Quiz).where(Quiz.slug == sa.bindparam("slug"), _visible_to_learner(sa.bindparam("viewer")))
_ATTEMPTS_USED = sa.select(sa.func.count()).select_from(Attempt).where(
    Attempt.quiz_id == sa.bindparam("quiz_id"), Attempt.user_id == sa.bindparam("learner"),
    Attempt.live_session_id.is_(None),
)
_OPEN_ATTEMPT = (
    sa.select(Attempt)
    .where(Attempt.quiz_id == sa.bindparam("quiz_id"), Attempt.user_id == sa.bindparam("learner"),
           Attempt.finished_at.is_(None), Attempt.live_session_id.is_(None))
    .order_by(Attempt.id.desc())
    .limit(1)
)
_LOCK_LEARNER = sa.update(User).where(User.id == sa.bindparam("learner")).values(role=User.role)
_PUBLISHED_QUESTIONS = (
    sa.select(Question.id, QuestionVersion)
    .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
    .join(QuizQuestion, QuizQuestion.question_id == Question.id)
    .where(QuizQuestion.quiz_id == sa.bindparam("quiz_id"), Question.status == "published")
    .order_by(QuizQuestion.position)
)


def get_quiz(slug: str, user: User | None = None) -> Quiz:
    """The quiz called ``slug`` if ``user`` may see it.

    :raises NotFound: when there is none, or it is not for this user.
    """
    if user is not None and user.is_authenticated and not user.is_teacher:
        quiz = db.session.scalar(_LEARNER_QUIZ, {"slug": slug, "viewer": user.id})
    else:
        quiz = db.session.scalar(sa.select(Quiz).where(Quiz.slug == slug, visible_quizzes_filter(user)))
    if quiz is None:
        raise NotFound(f"There is no quiz called “{slug}”.")
    return quiz


def attempts_used(quiz: Quiz, user_id: int) -> int:
    """The learner's attempts at the quiz; a live session's (issue 20) is the teacher's choice, not one of them."""
    return db.session.scalar(_ATTEMPTS_USED, {"quiz_id": quiz.id, "learner": user_id})


def why_closed(quiz: Quiz, now: dt.datetime | None = None) -> str | None:
    """Why the quiz cannot be started now, or None when it can."""
    now = now or utcnow()
    if quiz.opens_at and now < quiz.opens_at:
        return f"This quiz opens on {quiz.opens_at:%Y-%m-%d at %H:%M} UTC."
    if quiz.closes_at and now >= quiz.closes_at:
        return f"This quiz closed on {quiz.closes_at:%Y-%m-%d at %H:%M} UTC."
    return None


#: an attempt with its quiz (its close, its feedback timing), which every caller of get_attempt
#: reads: one query, built once (every page of a quiz runs it)
_ATTEMPT_WITH_QUIZ = (
    sa.select(Attempt).options(sa.orm.joinedload(Attempt.quiz)).where(Attempt.id == sa.bindparam("attempt_id"))
)

#: the content of the question version a page shows (a column, not a mapped object: nothing else
#: of the version is read), built once
_VERSION_DATA = sa.select(QuestionVersion.data).where(QuestionVersion.id == sa.bindparam("version_id"))


def get_attempt(attempt_id: int, user_id: int) -> Attempt:
    """The user's own attempt; anyone else's is reported as missing.

    :raises NotFound: when it does not exist or belongs to someone else.
    """
    attempt = db.session.scalar(_ATTEMPT_WITH_QUIZ, {"attempt_id": attempt_id})
    if attempt is None or attempt.user_id != user_id:
        raise NotFound("There is no such attempt.")
    if attempt.live_session_id is not None and attempt.finished_at is None:
        # a live session's attempt is answered on the session's page, in the session's time (issue 20)
        raise NotFound("This attempt belongs to a live session; answer on the session's page.")
    return attempt


def own_attempts(user_id: int, page: int = 1, per_page: int = 25):
    """One page of the user's own attempts, newest first (those past their time or close are closed first).

    :returns: a Flask-SQLAlchemy ``Pagination`` of :class:`Attempt`.
    """
    timing.close_overdue(utcnow(), user_id=user_id)
    query = sa.select(Attempt).where(Attempt.user_id == user_id).order_by(Attempt.started_at.desc(), Attempt.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


def open_attempt(quiz: Quiz, user_id: int) -> Attempt | None:
    """The user's unfinished attempt at ``quiz``, if any (one past the quiz's close is closed first)."""
    timing.close_overdue(utcnow(), user_id=user_id, quiz_id=quiz.id)
    return _open_attempt(quiz, user_id)


def _open_attempt(quiz: Quiz, user_id: int) -> Attempt | None:
    return db.session.scalar(_OPEN_ATTEMPT, {"quiz_id": quiz.id, "learner": user_id})


def shown_order(data: dict, shuffle: bool, rng: random.Random) -> list:
    """The order a question's choices, match options or items are shown in (canonical indexes).

    Ordering items are never shown in the right order; a cloze question has one list per gap.
    """
    qtype = data["type"]
    if qtype == "cloze":
        return scoring.cloze_order(data, shuffle, rng)
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


def _lock_learner(user_id: int) -> None:
    """Serialise attempt starts of one learner (two tabs, a double click) until commit.

    A no-op UPDATE of the learner's row takes its write lock (the row on
    PostgreSQL, the database on SQLite) before the open attempt and the
    attempts used are read, so concurrent starts cannot both pass the
    attempt limit or both create a new attempt (issue 9, tests/test_concurrency.py).
    """
    db.session.execute(_LOCK_LEARNER, {"learner": user_id})


def start_attempt(quiz: Quiz, user_id: int, seed: int | None = None) -> Attempt:
    """Resume the user's unfinished attempt or start a new one.

    The questions (published ones only, ``draw_count`` of them at random when
    the quiz draws), their versions and the shown order of choices are fixed
    now, so a reload shows the same page; so is the deadline of a timed quiz.

    :raises InvalidInput: when the quiz has no published questions.
    :raises Forbidden: when the quiz is not open or every attempt is used.
    """
    timing.close_overdue(utcnow(), user_id=user_id, quiz_id=quiz.id)  # commits: before the lock
    _lock_learner(user_id)
    existing = _open_attempt(quiz, user_id)
    if existing is not None and _closed_at(existing, utcnow()) is None:
        return existing
    if existing is not None:  # ran out of time since: close it, then take the lock again
        expire_if_late(existing)
        _lock_learner(user_id)
    closed = why_closed(quiz)
    if closed:
        raise Forbidden(closed)
    if quiz.attempts_allowed is not None and attempts_used(quiz, user_id) >= quiz.attempts_allowed:
        raise Forbidden(f"You have used all {quiz.attempts_allowed} attempt(s) at this quiz.")
    rows = published_questions(quiz)
    if not rows:
        raise InvalidInput("This quiz has no questions yet.")
    now = utcnow()
    deadline = now + dt.timedelta(seconds=quiz.time_limit_s) if quiz.time_limit_s else None
    attempt = Attempt(user_id=user_id, quiz_id=quiz.id, layout=[], max_score=0.0, started_at=now, deadline_at=deadline)
    db.session.add(attempt)
    db.session.flush()  # the id seeds the attempt's order
    # Issue 14: the draw and the orders come from a server secret and the
    # attempt's id, so no learner can predict them (``seed`` is for tests).
    rng = random.Random(seed) if seed is not None else timing.keyed_random("attempt", attempt.id)
    rows = list(rows)
    if quiz.draw_count and quiz.draw_count < len(rows):
        drawn = set(rng.sample(range(len(rows)), quiz.draw_count))
        rows = [row for n, row in enumerate(rows) if n in drawn]
    if quiz.shuffle_questions:
        rng.shuffle(rows)
    layout = [
        {"question": qid, "version": version.id, "order": shown_order(version.data, quiz.shuffle_choices, rng)}
        for qid, version in rows
    ]
    attempt.layout = layout
    attempt.max_score = float(sum(1 for _, version in rows if scoring.is_graded(version.data)))
    db.session.commit()
    return attempt


def published_questions(quiz: Quiz) -> list[tuple[int, QuestionVersion]]:
    """(question id, current version) of the quiz's published questions, in the quiz's order."""
    return db.session.execute(_PUBLISHED_QUESTIONS, {"quiz_id": quiz.id}).all()


def view_key(attempt: Attempt, position: int) -> str:
    """The key under which the server remembers when it first showed this question (timing.mark_shown)."""
    return f"attempt:{attempt.id}:{position}"


def slots(attempt: Attempt) -> list[Slot]:
    """Every question of the attempt, with the answer given so far."""
    versions = dict(db.session.execute(
        sa.select(QuestionVersion.id, QuestionVersion.data)
        .where(QuestionVersion.id.in_([e["version"] for e in attempt.layout]))
    ).all())
    answers = {a.question_id: a for a in attempt.answers}
    return [
        Slot(n, entry["question"], entry["version"], versions[entry["version"]], entry["order"],
             answers.get(entry["question"]))
        for n, entry in enumerate(attempt.layout, 1)
    ]


def slot(attempt: Attempt, position: int) -> Slot:
    """:raises NotFound: when the attempt has no question at ``position``."""
    if not 1 <= position <= len(attempt.layout):
        raise NotFound(f"This attempt has no question {position}.")
    entry = attempt.layout[position - 1]
    data = db.session.scalar(_VERSION_DATA, {"version_id": entry["version"]})
    # all the attempt's answers at once: the page's question grid (states) reads them too
    answer = next((a for a in attempt.answers if a.question_id == entry["question"]), None)
    return Slot(position, entry["question"], entry["version"], data, entry["order"], answer)


#: the attempts' table: the answer's two writes to its attempt (the lock, the score) go to the table,
#: not through the mapped class, whose bulk update layer costs more Python than the statements;
#: both are built once (bound parameters ``attempt_id`` and ``points``)
ATTEMPTS = Attempt.__table__
_LOCK_ATTEMPT = (
    sa.update(ATTEMPTS).where(ATTEMPTS.c.id == sa.bindparam("attempt_id"))
    .values(finished_at=ATTEMPTS.c.finished_at).returning(ATTEMPTS.c.finished_at)
)
_ADD_TO_SCORE = (
    sa.update(ATTEMPTS).where(ATTEMPTS.c.id == sa.bindparam("attempt_id"))
    .values(score=ATTEMPTS.c.score + sa.bindparam("points", type_=ATTEMPTS.c.score.type))
)


def _lock_attempt(attempt: Attempt) -> None:
    """Take the attempt's write lock until commit, then read it afresh.

    A no-op UPDATE of the attempt's row: on PostgreSQL it locks the row (as
    ``SELECT … FOR UPDATE`` would), on SQLite it takes the database's one
    writer lock. Answers and finishing both take it first, so they are
    serialised: an answer either commits before the attempt is finished, or
    sees it finished and stores nothing (issue 14, point 4).
    """
    finished_at = db.session.execute(_LOCK_ATTEMPT, {"attempt_id": attempt.id}).scalar_one()
    if finished_at != attempt.finished_at:  # finished by another request meanwhile
        db.session.refresh(attempt, ["finished_at", "score"])


def _closed_at(attempt: Attempt, now: dt.datetime) -> dt.datetime | None:
    """When the attempt had to end, if that time has passed: its time limit (with grace) or the quiz's close."""
    ends = []
    if attempt.deadline_at is not None and now > attempt.deadline_at + DEADLINE_GRACE:
        ends.append(attempt.deadline_at)
    closes_at = attempt.quiz.closes_at
    if closes_at is not None and now >= closes_at:
        ends.append(closes_at)
    return min(ends) if ends else None


def record_answer(
    attempt: Attempt, position: int, response: Any, time_taken_ms: int | None = None,
    current: Slot | None = None, now: dt.datetime | None = None,
) -> tuple[Answer, bool]:
    """Score and store the answer to question ``position`` of ``attempt``.

    Returns the answer and whether it was recorded now. A second submission
    of the same question returns the first answer unchanged, unless the
    quiz defers its feedback (:func:`answers_can_change`): then it replaces it.
    An answer in the grace after the time limit finishes the attempt
    (:func:`_commit_answer`).

    :param time_taken_ms: measured by the server (see
        :func:`quizapp.services.timing.time_taken_ms`), never by the browser.
    :param current: ``slot(attempt, position)`` when the caller already has
        it (the answer page reads it to parse the form): saves a query.

    :raises Conflict: when the attempt is finished, timed out or its quiz closed.
    :raises NotFound: when the attempt has no such question.
    :raises InvalidInput: when the response does not fit the question.
    """
    now_given, now = now, now or utcnow()
    if attempt.finished_at is not None:
        raise Conflict(_finished_message(attempt))
    if expire_if_late(attempt, now):
        raise Conflict(closed_message(attempt) + " This answer was not recorded.")
    if current is None or current.position != position:
        current = slot(attempt, position)
    if current.answer is not None and not answers_can_change(attempt):
        return current.answer, False
    try:
        grade = scoring.grade(current.data, response)
        response = scoring.check_response(current.data, response)
    except scoring.InvalidResponse as exc:
        raise InvalidInput(str(exc).capitalize() + ".", where=f"question {position}") from None
    _lock_attempt(attempt)
    if attempt.finished_at is not None:  # finished while this answer was on its way
        db.session.rollback()
        raise Conflict(_finished_message(attempt))
    ended = _closed_at(attempt, utcnow())
    if ended is not None:  # the time limit or the close passed while it waited for the lock
        _finish_locked(attempt, ended)
        raise Conflict(closed_message(attempt) + " This answer was not recorded.")
    if current.answer is not None:  # feedback is deferred: the learner changes their answer
        return _change_answer(attempt, current, response, grade, time_taken_ms, now if now_given else utcnow()), True
    answer = Answer(
        attempt_id=attempt.id,
        question_id=current.question_id,
        version_id=current.version_id,
        position=position,
        response=response,
        score=grade.score,
        correct=grade.correct,
        time_taken_ms=time_taken_ms if time_taken_ms is None else max(0, min(time_taken_ms, 86_400_000)),
        submitted_at=utcnow() if now_given is None else now,  # under the lock: before any finish after it
    )
    # Spaced repetition (issue 6): the answer is also an FSRS review of the
    # learner's card for this question, stored in this same transaction —
    # unless the quiz defers its feedback: then the review waits until the
    # feedback is due (scheduling.settle_reviews), or the Review page's
    # schedule would tell right from wrong before the quiz does.
    if attempt.quiz.feedback_timing == "immediately":
        scheduling.review_answer(
            attempt.user_id, current.question_id, grade.score, answer.time_taken_ms, answer.submitted_at,
            question_type=current.data["type"], version_id=current.version_id, flush=False,
        )
    else:
        answer.review_pending = scheduling.is_scheduled(current.data["type"]) and grade.score is not None
    db.session.add(answer)
    try:
        db.session.flush()
    except IntegrityError:  # the same answer arrived twice at once; keep the first (and its review)
        db.session.rollback()
        existing = db.session.scalar(
            sa.select(Answer).filter_by(attempt_id=attempt.id, question_id=current.question_id)
        )
        return existing, False
    if grade.score is not None:
        _add_to_score(attempt, grade.score)
    _commit_answer(attempt)
    return answer, True


def _add_to_score(attempt: Attempt, points: float) -> None:
    """Add an answer's points to the attempt's score in the database, before the commit that follows.

    ``attempt.score`` in this session keeps its old value until that commit
    expires it; finishing under the same lock sums the answers afresh.
    """
    db.session.execute(_ADD_TO_SCORE, {"attempt_id": attempt.id, "points": points})


def _commit_answer(attempt: Attempt) -> None:
    """Commit an answer stored under the attempt's lock.

    An answer that arrives in the grace after the time limit (the page's timer sends what the
    learner had typed when the time ran out) is the attempt's last: the attempt is finished
    with it, in the same transaction.
    """
    now = utcnow()
    if attempt.deadline_at is not None and now >= attempt.deadline_at:
        _finish_locked(attempt, now)
    else:
        db.session.commit()


def answers_can_change(attempt: Attempt) -> bool:
    """Whether an answered question may be answered again: the attempt is open and its feedback deferred.

    As Moodle's "deferred feedback": nothing tells the learner right from
    wrong before the attempt is submitted, so changing an answer reveals
    nothing; with immediate feedback an answer is final once seen marked.
    """
    return attempt.finished_at is None and attempt.quiz.feedback_timing != "immediately"


def _change_answer(
    attempt: Attempt, current: Slot, response: Any, grade: scoring.Grade, time_taken_ms: int | None, at: dt.datetime
) -> Answer:
    """Replace the learner's answer under the attempt's lock (taken by the caller); commits."""
    answer = db.session.scalar(
        sa.select(Answer).filter_by(attempt_id=attempt.id, question_id=current.question_id)
        .execution_options(populate_existing=True)
    )
    delta = (grade.score or 0.0) - (answer.score or 0.0)
    answer.response = response
    answer.score = grade.score
    answer.correct = grade.correct
    answer.time_taken_ms = time_taken_ms if time_taken_ms is None else max(0, min(time_taken_ms, 86_400_000))
    answer.submitted_at = at
    answer.review_pending = scheduling.is_scheduled(current.data["type"]) and grade.score is not None
    if delta:
        _add_to_score(attempt, delta)
    _commit_answer(attempt)
    return answer


@dataclass(frozen=True)
class SlotState:
    """What the question grid shows of one question: never right or wrong."""

    position: int
    answered: bool
    flagged: bool


def states(attempt: Attempt) -> list[SlotState]:
    """Each question's state for the grid and the summary: answered or not, flagged or not."""
    answered = {a.position for a in attempt.answers}
    flagged = set(attempt.flagged or [])
    return [SlotState(n, n in answered, n in flagged) for n in range(1, len(attempt.layout) + 1)]


def first_unanswered(attempt: Attempt) -> int:
    """The position to resume at: the first question not answered (the first one when all are)."""
    return next((s.position for s in states(attempt) if not s.answered), 1)


def set_flag(attempt: Attempt, position: int, flagged: bool) -> None:
    """Flag question ``position`` to come back to, or clear its flag. Idempotent.

    :raises NotFound: when the attempt has no question at ``position``.
    :raises Conflict: when the attempt is finished (or its time is up).
    """
    if not 1 <= position <= len(attempt.layout):
        raise NotFound(f"This attempt has no question {position}.")
    if attempt.finished_at is not None or expire_if_late(attempt):
        raise Conflict("This attempt is finished; its flags can no longer change.")
    _lock_attempt(attempt)
    if attempt.finished_at is not None:
        db.session.rollback()
        raise Conflict("This attempt is finished; its flags can no longer change.")
    db.session.refresh(attempt, ["flagged"])
    flags = set(attempt.flagged or [])
    if flagged:
        flags.add(position)
    else:
        flags.discard(position)
    attempt.flagged = sorted(flags)
    db.session.commit()


def timed_out(attempt: Attempt) -> bool:
    """Whether the attempt ended at its time limit (rather than by its learner or the quiz's close)."""
    if attempt.finished_at is None or attempt.deadline_at is None or attempt.finished_at < attempt.deadline_at:
        return False
    closes_at = attempt.quiz.closes_at
    return closes_at is None or closes_at > attempt.deadline_at


def finish_attempt(attempt: Attempt, at: dt.datetime | None = None) -> Attempt:
    """Close the attempt; unanswered questions count as zero. Idempotent.

    Takes the attempt's lock first, so no answer can be stored after it.
    """
    if attempt.finished_at is None:
        _lock_attempt(attempt)
        if attempt.finished_at is None:
            if at is None:  # read under the lock: every answer stored before is earlier
                now = utcnow()
                at = _closed_at(attempt, now) or now  # finishing late counts as of the limit or close
            _finish_locked(attempt, at)
        else:
            db.session.commit()
    return attempt


#: the sum of an attempt's marks: built once
_SCORE_OF = sa.select(sa.func.coalesce(sa.func.sum(Answer.score), 0.0)).where(
    Answer.attempt_id == sa.bindparam("attempt_id")
)


def _finish_locked(attempt: Attempt, at: dt.datetime) -> None:
    total = db.session.scalar(_SCORE_OF, {"attempt_id": attempt.id})
    attempt.score = float(total)
    attempt.finished_at = at
    db.session.commit()
    _grade_passback(attempt)


def _grade_passback(attempt: Attempt) -> None:
    """Send the learner's new grade to the LMS links (LTI) they opened this quiz from, on the job queue."""
    from quizapp.services import lti_services

    lti_services.attempt_finished(attempt)


def expire_if_late(attempt: Attempt, now: dt.datetime | None = None) -> bool:
    """Finish an attempt past its time limit or its quiz's closing date; True when it did (or already had)."""
    if attempt.finished_at is not None:
        return False
    ended = _closed_at(attempt, now or utcnow())
    if ended is None:
        return False
    finish_attempt(attempt, at=ended)
    return True


def _finished_message(attempt: Attempt) -> str:
    if attempt.finished_at in (attempt.deadline_at, attempt.quiz.closes_at):  # closed for the learner
        return closed_message(attempt) + " This answer was not recorded."
    return "This attempt is finished; its answers can no longer change."


def closed_message(attempt: Attempt) -> str:
    """Why an attempt ended without its learner finishing it."""
    closes_at = attempt.quiz.closes_at
    if closes_at is not None and attempt.finished_at is not None and attempt.finished_at >= closes_at:
        return f"The quiz closed on {closes_at:%Y-%m-%d at %H:%M} UTC: your attempt was submitted with the answers it held."
    if attempt.deadline_at is None:
        return "The attempt was submitted with the answers it held."
    return f"Time was up at {attempt.deadline_at:%H:%M} UTC; your answers given before then were submitted."


def seconds_left(attempt: Attempt, now: dt.datetime | None = None) -> int | None:
    if attempt.deadline_at is None or attempt.finished_at is not None:
        return None
    return max(0, int((attempt.deadline_at - (now or utcnow())).total_seconds()))


def feedback_visible(attempt: Attempt, now: dt.datetime | None = None) -> bool:
    """Whether the learner may see right/wrong, answers and sources now."""
    timing = attempt.quiz.feedback_timing
    if timing == "immediately":
        return True
    if timing == "after_attempt":
        return attempt.finished_at is not None
    closes_at = attempt.quiz.closes_at
    return attempt.finished_at is not None and closes_at is not None and (now or utcnow()) >= closes_at


def question_image(attempt: Attempt, position: int, name: str) -> question_files.Image:
    """An image of the question at ``position``, as the attempt's learner may see it now.

    The question's own images (stem, choices, prompts) are served while the
    learner answers; those only its feedback shows (or a short answer's
    accepted answers) once that feedback is visible (:func:`feedback_visible`,
    and the question answered or the attempt finished), as the page shows them.

    :raises NotFound: no such question or image, or an image not due yet.
    """
    slot_ = slot(attempt, position)
    due = feedback_visible(attempt) and (slot_.answer is not None or attempt.finished_at is not None)
    return question_files.image_for(slot_.data, name, feedback_due=due)


def feedback(slot_: Slot) -> dict:
    """What a learner sees once a question is answered."""
    data = slot_.data
    answer = slot_.answer
    grade = scoring.grade(data, answer.response) if answer is not None else None
    result = {
        "correct": answer.correct if answer else False,
        "score": answer.score if answer else None,
        "correct_answer": scoring.correct_answer(data),
        "chosen_feedback": grade.feedback if grade else None,
        "explanation": data.get("general_feedback"),
        "source": quoted_source(data),
        # an essay's mark and comment, once a teacher marked it (quizapp.services.marking)
        "teacher_comment": answer.teacher_comment if answer is not None else None,
        "awaits_mark": data["type"] == "essay" and answer is not None and answer.score is None,
    }
    if data["type"] == "cloze" and answer is not None:  # right or wrong, and the right answer, gap by gap
        result["chosen_feedback"] = None  # shown per gap instead
        result["gaps"] = scoring.gap_feedback(data, answer.response)
    return result
