"""Spaced repetition: one FSRS card per learner × question, and its review history.

The card's columns are exactly the fields of :class:`fsrs.Card` (state, step,
stability, difficulty, due, last_review), stored as naive UTC like every
other timestamp, plus the counters a teacher reads (reps, lapses).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.extensions import db
from quizapp.models._common import utcnow

#: where a review came from: an answer in a quiz, the Review page, or a flashcard the learner rated
REVIEW_SOURCES = ("quiz", "review", "flashcard")


class ReviewCard(db.Model):
    """A learner's FSRS memory state for one question."""

    __tablename__ = "review_card"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "question_id", name="uq_review_card_user_question"),
        sa.Index("ix_review_card_user_due", "user_id", "due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id"), index=True)
    state: Mapped[int] = mapped_column(default=1)  # fsrs.State: 1 Learning, 2 Review, 3 Relearning
    step: Mapped[int | None]  # learning or relearning step; None in the Review state
    stability: Mapped[float | None]  # days until recall probability falls to 90%
    difficulty: Mapped[float | None]  # 1 (easy) .. 10 (hard)
    due: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_review: Mapped[dt.datetime | None]
    reps: Mapped[int] = mapped_column(default=0)  # reviews so far (quiz answers included)
    lapses: Mapped[int] = mapped_column(default=0)  # times forgotten after being learned
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user = relationship("User")
    question = relationship("Question")


class ReviewLog(db.Model):
    """One rated review of a card: a quiz answer or an answer on the Review page."""

    __tablename__ = "review_log"
    __table_args__ = (sa.Index("ix_review_log_user_reviewed", "user_id", "reviewed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id"), index=True)
    version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("question_version.id"))
    source: Mapped[str] = mapped_column(sa.String(16))  # REVIEW_SOURCES
    rating: Mapped[int]  # fsrs.Rating: 1 Again, 2 Hard, 3 Good, 4 Easy
    #: the learner chose the rating (a flashcard); otherwise it was derived from the score and time
    self_rated: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    score: Mapped[float]  # the fraction of the mark earned, 0..1
    time_taken_ms: Mapped[int | None]
    #: the response given on the Review page (quiz answers keep theirs in ``answer``)
    response: Mapped[Any] = mapped_column(sa.JSON, nullable=True)
    due_after: Mapped[dt.datetime]  # when the card fell due again after this review
    reviewed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    question = relationship("Question")
    version = relationship("QuestionVersion")
