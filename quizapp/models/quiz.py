"""Quizzes: an ordered selection of questions with taking rules."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.extensions import db
from quizapp.models._common import utcnow

GRADING_METHODS = ("highest", "latest", "average")
#: when a learner sees right/wrong, the right answer and the source sentence
FEEDBACK_TIMINGS = ("immediately", "after_attempt", "after_close")

quiz_classroom = db.Table(
    "quiz_classroom",
    sa.Column("quiz_id", sa.ForeignKey("quiz.id"), primary_key=True),
    sa.Column("classroom_id", sa.ForeignKey("classroom.id"), primary_key=True),
)


class Quiz(db.Model):
    __tablename__ = "quiz"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    article_id: Mapped[int | None] = mapped_column(sa.ForeignKey("article.id"))
    fact_kind: Mapped[str | None] = mapped_column(sa.String(32))
    origin: Mapped[str] = mapped_column(sa.String(16), default="teacher")  # "bank" when built by init-db
    shuffle_choices: Mapped[bool] = mapped_column(default=True)
    shuffle_questions: Mapped[bool] = mapped_column(default=False)
    grading_method: Mapped[str] = mapped_column(sa.String(16), default="highest")
    is_published: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    #: draw this many of the entries at random per attempt (None: all of them)
    draw_count: Mapped[int | None]
    attempts_allowed: Mapped[int | None]  # None: unlimited
    time_limit_s: Mapped[int | None]  # None: untimed; enforced on the server
    feedback_timing: Mapped[str] = mapped_column(sa.String(16), default="immediately")
    opens_at: Mapped[dt.datetime | None]
    closes_at: Mapped[dt.datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    article = relationship("Article")
    created_by = relationship("User")
    classrooms = relationship("Classroom", secondary=quiz_classroom, order_by="Classroom.name")
    entries = relationship(
        "QuizQuestion", order_by="QuizQuestion.position", cascade="all, delete-orphan"
    )


class QuizQuestion(db.Model):
    __tablename__ = "quiz_question"
    __table_args__ = (sa.UniqueConstraint("quiz_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz.id"), index=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id"), index=True)
    position: Mapped[int]

    question = relationship("Question")
