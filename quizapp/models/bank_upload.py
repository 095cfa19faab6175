"""A bank file a teacher uploaded, kept until they confirm its import."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.extensions import db
from quizapp.models._common import utcnow


class BankUpload(db.Model):
    """The uploaded text itself, so the confirmation imports what was previewed.

    The browser only sends back this row's id; the questions are parsed
    again from ``content`` (checked against ``content_hash``) on confirmation.
    """

    __tablename__ = "bank_upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    fmt: Mapped[str] = mapped_column(sa.String(16))
    content: Mapped[str] = mapped_column(sa.Text)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    questions: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
