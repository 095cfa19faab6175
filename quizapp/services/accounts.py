"""Accounts: creation and credential checks."""

from __future__ import annotations

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import User
from quizapp.models.user import ROLES
from quizapp.services.errors import Conflict, InvalidInput


def create_user(username: str, password: str, role: str = "learner") -> User:
    """Create an account.

    :raises InvalidInput: for an unknown role or a short password.
    :raises Conflict: when the username is taken (case-insensitively).
    """
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}", where="role")
    if len(password) < 8:
        raise InvalidInput("use at least 8 characters", where="password")
    if find_user(username) is not None:
        raise Conflict(f"The username “{username}” is taken.", where="username")
    user = User(username=username.strip(), role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def find_user(username: str) -> User | None:
    return db.session.scalar(sa.select(User).where(sa.func.lower(User.username) == username.strip().lower()))


def authenticate(username: str, password: str) -> User | None:
    """The user with these credentials, or None."""
    user = find_user(username)
    if user is None or not user.check_password(password):
        return None
    return user
