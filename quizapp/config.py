"""Configuration: defaults, environment overrides, the instance-kept secret."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Config:
    """Defaults; ``DATABASE_URL`` and ``SECRET_KEY`` come from the environment."""

    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    QUESTION_BANK_DIR = str(PROJECT_ROOT / "question_bank")
    SEEDS_DIR = str(PROJECT_ROOT / "seeds")
    MIGRATIONS_DIR = str(PROJECT_ROOT / "migrations")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # a token lives as long as the session
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    REVIEW_SESSION_SIZE = 20  # questions in a learner's daily review session


def database_url(instance_path: str) -> str:
    """The database to use: ``DATABASE_URL`` or a SQLite file in the instance folder."""
    url = os.environ.get("DATABASE_URL")
    if url:
        # Accept the common short forms and use psycopg 3 for PostgreSQL.
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix):]
        return url
    return "sqlite:///" + str(Path(instance_path) / "quizapp.sqlite")


def secret_key(instance_path: str) -> str:
    """``SECRET_KEY`` from the environment, else one generated once and kept.

    The key file is created with mode 0600 in the instance folder, so every
    process of the same installation signs sessions with the same key.
    """
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = Path(instance_path) / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race; use its key
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
