"""The images of questions, kept once per content.

A question version lists its images in its canonical data (``files``: name,
MIME type, ``sha256``, size; see quizapp/formats/media.py); the bytes live
here under their SHA-256, so the versions of a question (and two questions
showing the same picture) share one row, and a backup of the database holds
them with the questions.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.extensions import db
from quizapp.models._common import utcnow


class QuestionFile(db.Model):
    __tablename__ = "question_file"

    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    mime_type: Mapped[str] = mapped_column(sa.String(40))
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
