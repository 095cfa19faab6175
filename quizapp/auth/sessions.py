"""Revocable sessions without a session store.

The session cookie carries the user's ``session_version`` from login; the
user loader, which reads the user's row on every request anyway, refuses a
session whose version is no longer the row's. Logout, a password change and
``quizapp user end-sessions`` bump the version, so every copy of an older
cookie stops working at once, at no extra query.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import session

from quizapp.extensions import db
from quizapp.models import User

SESSION_VERSION_KEY = "_sv"


#: the signed-in user's row, read on every request: built once
_USER = sa.select(User).where(User.id == sa.bindparam("user_id"))


def load_user(user_id: str) -> User | None:
    """The signed-in user, unless the session was ended since it began."""
    if not user_id.isdigit() or len(user_id) > 18:
        return None
    user = db.session.scalar(_USER, {"user_id": int(user_id)})
    # a session from before versions existed counts as version 0
    if user is None or session.get(SESSION_VERSION_KEY, 0) != user.session_version:
        return None
    return user
