"""Protections every response and every login goes through.

* Response headers (:func:`init_app` registers them): a Content-Security-Policy
  that allows no inline script or style and no framing, ``nosniff``, a
  same-origin referrer policy, and ``no-store`` on pages that carry a session.
* Login throttling lives in :mod:`quizapp.auth.throttle` (rate limits kept
  in the database, so they hold across workers and servers).
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

def init_app(app: Flask) -> None:
    """Register the response headers on ``app``."""
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
