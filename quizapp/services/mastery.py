"""Mastery from FSRS memory state, per fact kind and per article; review history for charts.

Definitions (also in ``docs/review.md``):

* A question's **mastery** for a learner at time ``now`` is FSRS's
  retrievability of the learner's card — the predicted probability of
  recalling it now — once the card has left the (re)learning steps (state
  *Review*). A question never answered, or still in its learning steps, or
  just forgotten (relearning) counts as 0.
* The mastery of a group (a fact kind, an article) is the mean of its
  questions' mastery over the learner's **question pool**: the published,
  automatically scored questions (essays and descriptions excluded) of the
  quizzes the learner can see, plus any question they already have a card for.
* A class's mastery of a group is the mean of its learners' mastery.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Article, Attempt, Question, Quiz, QuizQuestion, ReviewCard, ReviewLog, User
from quizapp.models._common import utcnow
from quizapp.services import classes, scheduling, timing
from quizapp.services.attempts import visible_quizzes_filter
from quizapp.services.progress import FACT_KIND_LABELS


@dataclass(frozen=True)
class MasteryRow:
    """The mastery of one group of questions."""

    key: str  # fact kind, or article slug
    label: str
    questions: int  # questions in the pool
    reviewed: int  # of which the learner has answered at least once
    mastery: float  # 0..1, see the module docstring

    @property
    def percent(self) -> float:
        return 100.0 * self.mastery


@dataclass(frozen=True)
class Mastery:
    """A learner's mastery per fact kind and per article."""

    kinds: list[MasteryRow]
    articles: list[MasteryRow]
    cards: int  # cards the learner has (questions answered at least once)


def card_mastery(card: ReviewCard | None, now: dt.datetime) -> float:
    """One question's mastery: retrievability in the Review state, else 0."""
    if card is None or card.state != int(scheduling.State.Review):
        return 0.0
    return scheduling.retrievability(card, now)


def _pool(user: User) -> list[tuple[int, str | None, int | None]]:
    """(question id, fact kind, article id) of the learner's question pool."""
    in_visible_quiz = (
        sa.select(QuizQuestion.question_id)
        .join(Quiz, Quiz.id == QuizQuestion.quiz_id)
        .where(visible_quizzes_filter(user))
    )
    has_card = sa.select(ReviewCard.question_id).where(ReviewCard.user_id == user.id)
    return [
        tuple(row)
        for row in db.session.execute(
            sa.select(Question.id, Question.fact_kind, Question.article_id)
            .where(scheduling.SCHEDULABLE_QUESTION, sa.or_(Question.id.in_(in_visible_quiz), Question.id.in_(has_card)))
            .order_by(Question.id)
        )
    ]


def _kind_order(kind: str) -> int:
    return list(FACT_KIND_LABELS).index(kind) if kind in FACT_KIND_LABELS else len(FACT_KIND_LABELS)


def learner_mastery(user: User, now: dt.datetime) -> Mastery:
    """The learner's mastery per fact kind and per article at ``now``."""
    scheduling.settle_reviews(user.id, now)  # deferred answers count once their feedback is due
    pool = _pool(user)
    cards = {
        c.question_id: c
        for c in db.session.scalars(sa.select(ReviewCard).where(ReviewCard.user_id == user.id))
    }
    by_kind: dict[str, list[int]] = defaultdict(list)
    by_article: dict[int | None, list[int]] = defaultdict(list)
    for question_id, kind, article_id in pool:
        if kind:
            by_kind[kind].append(question_id)
        by_article[article_id].append(question_id)

    def row(key: str, label: str, ids: list[int]) -> MasteryRow:
        values = [card_mastery(cards.get(q), now) for q in ids]
        return MasteryRow(key, label, len(ids), sum(1 for q in ids if q in cards), sum(values) / len(values))

    kinds = [
        row(kind, FACT_KIND_LABELS.get(kind, kind.capitalize()), ids)
        for kind, ids in sorted(by_kind.items(), key=lambda kv: (_kind_order(kv[0]), kv[0]))
    ]
    articles_by_id = {
        a.id: a for a in db.session.scalars(sa.select(Article).where(Article.id.in_([a for a in by_article if a])))
    }
    articles = sorted(
        (
            row(articles_by_id[a].slug if a else "", articles_by_id[a].title if a else "Other questions", ids)
            for a, ids in by_article.items()
        ),
        key=lambda r: (r.key == "", r.label),
    )
    return Mastery(kinds, articles, len(cards))


