"""Accounts."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from quizapp.extensions import db
from quizapp.models._common import utcnow

ROLES = ("learner", "teacher")


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[str] = mapped_column(sa.String(16), default="learner")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: copied into the session at login; bumping it ends every session of
    #: the user (logout, password change, ``quizapp user end-sessions``)
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    #: may register LTI platforms in the browser (granted by ``quizapp user grant-admin``)
    is_admin: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    def set_password(self, password: str, method: str) -> None:
        """:param method: werkzeug's hash method (the app's ``PASSWORD_HASH_METHOD``); always a random salt."""
        self.password_hash = generate_password_hash(password, method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_teacher(self) -> bool:
        return self.role == "teacher"

    def __repr__(self) -> str:
        return f"<User {self.username} ({self.role})>"
