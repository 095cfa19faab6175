"""Personal access tokens: make, list, revoke, and check one presented to the API.

A token is ``qz_`` followed by 43 URL-safe characters (32 random bytes). Only
its SHA-256 is stored, so a copy of the database gives no working token; a
fast hash is enough because the secret is long and random (nothing to
brute-force, unlike a password). The first characters are kept as its
``prefix`` so that the owner can recognise it in the list.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import ApiToken, User
from quizapp.models._common import utcnow
from quizapp.models.api_token import TOKEN_SCOPES
from quizapp.services.errors import InvalidInput, NotFound

TOKEN_START = "qz_"
PREFIX_LENGTH = 10  # "qz_" and 7 characters of the secret
#: lifetimes a token may be given, in days
LIFETIMES = (7, 30, 90, 365)
#: a token's last use is written at most this often (not on every request)
LAST_USED_EVERY = dt.timedelta(minutes=1)
_SHAPE = re.compile(r"qz_[A-Za-z0-9_-]{43}")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user_id: int, name: str, scope: str, days: int, now: dt.datetime | None = None) -> tuple[ApiToken, str]:
    """Make a token for ``user_id``; returns it and its secret (shown once, never stored).

    :raises InvalidInput: for an empty or long name, an unknown scope or lifetime.
    """
    name = (name or "").strip()
    if not name:
        raise InvalidInput("Give the token a name, to recognise it later.", where="name")
    if len(name) > 100:
        raise InvalidInput("Keep the name under 100 characters.", where="name")
    if scope not in TOKEN_SCOPES:
        raise InvalidInput(f"Choose one of {', '.join(TOKEN_SCOPES)}.", where="scope")
    if days not in LIFETIMES:
        raise InvalidInput(f"Choose one of {', '.join(map(str, LIFETIMES))} days.", where="days")
    now = now or utcnow()
    secret = TOKEN_START + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user_id, name=name, prefix=secret[:PREFIX_LENGTH], token_hash=_digest(secret),
                     scope=scope, created_at=now, expires_at=now + dt.timedelta(days=days))
    db.session.add(token)
    db.session.commit()
    return token, secret


def list_tokens(user_id: int) -> list[ApiToken]:
    """The user's tokens, newest first (revoked and expired ones too, marked as such)."""
    return list(db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ))


def revoke_token(token_id: int, user_id: int, now: dt.datetime | None = None) -> ApiToken:
    """Revoke one of the user's tokens at once (revoking twice is no change).

    :raises NotFound: for no such token, or someone else's.
    """
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        raise NotFound("There is no such token.")
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
        db.session.commit()
    return token


def authenticate(presented: str, now: dt.datetime | None = None) -> tuple[User, ApiToken] | None:
    """The user and token ``presented`` stands for, or None when it is malformed, unknown, expired or revoked."""
    if not _SHAPE.fullmatch(presented or ""):
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _digest(presented)))
    now = now or utcnow()
    if token is None or token.state(now) != "active":
        return None
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_EVERY:
        token.last_used_at = now
        db.session.commit()
    return token.user, token
