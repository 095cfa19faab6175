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
    #: werkzeug's method for new password hashes ("scrypt", or "scrypt:N:r:p", "pbkdf2:sha256:N").
    #: Hashes name their method, so a stored one still checks after this changes. The tests
    #: set a cheap one: some 2,000 logins at ~100 ms of CPU each would be minutes of CI.
    PASSWORD_HASH_METHOD = "scrypt"


def iframe_cookies(config) -> None:
    """Session cookies an LMS's iframe can carry (LTI): ``SameSite=None`` (with Secure, as browsers require)
    and ``Partitioned``.

    On when ``LTI_IFRAME_COOKIES`` is set (``quizapp serve`` sets it for an
    HTTPS deployment, or the environment variable of the same name does) and
    cookies are Secure; otherwise the cookies stay ``SameSite=Lax``, and an
    LMS on another site can show quizapp in a frame only where the browser
    sends Lax cookies to it. CSRF tokens are checked on every form either way.
    """
    wanted = config.get("LTI_IFRAME_COOKIES")
    if wanted is None:
        wanted = os.environ.get("LTI_IFRAME_COOKIES", "").lower() in ("1", "true", "yes", "on")
    config["LTI_IFRAME_COOKIES"] = bool(wanted and config.get("SESSION_COOKIE_SECURE"))
    if config["LTI_IFRAME_COOKIES"]:
        config["SESSION_COOKIE_SAMESITE"] = "None"
        # CHIPS: kept for quizapp inside each LMS's page even where third-party cookies are blocked
        config["SESSION_COOKIE_PARTITIONED"] = True
        config["REMEMBER_COOKIE_SAMESITE"] = "None"
        config["REMEMBER_COOKIE_SECURE"] = True


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


def describe_database_error(exc: BaseException, url: str | None) -> str | None:
    """One line saying what is wrong with the database and what to do, or None.

    For the command line: a bad ``DATABASE_URL``, a driver that is not
    installed, a database that cannot be reached or opened, or one where
    ``quizapp init-db`` never ran.
    """
    import traceback

    import sqlalchemy as sa

    shown = _safe_url(url)
    if isinstance(exc, sa.exc.NoSuchModuleError):
        scheme = (url or "").split(":", 1)[0]
        return (f"DATABASE_URL names a kind of database quizapp cannot use ({scheme}); "
                "use postgresql://user@host/name or sqlite:///path")
    if isinstance(exc, sa.exc.ArgumentError):
        return "DATABASE_URL is not a database URL; use postgresql://user@host/name or sqlite:///path"
    if isinstance(exc, ImportError) and any(
        "sqlalchemy" in frame.filename for frame in traceback.extract_tb(exc.__traceback__)
    ):
        return (f"DATABASE_URL ({shown}) needs the database driver {exc.name or 'module'}, which is not installed; "
                "quizapp supports PostgreSQL (psycopg) and SQLite")
    if not isinstance(exc, sa.exc.DBAPIError):
        return None
    text = str(exc.orig if exc.orig is not None else exc)
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    if "no such table" in text or ("relation" in text and "does not exist" in text):
        return f"the database {shown} has no quizapp tables yet: run quizapp init-db"
    if not isinstance(exc, (sa.exc.OperationalError, sa.exc.InterfaceError)):
        return None
    parsed = _parse_url(url)
    if parsed is not None and parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        if parsed.database and not path.parent.is_dir():
            return f"cannot open the SQLite database {path}: the folder {path.parent} does not exist"
        return f"cannot open the SQLite database {parsed.database}: {first}"
    return f"cannot connect to the database at {shown}: {first}"


def _parse_url(url: str | None):
    import sqlalchemy as sa

    try:
        return sa.make_url(url) if url else None
    except sa.exc.ArgumentError:
        return None


def _safe_url(url: str | None) -> str:
    """The URL without its password, for messages."""
    parsed = _parse_url(url)
    if parsed is None:
        return "DATABASE_URL"
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or "(memory)"
    host = parsed.host or "localhost"
    return f"{host}:{parsed.port}/{parsed.database or ''}" if parsed.port else f"{host}/{parsed.database or ''}"


def schema_problem(connection) -> str | None:
    """Why the database cannot serve yet (no tables: init-db never ran), or None."""
    import sqlalchemy as sa

    if not sa.inspect(connection).has_table("alembic_version"):
        return "the database has no quizapp tables yet: run quizapp init-db"
    return None
