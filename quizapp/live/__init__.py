"""Live sessions (issue 20): the teacher's projector and controls, the phones' pages, the event stream."""

from flask import Blueprint

bp = Blueprint("live", __name__, url_prefix="/live")

from quizapp.live import events, routes  # noqa: E402,F401  (routes attach to bp)
