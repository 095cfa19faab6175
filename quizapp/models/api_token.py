"""Personal access tokens for the JSON API (``/api/v1``)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.extensions import db
from quizapp.models._common import utcnow

#: what a token may do: ``read`` only reads, ``write`` also creates and changes
TOKEN_SCOPES = ("read", "write")


class ApiToken(db.Model):
    """A token a user made on their account page; only its SHA-256 is kept.

    The secret is shown once, when it is made. ``prefix`` (its first
    characters, which carry no secret worth guessing) lets the owner tell
    their tokens apart in the list. A token works until ``expires_at`` or
    until it is revoked (``revoked_at``).
    """

    __tablename__ = "api_token"
    __table_args__ = (sa.UniqueConstraint("token_hash", name="uq_api_token_token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", name="fk_api_token_user"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    prefix: Mapped[str] = mapped_column(sa.String(16))
    token_hash: Mapped[str] = mapped_column(sa.String(64))  # sha256 hex of the whole token (unique)
    scope: Mapped[str] = mapped_column(sa.String(8))  # TOKEN_SCOPES
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]

    user = relationship("User")

    def state(self, now: dt.datetime | None = None) -> str:
        """``active``, ``expired`` or ``revoked``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= (now or utcnow()):
            return "expired"
        return "active"
