"""Questions and their versions.

A :class:`Question` is the stable identity (its ``uid`` is the canonical
``id``); each change of content makes a new :class:`QuestionVersion`, and an
answer keeps the version the learner saw, so old scores stay explainable.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.extensions import db
from quizapp.models._common import utcnow


class Question(db.Model):
    __tablename__ = "question"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(sa.String(120), unique=True)
    article_id: Mapped[int | None] = mapped_column(sa.ForeignKey("article.id"), index=True)
    type: Mapped[str] = mapped_column(sa.String(32))
    fact_kind: Mapped[str | None] = mapped_column(sa.String(32), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default="draft", index=True)
    current_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("question_version.id", use_alter=True, name="fk_question_current_version")
    )
    #: the current version's stem and tags, kept here for search and filters
    stem: Mapped[str] = mapped_column(sa.Text, default="")
    tags: Mapped[str] = mapped_column(sa.String(500), default="")  # " tag1 tag2 "
    import_id: Mapped[int | None] = mapped_column(sa.ForeignKey("article_import.id"), index=True)
    #: the name of the GIFT or Moodle XML file the question was first imported from (None: made
    #: in quizapp); an id number from that file matches it again, one from another file does not
    import_source: Mapped[str | None] = mapped_column(sa.String(255))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    #: a draft the teacher rejected: kept (still "draft", out of the review list) so that it can be restored
    rejected_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    article = relationship("Article")
    created_by = relationship("User", foreign_keys=[created_by_id])
    current = relationship("QuestionVersion", foreign_keys=[current_version_id], post_update=True)

    @property
    def data(self) -> dict[str, Any]:
        """The canonical question of the current version."""
        return self.current.data


class QuestionVersion(db.Model):
    __tablename__ = "question_version"
    __table_args__ = (sa.UniqueConstraint("question_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id"), index=True)
    number: Mapped[int]
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    question = relationship("Question", foreign_keys=[question_id])
