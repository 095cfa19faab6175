"""Accounts: register, log in, log out."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from quizapp.auth import routes, tokens  # noqa: E402,F401  (routes attach to bp)
