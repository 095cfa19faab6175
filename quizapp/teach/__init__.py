"""Teachers: the question bank, article drafts, classes, quizzes and results.

Every route of this blueprint is for teachers only: the ``before_request``
hook below sends visitors to the login page and refuses learners with 403,
so a new route cannot forget the check.
"""

from flask import Blueprint, abort
from flask_login import current_user

from quizapp.extensions import login_manager

bp = Blueprint("teach", __name__, url_prefix="/teach")


@bp.before_request
def require_teacher():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_teacher:
        abort(403, "This page is for teachers.")
    return None


from quizapp.teach import (  # noqa: E402,F401
    audit, bank_io, classes, co_teachers, drafts, exports, home, jobs, marking, mastery, questions, quizzes, results,
)


