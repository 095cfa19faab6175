"""Security records kept in the database: rate limits and the audit trail.

Both live in the database, not in process memory, so every gunicorn worker
and every server on the same database sees the same limits and history.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.extensions import db
from quizapp.models._common import utcnow

#: what an audit event records about a question
AUDIT_ACTIONS = ("created", "edited", "approved", "rejected", "restored", "retired", "published", "imported")
#: what an audit event records about an attempt: an essay's mark, a grade set by hand
ATTEMPT_AUDIT_ACTIONS = ("marked", "overridden")


class RateLimit(db.Model):
    """Attempts counted against one key ("login:ua:ann|10.0.0.1", "join:u:42", ...).

    :mod:`quizapp.auth.throttle` claims an attempt with one atomic upsert
    *before* the work it limits (checking a password, trying a join code),
    so concurrent requests cannot check more than the limit between them.
    Past the limit, one attempt is allowed per backoff period (``until``),
    which doubles with each further attempt.
    """

    __tablename__ = "rate_limit"

    key: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    until: Mapped[dt.datetime | None]  # no further attempt before this time (once count reached the limit)
    claim: Mapped[str] = mapped_column(sa.String(32), default="")  # token of the last allowed attempt
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class LoginAttempt(db.Model):
    """A failed login (the limiter before :class:`RateLimit`; kept for old rows, no longer written)."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        sa.Index("ix_login_attempt_username_at", "username", "at"),
        sa.Index("ix_login_attempt_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64))  # case-folded, as typed
    address: Mapped[str] = mapped_column(sa.String(64))  # the client IP (after trusted proxies)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AuditEvent(db.Model):
    """Who did what to a question or an attempt, and when.

    ``question_id`` carries no foreign key on purpose: a rejected draft is
    deleted, and its trail must outlive it. An event about an attempt (an
    essay marked, a grade overridden) names it in ``attempt_id``; a mark
    names its question too, an override none.
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        sa.Index("ix_audit_event_question_at", "question_id", "at"),
        sa.Index("ix_audit_event_attempt_at", "attempt_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int | None] = mapped_column(sa.Integer)
    attempt_id: Mapped[int | None] = mapped_column(sa.Integer)
    question_uid: Mapped[str] = mapped_column(sa.String(120), default="")
    action: Mapped[str] = mapped_column(sa.String(16))  # AUDIT_ACTIONS or ATTEMPT_AUDIT_ACTIONS
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    version_number: Mapped[int | None]
    detail: Mapped[str] = mapped_column(sa.Text, default="")
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    actor = relationship("User")
    #: set on a question not yet flushed, so its id fills question_id in the same flush
    question = relationship("Question", primaryjoin="foreign(AuditEvent.question_id) == Question.id")
