"""Teacher view: a class's mastery per fact kind, beside its gradebook."""

from flask import render_template
from flask_login import current_user

from quizapp import charts
from quizapp.models._common import utcnow
from quizapp.services import mastery as mastery_service
from quizapp.teach import bp


@bp.get("/classes/<int:class_id>/mastery")
def class_mastery(class_id: int):
    """The class's mean mastery per kind of fact, and each learner's."""
    result = mastery_service.class_mastery(class_id, current_user.id, utcnow())
    chart = charts.bar_chart(
        "chart-class-mastery", f"Mastery per kind of fact: {result.classroom.name}",
        "The class mean of each learner's mastery (mean FSRS recall probability, unseen questions counting 0).",
        [(row.label, row.percent) for row in result.kinds] if any(lm.cards for lm in result.learners) else [],
        y_max=100, unit="%", label_header="Kind of fact", value_header="Class mastery",
    )
    return render_template("teach/mastery.html", result=result, chart=chart)
