"""Live sessions (issue 20): a teacher runs a quiz in class, every phone follows the same question.

All of a session's state lives in these rows, never in a process's memory:
any web worker serves any phone, and the event stream
(:mod:`quizapp.live.events`) learns of a change by reading the session's
``version`` and its counts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.extensions import db
from quizapp.models._common import utcnow

#: lobby (waiting for players) -> question -> (paused -> question) -> reveal -> question ... -> ended
PHASES = ("lobby", "question", "paused", "reveal", "ended")


class LiveSession(db.Model):
    """One run of a quiz in class; running it again makes another row (``run`` counts them)."""

    __tablename__ = "live_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the join code phones type (digits, as Kahoot's PIN)
    code: Mapped[str] = mapped_column(sa.String(12), unique=True)
    quiz_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz.id", name="fk_live_session_quiz"), index=True)
    teacher_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", name="fk_live_session_teacher"), index=True)
    run: Mapped[int] = mapped_column(default=1)
    #: [{"question": id, "version": version id, "order": [canonical choice indexes in shown order]}]
    layout: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    seconds_per_question: Mapped[int] = mapped_column(default=20)
    #: 0 in the lobby, then the 1-based position of the question on the screens
    position: Mapped[int] = mapped_column(default=0)
    phase: Mapped[str] = mapped_column(sa.String(16), default="lobby")
    phase_started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: when answers to the current question stop being accepted (server time)
    deadline_at: Mapped[dt.datetime | None]
    #: while paused: the milliseconds the countdown had left
    remaining_ms: Mapped[int | None]
    #: bumped by every change the screens must redraw for (the event stream compares it)
    version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[dt.datetime | None]

    quiz = relationship("Quiz")
    teacher = relationship("User")


class LiveParticipant(db.Model):
    """A phone in a session: a nickname without an account, or an account (its attempt counts as "live")."""

    __tablename__ = "live_participant"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "nickname_key", name="uq_live_participant_nickname"),
        sa.UniqueConstraint("session_id", "user_id", name="uq_live_participant_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("live_session.id", name="fk_live_participant_session"),
                                            index=True)
    nickname: Mapped[str] = mapped_column(sa.String(40))
    #: the nickname folded for comparison ("Ann", "ANN" and "ann" are one name)
    nickname_key: Mapped[str] = mapped_column(sa.String(40))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", name="fk_live_participant_user"))
    attempt_id: Mapped[int | None] = mapped_column(sa.ForeignKey("attempt.id", name="fk_live_participant_attempt"))
    score: Mapped[int] = mapped_column(default=0)
    streak: Mapped[int] = mapped_column(default=0)
    joined_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: set when the teacher removed the nickname: the phone is out, the name stays taken
    removed_at: Mapped[dt.datetime | None]

    user = relationship("User")


class LiveAnswer(db.Model):
    """A phone's answer to one question of a session; points are given when the answer is revealed."""

    __tablename__ = "live_answer"
    __table_args__ = (
        sa.UniqueConstraint("participant_id", "position", name="uq_live_answer_participant_position"),
        sa.Index("ix_live_answer_session_position", "session_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("live_session.id", name="fk_live_answer_session"))
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("live_participant.id", name="fk_live_answer_participant"))
    position: Mapped[int]
    response: Mapped[Any] = mapped_column(sa.JSON)
    correct: Mapped[bool]
    #: the fraction of the mark the grader gave (scoring.grade); None for an essay, which a teacher marks
    score: Mapped[float | None]
    #: None until the question is revealed (a skipped question gives none)
    points: Mapped[int | None]
    time_taken_ms: Mapped[int]
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
