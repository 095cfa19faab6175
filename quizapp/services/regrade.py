"""Re-grading recorded answers after the grading rules change (issue 15, point 4).

Answers keep the score they were given. When quizapp's grading changes (short
answers now match as Moodle does: "5" no longer earns the marks of "-5"), a
teacher first sees how many recorded answers would score differently,
answer by answer, and only then decides to re-grade them:
:func:`plan_regrade` writes nothing; :func:`apply_regrade` re-grades in one
transaction and updates the attempts' totals.

Each answer is re-graded against the question version it answered, so an
edit made to a question later never changes old answers. Essays (graded by
a teacher) and descriptions are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, Question, QuestionVersion, Quiz
from quizapp.services import scoring
from quizapp.services.errors import NotFound

_EPSILON = 1e-9


@dataclass
class ScoreChange:
    """One recorded answer whose score the current rules would change."""

    answer_id: int
    attempt_id: int
    question: str  # the question's id (uid)
    response: Any
    old: float | None
    new: float | None
    correct: bool


@dataclass
class RegradePlan:
    """What re-grading would change: the answers checked and those that change."""

    checked: int = 0
    changes: list[ScoreChange] = field(default_factory=list)

    @property
    def attempts(self) -> set[int]:
        return {change.attempt_id for change in self.changes}

    def summary(self) -> str:
        return (f"{len(self.changes)} of {self.checked} graded response(s) would change score, "
                f"in {len(self.attempts)} attempt(s)")


def plan_regrade(quiz: str | None = None) -> RegradePlan:
    """Grade every recorded answer again with the current rules; write nothing.

    :param quiz: only the answers of this quiz (its slug).
    :raises NotFound: no quiz has this slug.
    """
    plan = RegradePlan()
    query = (sa.select(Answer, QuestionVersion.data, Question.uid)
             .join(QuestionVersion, Answer.version_id == QuestionVersion.id)
             .join(Question, Answer.question_id == Question.id)
             .order_by(Answer.id))
    if quiz is not None:
        quiz_id = db.session.scalar(sa.select(Quiz.id).filter_by(slug=quiz))
        if quiz_id is None:
            raise NotFound(f"no quiz is called {quiz!r}", where="quiz")
        query = query.join(Attempt, Answer.attempt_id == Attempt.id).where(Attempt.quiz_id == quiz_id)
    for answer, data, uid in db.session.execute(query.execution_options(yield_per=500)):
        if not scoring.is_graded(data) or answer.score is None:
            continue  # essays are a teacher's grade; descriptions have none
        plan.checked += 1
        try:
            grade = scoring.grade(data, answer.response)
        except scoring.InvalidResponse:
            continue  # a response the question no longer fits: left as it was graded
        if abs((grade.score or 0.0) - answer.score) > _EPSILON or grade.correct != answer.correct:
            plan.changes.append(ScoreChange(answer.id, answer.attempt_id, uid, answer.response,
                                            answer.score, grade.score, grade.correct))
    return plan


def apply_regrade(quiz: str | None = None) -> RegradePlan:
    """Re-grade the answers :func:`plan_regrade` lists and update their attempts' totals, in one transaction.

    :param quiz: only the answers of this quiz (its slug).
    :returns: the changes made.
    :raises NotFound: no quiz has this slug.
    """
    plan = plan_regrade(quiz)
    try:
        for change in plan.changes:
            db.session.execute(sa.update(Answer).where(Answer.id == change.answer_id)
                               .values(score=change.new, correct=change.correct))
        for attempt_id in plan.attempts:
            total = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Answer.score), 0.0))
                                      .where(Answer.attempt_id == attempt_id))
            db.session.execute(sa.update(Attempt).where(Attempt.id == attempt_id).values(score=float(total)))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    _resend_grades(plan.attempts)
    return plan


def _resend_grades(attempt_ids) -> None:
    """Send the regraded learners' grades again to their LMS links (LTI)."""
    from quizapp.services import lti_services

    learners = {(a.user_id, a.quiz_id) for a in db.session.scalars(
        sa.select(Attempt).where(Attempt.id.in_(list(attempt_ids)), Attempt.finished_at.is_not(None)))}
    for user_id, quiz_id in sorted(learners):
        lti_services.queue_for_learner(user_id, quiz_id)
