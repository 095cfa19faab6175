"""Protections every response and every login goes through.

* Response headers (:func:`init_app` registers them): a Content-Security-Policy
  that allows no inline script or style and no framing, ``nosniff``, a
  same-origin referrer policy, and ``no-store`` on pages that carry a session.
* Login throttling (:func:`login_blocked`, :func:`record_failed_login`,
  :func:`clear_failed_logins`): failed logins are rows in the database, so
  the limit holds across gunicorn workers and across servers sharing the
  database. See docs/security.md.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Flask, Response, current_app, request

from quizapp.extensions import db
from quizapp.models._common import utcnow

#: No inline <script> or style="" anywhere: templates link static/ files only.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
    )
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",  # for browsers that predate frame-ancestors
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

#: failed logins allowed per username, and per client address, in the window
LOGIN_LIMIT_PER_USERNAME = 5
LOGIN_LIMIT_PER_ADDRESS = 30
LOGIN_WINDOW_S = 15 * 60


def init_app(app: Flask) -> None:
    """Register the response headers on ``app``."""
    app.config.setdefault("LOGIN_LIMIT_PER_USERNAME", LOGIN_LIMIT_PER_USERNAME)
    app.config.setdefault("LOGIN_LIMIT_PER_ADDRESS", LOGIN_LIMIT_PER_ADDRESS)
    app.config.setdefault("LOGIN_WINDOW_S", LOGIN_WINDOW_S)
    app.after_request(security_headers)


def security_headers(response: Response) -> Response:
    """Add the security headers; pages for a signed-in user are never cached."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.cookies.get(current_app.config.get("SESSION_COOKIE_NAME", "session")) and not request.path.startswith(
        "/static/"
    ):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


# --- login throttling ---------------------------------------------------------

def _username_key(username: str) -> str:
    return (username or "").strip().casefold()[:64]


def _address() -> str:
    return (request.remote_addr or "unknown")[:64]


def _window_start(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(seconds=int(current_app.config["LOGIN_WINDOW_S"]))


def login_blocked(username: str, now: dt.datetime | None = None) -> bool:
    """Whether this username, or this client address, has failed too often lately."""
    from quizapp.models.security import LoginAttempt

    since = _window_start(now or utcnow())
    per_user = db.session.scalar(
        sa.select(sa.func.count()).select_from(LoginAttempt)
        .where(LoginAttempt.username == _username_key(username), LoginAttempt.at > since)
    )
    if per_user >= int(current_app.config["LOGIN_LIMIT_PER_USERNAME"]):
        return True
    per_address = db.session.scalar(
        sa.select(sa.func.count()).select_from(LoginAttempt)
        .where(LoginAttempt.address == _address(), LoginAttempt.at > since)
    )
    return per_address >= int(current_app.config["LOGIN_LIMIT_PER_ADDRESS"])


def record_failed_login(username: str, now: dt.datetime | None = None) -> None:
    """Count a failed login (and forget the ones older than the window)."""
    from quizapp.models.security import LoginAttempt

    now = now or utcnow()
    db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.at <= _window_start(now)))
    db.session.add(LoginAttempt(username=_username_key(username), address=_address(), at=now))
    db.session.commit()


def clear_failed_logins(username: str) -> None:
    """A successful login forgives the username's earlier failures."""
    from quizapp.models.security import LoginAttempt

    db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.username == _username_key(username)))
    db.session.commit()
