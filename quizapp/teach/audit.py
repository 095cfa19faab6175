"""Teacher view: a question's audit trail."""

from flask import render_template

from quizapp.services import audit
from quizapp.teach import bp


@bp.get("/questions/<int:question_id>/history")
def question_history(question_id: int):
    """Who created, changed, approved or retired the question, and when."""
    question, entries = audit.question_history(question_id)
    return render_template("teach/audit/history.html", question=question, entries=entries)
