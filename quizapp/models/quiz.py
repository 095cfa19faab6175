"""Quizzes: an ordered selection of questions with taking rules."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.extensions import db
from quizapp.models._common import utcnow

GRADING_METHODS = ("highest", "latest", "average")


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
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    article = relationship("Article")
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
