"""An article a teacher brought, on its way to reviewed draft questions."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.extensions import db
from quizapp.models._common import utcnow

IMPORT_STATES = ("pending", "running", "done", "failed")


class ArticleImport(db.Model):
    __tablename__ = "article_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    article_id: Mapped[int] = mapped_column(sa.ForeignKey("article.id"))
    state: Mapped[str] = mapped_column(sa.String(16), default="pending")
    done_steps: Mapped[int] = mapped_column(default=0)
    total_steps: Mapped[int] = mapped_column(default=0)
    message: Mapped[str | None] = mapped_column(sa.Text)
    #: Runs of this import so far; a run commits only while the attempt is still its own.
    attempt: Mapped[int] = mapped_column(default=0, server_default="0")
    #: The link a teacher gave: the job fetches it and fills in the article, empty until then.
    source_url: Mapped[str | None] = mapped_column(sa.String(2000))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    teacher = relationship("User")
    article = relationship("Article")

    @property
    def awaits_page(self) -> bool:
        """An import of a link whose page the job has not fetched yet (its article has no text)."""
        return bool(self.source_url) and not self.article.body
