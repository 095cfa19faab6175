"""Teacher downloads: a class's gradebook or every response, as CSV, XLSX or JSON lines."""

from flask import request
from flask_login import current_user

from quizapp.downloads import filters_from_args, requested_format, send_table
from quizapp.services import classes, exports
from quizapp.teach import bp


@bp.get("/classes/<int:class_id>/export")
def export_scores(class_id: int):
    """Download the class's gradebook (``kind=gradebook``) or responses (``kind=responses``)."""
    classroom = classes.get_own_class(class_id, current_user.id)
    kind, fmt = request.args.get("kind", "gradebook"), requested_format()
    table = exports.export_table(kind, filters_from_args(classroom=classroom.id, teacher_id=current_user.id))
    return send_table(table, fmt, f"{classroom.name}-{kind}")
