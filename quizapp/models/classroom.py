"""Classes a teacher runs and the learners enrolled in them."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.extensions import db
from quizapp.models._common import utcnow


class Classroom(db.Model):
    __tablename__ = "classroom"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)  # the join code
    teacher_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    teacher = relationship("User")
    enrollments = relationship("Enrollment", back_populates="classroom", cascade="all, delete-orphan")


class Enrollment(db.Model):
    __tablename__ = "enrollment"
    __table_args__ = (sa.UniqueConstraint("classroom_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    classroom_id: Mapped[int] = mapped_column(sa.ForeignKey("classroom.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    joined_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    classroom = relationship("Classroom", back_populates="enrollments")
    user = relationship("User")
