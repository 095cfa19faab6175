"""A learner's progress: attempts over time, best and latest scores, weak spots."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, Question, Quiz

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


def learner_progress(user_id: int, missed_limit: int = 10) -> Progress:
    """Everything the progress page shows for one learner."""
    attempts = db.session.scalars(
        sa.select(Attempt)
        .options(sa.orm.joinedload(Attempt.quiz))
        .where(Attempt.user_id == user_id, Attempt.finished_at.is_not(None))
        .order_by(Attempt.finished_at)
    ).all()
    by_quiz: dict[int, list[Attempt]] = {}
    for attempt in attempts:
        by_quiz.setdefault(attempt.quiz_id, []).append(attempt)
    quizzes = [
        QuizSummary(group[0].quiz, len(group), max(a.percent for a in group), group[-1].percent)
        for group in by_quiz.values()
    ]

    kind_rows = db.session.execute(
        sa.select(Question.fact_kind, sa.func.count(), sa.func.avg(Answer.score))
        .join(Answer, Answer.question_id == Question.id)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .where(Attempt.user_id == user_id, Answer.score.is_not(None), Question.fact_kind.is_not(None))
        .group_by(Question.fact_kind)
    ).all()
    kinds = sorted(
        (
            KindAccuracy(kind, FACT_KIND_LABELS.get(kind, kind), count, 100.0 * max(avg or 0.0, 0.0))
            for kind, count, avg in kind_rows
        ),
        key=lambda k: list(FACT_KIND_LABELS).index(k.kind) if k.kind in FACT_KIND_LABELS else 99,
    )

    misses = sa.func.sum(sa.case((Answer.correct.is_(False), 1), else_=0))
    missed_rows = db.session.execute(
        sa.select(Question, misses, sa.func.count())
        .options(sa.orm.selectinload(Question.current))  # each stem in one query, not one per row
        .join(Answer, Answer.question_id == Question.id)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .where(Attempt.user_id == user_id, Answer.score.is_not(None))
        .group_by(Question.id)
        .having(misses > 0)
        .order_by(misses.desc(), Question.id)
        .limit(missed_limit)
    ).all()
    missed = [Missed(question, int(m), int(n)) for question, m, n in missed_rows]
    return Progress(list(attempts), quizzes, kinds, missed)
