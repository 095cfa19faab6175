"""A learner's own history as a download (CSV, XLSX or JSON lines)."""

from flask import request
from flask_login import current_user, login_required

from quizapp.downloads import filters_from_args, requested_format, send_table
from quizapp.quiz import bp
from quizapp.services import exports


@bp.get("/progress/export")
@login_required
def export_history():
    """Download every answer you gave (``kind=responses``) or your grades (``kind=gradebook``)."""
    kind, fmt = request.args.get("kind", "responses"), requested_format()
    table = exports.export_table(kind, filters_from_args(learner_id=current_user.id))
    return send_table(table, fmt, f"{current_user.username}-{kind}")
