"""Protections every response and every login goes through.

* Response headers (:func:`init_app` registers them): a Content-Security-Policy
  that allows no inline script or style and no framing, ``nosniff``, a
  same-origin referrer policy, and ``no-store`` on pages that carry a session.
* Login throttling lives in :mod:`quizapp.auth.throttle` (rate limits kept
  in the database, so they hold across workers and servers).
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g, request


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


def content_security_policy(frame_ancestors=(), form_action=()) -> str:
    """The policy, letting ``frame_ancestors`` frame the page and forms post to ``form_action`` too."""
    policy = CONTENT_SECURITY_POLICY
    if frame_ancestors:
        policy = policy.replace("frame-ancestors 'none'", "frame-ancestors " + " ".join(frame_ancestors))
    if form_action:
        policy = policy.replace("form-action 'self'", "form-action 'self' " + " ".join(form_action))
    return policy


def security_headers(response: Response) -> Response:
    """Add the security headers; pages for a signed-in user are never cached.

    A page that an LMS shows in its iframe (LTI, see :mod:`quizapp.lti`) sets
    ``g.frame_ancestors`` to the platforms' origins: its policy names them
    instead of ``'none'``, and it goes without ``X-Frame-Options: DENY``
    (which cannot name an origin). ``g.form_action`` adds origins a form of
    the page posts to (the deep-linking response to its platform).
    """
    frame_ancestors, form_action = g.get("frame_ancestors"), g.get("form_action")
    present = {name.lower() for name in response.headers.keys()}  # a view's own header stays (setdefault)
    for name, value in SECURITY_HEADERS.items():
        if name.lower() in present or (name == "X-Frame-Options" and frame_ancestors):
            continue
        if name == "Content-Security-Policy" and (frame_ancestors or form_action):
            value = content_security_policy(frame_ancestors or (), form_action or ())
        response.headers.add(name, value)
    if (
        "cache-control" not in present
        and request.cookies.get(current_app.config.get("SESSION_COOKIE_NAME", "session"))
        and not request.path.startswith("/static/")
    ):
        response.headers.add("Cache-Control", "no-store")
    return response