@dataclass(frozen=True)
class LearnerMastery:
    learner: User
    kinds: dict[str, MasteryRow]
    cards: int


@dataclass(frozen=True)
class ClassMastery:
    """A class's mastery per fact kind: the mean over learners, and each learner's."""

    classroom: object
    kinds: list[MasteryRow]  # questions/reviewed are summed over learners
    learners: list[LearnerMastery]


def class_mastery(class_id: int, teacher_id: int, now: dt.datetime) -> ClassMastery:
    """Mastery per fact kind of every learner of the teacher's class, and their mean.

    :raises NotFound: when the class is not this teacher's.
    """
    classroom = classes.get_own_class(class_id, teacher_id)
    learners = []
    for learner in classes.roster(classroom.id):
        mastery = learner_mastery(learner, now)
        learners.append(LearnerMastery(learner, {r.key: r for r in mastery.kinds}, mastery.cards))
    keys = sorted({k for lm in learners for k in lm.kinds}, key=lambda k: (_kind_order(k), k))
    kinds = []
    for key in keys:
        rows = [lm.kinds[key] for lm in learners if key in lm.kinds]
        kinds.append(MasteryRow(
            key, rows[0].label, sum(r.questions for r in rows), sum(r.reviewed for r in rows),
            sum(r.mastery for r in rows) / len(rows),
        ))
    return ClassMastery(classroom, kinds, learners)


# --- history for charts ------------------------------------------------------

@dataclass(frozen=True)
class DayCount:
    day: dt.date
    quiz: int
    review: int

    @property
    def total(self) -> int:
        return self.quiz + self.review


def reviews_per_day(user_id: int, now: dt.datetime, days: int = 14) -> list[DayCount]:
    """Reviews (quiz answers and Review-page answers) per UTC day, the last ``days`` days.

    Empty when the learner has never been reviewed at all, so the chart can
    say "no data yet" rather than draw a row of zeros.
    """
    today = scheduling.day_start(now)
    since = today - dt.timedelta(days=days - 1)
    logs = db.session.execute(
        sa.select(ReviewLog.reviewed_at, ReviewLog.source)
        .where(ReviewLog.user_id == user_id, ReviewLog.reviewed_at >= since, ReviewLog.reviewed_at < today + dt.timedelta(days=1))
    ).all()
    if not logs and not db.session.scalar(sa.select(ReviewLog.id).where(ReviewLog.user_id == user_id).limit(1)):
        return []
    counts = Counter((at.date(), source) for at, source in logs)
    return [
        DayCount(day, counts[(day, "quiz")], counts[(day, "review")])
        for day in ((since + dt.timedelta(days=n)).date() for n in range(days))
    ]


#: the learner's finished attempts whose score is visible at ``now``, with their quizzes: built once
_SCORED_ATTEMPTS = (
    sa.select(Attempt)
    .join(Quiz, Quiz.id == Attempt.quiz_id)
    .options(sa.orm.contains_eager(Attempt.quiz))
    .where(Attempt.user_id == sa.bindparam("user_id"), Attempt.finished_at.is_not(None),
           timing.feedback_visible_clause(sa.bindparam("now", type_=sa.DateTime)))
    .order_by(Attempt.finished_at, Attempt.id)
)


def score_history(user_id: int, now: dt.datetime | None = None) -> list[tuple[str, list[tuple[dt.datetime, float]]]]:
    """(quiz title, [(finished at, percent)]) for every quiz the learner finished, in first-finished order.

    A score whose quiz shows feedback only after its close is left out until then.
    """
    attempts = db.session.scalars(_SCORED_ATTEMPTS, {"user_id": user_id, "now": now or utcnow()}).all()
    series: dict[int, tuple[str, list]] = {}
    for attempt in attempts:
        series.setdefault(attempt.quiz_id, (attempt.quiz.title, []))[1].append((attempt.finished_at, attempt.percent))
    return list(series.values())


@dataclass(frozen=True)
class LearnerReport:
    """Everything the progress page adds for spaced repetition."""

    mastery: Mastery
    due: int
    reviews: list[DayCount]
    scores: list[tuple[str, list[tuple[dt.datetime, float]]]]


def learner_report(user: User, now: dt.datetime) -> LearnerReport:
    """Mastery, due count, reviews per day and score history of one learner."""
    return LearnerReport(
        mastery=learner_mastery(user, now),
        due=scheduling.due_count(user.id, now),
        reviews=reviews_per_day(user.id, now),
        scores=score_history(user.id, now),
    )
