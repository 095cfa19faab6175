"""A learner's progress: attempts over time, best and latest scores, weak spots."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, Question, Quiz
from quizapp.models._common import utcnow
from quizapp.services import marking, scheduling, timing

FACT_KIND_LABELS = {
    "quote": "Who said what",
    "person": "Who is who",
    "organization": "Which organization",
    "date": "When",
    "place": "Where",
}


@dataclass(frozen=True)
class QuizSummary:
    quiz: Quiz
    attempts: int
    best: float
    latest: float


@dataclass(frozen=True)
class KindAccuracy:
    kind: str
    label: str
    answered: int
    percent: float


@dataclass(frozen=True)
class Missed:
    question: Question
    misses: int
    answered: int


@dataclass(frozen=True)
class Progress:
    attempts: list[Attempt]
    quizzes: list[QuizSummary]
    kinds: list[KindAccuracy]
    missed: list[Missed]
    #: finished attempts whose score waits for the quiz's feedback (after close)
    pending: set[int] = field(default_factory=set)
    #: finished attempts with an essay still waiting for a teacher's mark (their score may change)
    awaiting_mark: set[int] = field(default_factory=set)


# The progress page's three reads, built once (bound parameters ``user_id``, ``now`` and ``limit``).

#: the learner may see right and wrong at ``now``
_VISIBLE = timing.feedback_visible_clause(sa.bindparam("now", type_=sa.DateTime))
#: the learner's finished attempts, each with whether its feedback is visible and whether an essay
#: of it waits for a mark (in the same statement: the page's query count stays fixed)
_FINISHED_ATTEMPTS = (
    sa.select(
        Attempt, _VISIBLE,
        sa.exists().where(Answer.attempt_id == Attempt.id, Question.id == Answer.question_id, marking.waiting_clause()),
    )
    .join(Quiz, Quiz.id == Attempt.quiz_id)
    .options(sa.orm.contains_eager(Attempt.quiz))
    .where(Attempt.user_id == sa.bindparam("user_id"), Attempt.finished_at.is_not(None))
    .order_by(Attempt.finished_at)
)
#: the learner's scored answers whose feedback is visible: the joins of accuracy per kind and most missed
_SCORED_ANSWERS = (
    sa.select(Question.id)
    .join(Answer, Answer.question_id == Question.id)
    .join(Attempt, Attempt.id == Answer.attempt_id)
    .join(Quiz, Quiz.id == Attempt.quiz_id)
    .where(Attempt.user_id == sa.bindparam("user_id"), Answer.score.is_not(None), _VISIBLE)
)
_ACCURACY_BY_KIND = (
    _SCORED_ANSWERS.with_only_columns(Question.fact_kind, sa.func.count(), sa.func.avg(Answer.score))
    .where(Question.fact_kind.is_not(None))
    .group_by(Question.fact_kind)
)
_MISSES = sa.func.sum(sa.case((Answer.correct.is_(False), 1), else_=0))
_MOST_MISSED = (
    _SCORED_ANSWERS.with_only_columns(Question, _MISSES, sa.func.count())
    .options(sa.orm.selectinload(Question.current))  # each stem in one query, not one per row
    .group_by(Question.id)
    .having(_MISSES > 0)
    .order_by(_MISSES.desc(), Question.id)
    .limit(sa.bindparam("limit"))
)


def learner_progress(user_id: int, missed_limit: int = 10, now: dt.datetime | None = None) -> Progress:
    """Everything the progress page shows for one learner.

    Scores, accuracy and "missed most" count only answers whose feedback the
    learner may see now: a quiz that shows feedback after its close keeps
    its scores and misses to itself until then.
    """
    now = now or utcnow()
    scheduling.settle_reviews(user_id, now)  # closes attempts past their quiz's close, too
    params = {"user_id": user_id, "now": now, "limit": missed_limit}
    rows = db.session.execute(_FINISHED_ATTEMPTS, params).all()
    attempts = [attempt for attempt, _, _ in rows]
    pending = {attempt.id for attempt, shown, _ in rows if not shown}
    awaiting = {attempt.id for attempt, _, waits in rows if waits}
    by_quiz: dict[int, list[Attempt]] = {}
    for attempt in attempts:
        if attempt.id not in pending:
            by_quiz.setdefault(attempt.quiz_id, []).append(attempt)
    quizzes = [
        QuizSummary(group[0].quiz, len(group), max(a.percent for a in group), group[-1].percent)
        for group in by_quiz.values()
    ]
    kinds = sorted(
        (
            KindAccuracy(kind, FACT_KIND_LABELS.get(kind, kind), count, 100.0 * max(avg or 0.0, 0.0))
            for kind, count, avg in db.session.execute(_ACCURACY_BY_KIND, params)
        ),
        key=lambda k: list(FACT_KIND_LABELS).index(k.kind) if k.kind in FACT_KIND_LABELS else 99,
    )
    missed = [Missed(question, int(m), int(n)) for question, m, n in db.session.execute(_MOST_MISSED, params)]
    return Progress(attempts, quizzes, kinds, missed, pending, awaiting)


@dataclass(frozen=True)
class QuizStanding:
    """Where a learner stands with one quiz, for the quiz list."""

    open_attempt_id: int | None  # an attempt in progress
    resume_at: int  # its first unanswered question
    best: float | None  # percent, over finished attempts whose score the learner may see
    last: float | None
    waiting: bool  # a finished attempt whose score is shown only after the quiz closes


def quiz_standings(user_id: int, now: dt.datetime | None = None) -> dict[int, QuizStanding]:
    """Per quiz id: the learner's attempt in progress and their best and last visible scores.

    Attempts past their time limit or their quiz's close are submitted first
    (:func:`quizapp.services.timing.close_overdue`), so the list never offers
    to continue an attempt that is over.
    """
    now = now or utcnow()
    timing.close_overdue(now, user_id=user_id)
    rows = db.session.execute(
        sa.select(Attempt.id, Attempt.quiz_id, Attempt.finished_at, Attempt.score, Attempt.max_score,
                  Attempt.grade_override, timing.feedback_visible_clause(now))
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        # an open live attempt (issue 20) is answered in its session, not resumed from the list
        .where(Attempt.user_id == user_id, sa.or_(Attempt.finished_at.is_not(None), Attempt.live_session_id.is_(None)))
        .order_by(Attempt.finished_at, Attempt.id)
    ).all()
    open_ids = {quiz_id: attempt_id for attempt_id, quiz_id, finished, *_ in rows if finished is None}
    answered: dict[int, set[int]] = {}
    if open_ids:
        for attempt_id, position in db.session.execute(
            sa.select(Answer.attempt_id, Answer.position).where(Answer.attempt_id.in_(open_ids.values()))
        ):
            answered.setdefault(attempt_id, set()).add(position)
    sizes = dict(
        db.session.execute(sa.select(Attempt.id, Attempt.layout).where(Attempt.id.in_(open_ids.values()))).all()
    ) if open_ids else {}
    scores: dict[int, list[float]] = {}
    waiting: set[int] = set()
    for _, quiz_id, finished, score, max_score, override, visible in rows:
        if finished is None:
            continue
        if not visible:
            waiting.add(quiz_id)
            continue
        # as Attempt.percent: a teacher's grade set by hand replaces the marks' percent
        percent = override if override is not None else (
            100.0 * max(score, 0.0) / max_score if max_score else 0.0
        )
        scores.setdefault(quiz_id, []).append(percent)
    standings = {}
    for quiz_id in set(open_ids) | set(scores) | waiting:
        attempt_id = open_ids.get(quiz_id)
        resume = 1
        if attempt_id is not None:
            done = answered.get(attempt_id, set())
            resume = next((n for n in range(1, len(sizes[attempt_id]) + 1) if n not in done), 1)
        past = scores.get(quiz_id, [])
        standings[quiz_id] = QuizStanding(
            attempt_id, resume, max(past) if past else None, past[-1] if past else None, quiz_id in waiting
        )
    return standings
