"""Co-teachers: other teachers an owner names on a quiz, a class or an article import.

A co-teacher may do with the thing what its owner does (open, edit, export
it, read its gradebook), except changing its co-teachers. One row names one
teacher on exactly one thing; :class:`CoTeacherEvent` keeps who added or
removed whom, and when.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.extensions import db
from quizapp.models._common import utcnow

#: what a co-teacher can be named on (the ``kind`` of an event)
CO_TEACHER_KINDS = ("quiz", "class", "import")
CO_TEACHER_ACTIONS = ("added", "removed")

_ONE_THING = ("(CASE WHEN quiz_id IS NULL THEN 0 ELSE 1 END + CASE WHEN classroom_id IS NULL THEN 0 ELSE 1 END"
              " + CASE WHEN import_id IS NULL THEN 0 ELSE 1 END) = 1")


class CoTeacher(db.Model):
    __tablename__ = "co_teacher"
    __table_args__ = (
        sa.UniqueConstraint("quiz_id", "user_id", name="uq_co_teacher_quiz_user"),
        sa.UniqueConstraint("classroom_id", "user_id", name="uq_co_teacher_classroom_user"),
        sa.UniqueConstraint("import_id", "user_id", name="uq_co_teacher_import_user"),
        sa.CheckConstraint(_ONE_THING, name="ck_co_teacher_one_thing"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int | None] = mapped_column(sa.ForeignKey("quiz.id"), index=True)
    classroom_id: Mapped[int | None] = mapped_column(sa.ForeignKey("classroom.id"), index=True)
    import_id: Mapped[int | None] = mapped_column(sa.ForeignKey("article_import.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user = relationship("User", foreign_keys=[user_id])


class CoTeacherEvent(db.Model):
    """Who added or removed a co-teacher on what, and when.

    ``thing_id`` carries no foreign key, like ``audit_event.question_id``: the
    trail is kept whatever becomes of the thing.
    """

    __tablename__ = "co_teacher_event"
    __table_args__ = (sa.Index("ix_co_teacher_event_thing_at", "kind", "thing_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # CO_TEACHER_KINDS
    thing_id: Mapped[int] = mapped_column(sa.Integer)
    action: Mapped[str] = mapped_column(sa.String(16))  # CO_TEACHER_ACTIONS
    teacher_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))  # the co-teacher
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    teacher = relationship("User", foreign_keys=[teacher_id])
    actor = relationship("User", foreign_keys=[actor_id])
