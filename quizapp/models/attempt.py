"""Attempts at a quiz and the answers recorded in them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.extensions import db
from quizapp.models._common import utcnow


class Attempt(db.Model):
    """One sitting of a quiz; its question list and versions are fixed at start."""

    __tablename__ = "attempt"
    __table_args__ = (sa.Index("ix_attempt_user_quiz", "user_id", "quiz_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    quiz_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz.id"), index=True)
    #: [{"question": question id, "version": version id, "choices": [canonical indexes in shown order]}]
    layout: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    deadline_at: Mapped[dt.datetime | None]  # started_at + the quiz's time limit
    finished_at: Mapped[dt.datetime | None]
    score: Mapped[float] = mapped_column(default=0.0)  # sum of graded answers' scores
    max_score: Mapped[float] = mapped_column(default=0.0)  # graded questions, and essays once marked
    #: positions (1-based) the learner flagged to come back to, in increasing order
    flagged: Mapped[list[int]] = mapped_column(sa.JSON, default=list, server_default=sa.text("'[]'"))
    #: a teacher's grade for the whole attempt, in percent, replacing the computed one (None: none)
    grade_override: Mapped[float | None]
    override_reason: Mapped[str | None] = mapped_column(sa.Text)
    override_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", name="fk_attempt_override_by"))
    override_at: Mapped[dt.datetime | None]
    #: the live session (issue 20) this attempt was taken in; None for an attempt taken alone
    live_session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("live_session.id", name="fk_attempt_live_session"), index=True)

    user = relationship("User", foreign_keys=[user_id])
    quiz = relationship("Quiz")
    override_by = relationship("User", foreign_keys=[override_by_id])
    answers = relationship("Answer", order_by="Answer.position", back_populates="attempt")

    @property
    def computed_percent(self) -> float:
        """The percent the marks give, whatever a teacher's override says."""
        return 100.0 * max(self.score, 0.0) / self.max_score if self.max_score else 0.0

    @property
    def percent(self) -> float:
        """The attempt's grade: a teacher's override when there is one, else the marks'."""
        if self.grade_override is not None:
            return self.grade_override
        return self.computed_percent


class Answer(db.Model):
    """A learner's response to one question of an attempt, scored once."""

    __tablename__ = "answer"
    __table_args__ = (sa.UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("attempt.id"))
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id"), index=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("question_version.id"))
    position: Mapped[int]
    response: Mapped[Any] = mapped_column(sa.JSON)
    score: Mapped[float | None]  # None: waits for a teacher (essay)
    #: a teacher's mark of an essay: who gave it, when, and their comment for the learner
    teacher_comment: Mapped[str | None] = mapped_column(sa.Text)
    marked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", name="fk_answer_marked_by"))
    marked_at: Mapped[dt.datetime | None]
    correct: Mapped[bool]
    time_taken_ms: Mapped[int | None]
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: the answer's spaced-repetition review waits until the quiz's feedback
    #: is due ("after attempt", "after close"): reviewing it earlier would
    #: tell the learner right from wrong through the Review page's schedule
    review_pending: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    attempt = relationship("Attempt", back_populates="answers")
    question = relationship("Question")
    version = relationship("QuestionVersion")
    marked_by = relationship("User", foreign_keys=[marked_by_id])


class QuestionView(db.Model):
    """When the server first showed a learner a question: answer times start here, not at a browser's clock.

    ``key`` names the page: ``attempt:<attempt id>:<position>`` for a quiz
    question, ``review:<question id>:<reps>`` for the Review page.
    """

    __tablename__ = "question_view"
    __table_args__ = (sa.UniqueConstraint("user_id", "key", name="uq_question_view_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", name="fk_question_view_user"))
    key: Mapped[str] = mapped_column(sa.String(64))
    shown_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
