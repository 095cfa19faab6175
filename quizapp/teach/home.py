"""The teacher's dashboard."""

from flask import render_template
from flask_login import current_user

from quizapp.services import classes as classes_service
from quizapp.teach import bp


@bp.get("/")
def home():
    """Links to every part of the teacher's work, with the teacher's classes."""
    return render_template("teach/home.html", classrooms=classes_service.teacher_classes(current_user.id))
