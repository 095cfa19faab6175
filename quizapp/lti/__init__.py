"""The LTI 1.3 tool: OIDC login, launch, deep linking, the tool's JWKS, platform registration, and the
class pages that show grade passback and the roster.

An LMS shows quizapp in an iframe: the LTI pages may be framed by every
registered platform (``frame-ancestors``), and a session that began with a
launch may be framed by its own platform on every page (the quiz pages
too); any other session keeps ``frame-ancestors 'none'``. See
:func:`quizapp.security.security_headers`.
"""

from flask import Blueprint, Flask, g, session

bp = Blueprint("lti", __name__, url_prefix="/lti")

#: the session key of an LTI session: {"platform": id, "frame": [origins]}
SESSION_KEY = "lti"


def init_app(app: Flask) -> None:
    """Let the platform a session came from frame its pages (every page, not only /lti/)."""
    app.before_request(_frame_for_lti_session)


def _frame_for_lti_session() -> None:
    lti = session.get(SESSION_KEY)
    if lti and lti.get("frame"):
        g.frame_ancestors = list(lti["frame"])


from quizapp.lti import routes  # noqa: E402  (the views register themselves on bp)

__all__ = ["SESSION_KEY", "bp", "init_app", "routes"]
