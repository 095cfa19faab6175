"""Teacher views: the class gradebook, a learner's attempts, item statistics."""

from flask import render_template
from flask_login import current_user

from quizapp.services import classes, ownership, statistics
from quizapp.teach import bp


@bp.get("/classes/<int:class_id>/gradebook")
def gradebook(class_id: int):
    """The class's learners × quizzes grid of final grades."""
    classroom = classes.get_own_class(class_id, current_user.id)
    return render_template("teach/results/gradebook.html", book=statistics.gradebook(classroom.id, current_user.id))


@bp.get("/classes/<int:class_id>/learners/<int:user_id>/quizzes/<int:quiz_id>")
def learner_attempts(class_id: int, user_id: int, quiz_id: int):
    """Every attempt of one learner at one quiz, with every answer."""
    classroom = classes.get_own_class(class_id, current_user.id)
    result = statistics.learner_attempts(classroom.id, user_id, quiz_id)
    return render_template(
        "teach/results/learner_attempts.html", result=result,
        markable=ownership.teaches_quiz(result.quiz, current_user.id),
    )


@bp.get("/quizzes/<int:quiz_id>/statistics")
def item_statistics(quiz_id: int):
    """Facility, discrimination and choice frequencies per question of a quiz."""
    return render_template(
        "teach/results/item_statistics.html",
        stats=statistics.item_statistics(quiz_id, current_user.id),
        thresholds=statistics.THRESHOLDS,
    )
