"""Accounts: creation, credential checks, password changes and ending sessions."""

from __future__ import annotations

from functools import lru_cache

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from quizapp.auth.passwords import password_problem, username_problem
from quizapp.extensions import db
from quizapp.models import User
from quizapp.models.user import ROLES
from quizapp.services.errors import Conflict, InvalidInput, NotFound


def check_username(username: str) -> None:
    """:raises InvalidInput: when ``username`` breaks the rules for account names."""
    problem = username_problem(username)
    if problem:
        raise InvalidInput(problem, where="username")


def check_new_account(username: str, password: str) -> None:
    """The web form's and the command line's rules for a new account.

    :raises InvalidInput: naming the field (``username`` or ``password``).
    """
    check_username(username)
    problem = password_problem(password, username)
    if problem:
        raise InvalidInput(problem, where="password")


def create_user(username: str, password: str, role: str = "learner") -> User:
    """Create an account.

    :raises InvalidInput: for an unknown role, a bad username or a weak password.
    :raises Conflict: when the username is taken (case-insensitively).
    """
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}", where="role")
    check_new_account(username, password)
    if find_user(username) is not None:
        raise Conflict(f"The username “{username.strip()}” is taken.", where="username")
    user = User(username=username.strip(), role=role)
    user.set_password(password, _hash_method())
    db.session.add(user)
    db.session.commit()
    return user


#: a user by username, whatever its case: built once (every login reads it)
_USER_NAMED = sa.select(User).where(sa.func.lower(User.username) == sa.bindparam("name"))


def find_user(username: str) -> User | None:
    return db.session.scalar(_USER_NAMED, {"name": username.strip().lower()})


def _hash_method() -> str:
    return current_app.config["PASSWORD_HASH_METHOD"]


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    """A hash made like the real ones, so checking it costs what checking theirs does."""
    return generate_password_hash("no account has this password", method)


def authenticate(username: str, password: str) -> User | None:
    """The user with these credentials, or None.

    An unknown username costs a password hash too, so the answer's timing
    does not tell which usernames exist.
    """
    user = find_user(username)
    if user is None:
        check_password_hash(_dummy_hash(_hash_method()), password)
        return None
    if not user.check_password(password):
        return None
    return user


def get_user(username: str) -> User:
    """:raises NotFound: when no account has this name."""
    user = find_user(username)
    if user is None:
        raise NotFound(f"There is no account called “{username.strip()}”.", where="username")
    return user


def end_sessions(user_id: int) -> User:
    """End every session of the user (each one checks the version on its next request)."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("There is no such account.")
    user.session_version = User.session_version + 1
    db.session.commit()
    return user


def change_password(user_id: int, new_password: str, current_password: str | None = None) -> User:
    """Set a new password and end every session of the user.

    :param current_password: checked when given (the web page asks for it).
    :raises InvalidInput: a wrong current password or a weak new one.
    """
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("There is no such account.")
    if current_password is not None and not user.check_password(current_password):
        raise InvalidInput("The current password is wrong.", where="current")
    problem = password_problem(new_password, user.username)
    if problem:
        raise InvalidInput(problem, where="password")
    user.set_password(new_password, _hash_method())
    user.session_version = User.session_version + 1
    db.session.commit()
    return user


def set_admin(user_id: int, admin: bool) -> User:
    """Grant or revoke the right to register learning platforms (LTI) in the browser.

    :raises InvalidInput: granting it to a learner (administrators are teachers).
    """
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("There is no such account.")
    if admin and not user.is_teacher:
        raise InvalidInput(f"{user.username} is a learner; only teachers can be administrators.")
    user.is_admin = admin
    db.session.commit()
    return user
