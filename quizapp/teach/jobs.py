"""Teacher views: work on the job queue — a large bank import, an export of every class's scores.

A job's page refreshes itself while the job is pending or running; a done
export offers its file, kept for seven days. Every route checks that the job
is the teacher's own (another teacher's is a 404, like a missing one).
"""

from flask import current_app, flash, redirect, render_template, send_file, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, SubmitField
from wtforms.validators import InputRequired, Optional

from quizapp.services import background, exports
from quizapp.services.errors import InvalidInput, NotFound
from quizapp.teach import bp
from quizapp.teach.forms import options


class ExportAllForm(FlaskForm):
    kind = SelectField("What", choices=options([("gradebook", "Gradebook: a row per learner"),
                                                ("responses", "Every answer: a row per answer")]),
                       validators=[InputRequired()])
    format = SelectField("Format", choices=options([("csv", "CSV"), ("xlsx", "XLSX (Excel)"), ("json", "JSON lines")]),
                         validators=[InputRequired()])
    excel = BooleanField("CSV for Excel (byte-order mark, Windows line ends)")
    since = DateField("From (optional, UTC)", validators=[Optional()])
    until = DateField("To (optional, inclusive)", validators=[Optional()])
    submit = SubmitField("Export all my classes")


class DeleteJobForm(FlaskForm):
    submit = SubmitField("Delete")


@bp.route("/exports", methods=["GET", "POST"])
def export_all():
    """Export every class the teacher teaches, as a job: the file is ready on the job's page."""
    form = ExportAllForm()
    if form.validate_on_submit():
        filters = exports.ExportFilters(teacher_id=current_user.id, since=form.since.data, until=form.until.data)
        try:
            job = background.submit_score_export(current_app._get_current_object(), current_user.id,
                                                 form.kind.data, form.format.data, filters, excel=form.excel.data)
        except (InvalidInput, NotFound) as exc:
            (form.since if getattr(exc, "where", None) == "since" else form.kind).errors.append(str(exc))
        else:
            return redirect(url_for("teach.job_detail", job_id=job.id), code=303)
    return render_template("teach/jobs/export.html", form=form), 422 if form.errors else 200


@bp.get("/jobs")
def job_list():
    """The teacher's queued work of the last seven days."""
    background.sweep_expired()
    return render_template("teach/jobs/list.html", jobs=background.list_jobs(current_user.id),
                           is_stalled=background.is_stalled, form=DeleteJobForm())


@bp.get("/jobs/<int:job_id>")
def job_detail(job_id: int):
    job = background.get_own_job(job_id, current_user.id)
    return render_template("teach/jobs/detail.html", job=job, stalled=background.is_stalled(job),
                           form=DeleteJobForm())


@bp.get("/jobs/<int:job_id>/download")
def job_download(job_id: int):
    """A done export's file (never another teacher's: the job is looked up as this teacher's)."""
    export = background.export_file(job_id, current_user.id)
    return send_file(export.path, mimetype=export.media_type, as_attachment=True,
                     download_name=export.download_name, max_age=0)


@bp.post("/jobs/<int:job_id>/delete")
def job_delete(job_id: int):
    form = DeleteJobForm()
    if not form.validate():
        flash("The form expired; try again.", "error")
    elif background.delete_job(job_id, current_user.id):
        flash("Deleted.", "success")
    else:
        flash("This is still running; it can be deleted when it has finished.", "error")
    return redirect(url_for("teach.job_list"), code=303)
