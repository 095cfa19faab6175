"""Learners: the quiz list, taking a quiz, review and progress."""

from flask import Blueprint

bp = Blueprint("quiz", __name__)

from quizapp.quiz import exports, review, routes, study  # noqa: E402,F401  (routes attach to bp)
