"""Teacher view: a question's audit trail."""

from flask import render_template
from flask_login import current_user

from quizapp.services import audit, ownership
from quizapp.teach import bp


@bp.get("/questions/<int:question_id>/history")
def question_history(question_id: int):
    """Who created, changed, approved or retired the question, and when."""
    ownership.check_question(question_id, current_user.id)
    question, entries = audit.question_history(question_id)
    return render_template("teach/audit/history.html", question=question, entries=entries)
