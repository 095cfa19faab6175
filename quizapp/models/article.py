"""Source articles that questions cite."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.extensions import db


class Article(db.Model):
    __tablename__ = "article"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    path: Mapped[str] = mapped_column(sa.String(255))  # "seeds/<slug>.txt"
    title: Mapped[str] = mapped_column(sa.String(300))
    source: Mapped[str | None] = mapped_column(sa.String(120))
    author: Mapped[str | None] = mapped_column(sa.String(120))
    published: Mapped[dt.date | None]
    url: Mapped[str | None] = mapped_column(sa.String(500))
    body: Mapped[str] = mapped_column(sa.Text)  # the cleaned body offsets point into
