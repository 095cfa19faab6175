"""Teacher views: upload a bank file, preview and confirm its import; download the bank.

The uploaded file is kept in the database (:class:`BankUpload`) between the
preview and the confirmation; the confirmation form only names the upload,
so the questions imported are the ones previewed, never questions sent
back by the browser.
"""

import datetime as dt

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.utils import secure_filename
from wtforms import SubmitField

from quizapp.services import background, bank, ownership
from quizapp.services.errors import Conflict, InvalidInput
from quizapp.teach import bp

#: What the upload field offers (the formats' extensions).
UPLOAD_ACCEPT = ".yaml,.yml,.json,.gift,.txt,.xml,.csv"


class BankUploadForm(FlaskForm):
    upload = FileField("Bank file (.yaml .yml .json .gift .txt .xml .csv)",
                       validators=[FileRequired("Choose a bank file to upload.")])
    submit = SubmitField("Preview the import")


class ConfirmForm(FlaskForm):
    submit = SubmitField("Import")


@bp.route("/bank/import", methods=["GET", "POST"])
def bank_import():
    """Upload a bank file to preview its import; the export links."""
    form = BankUploadForm()
    if form.validate_on_submit():
        try:
            upload = bank.stage_upload(current_user.id, form.upload.data.filename, form.upload.data.read())
        except InvalidInput as exc:
            form.upload.errors.append(str(exc))
        else:
            return redirect(url_for("teach.bank_import_preview", upload_id=upload.id))
    return render_template("teach/bank/import.html", form=form, accept=UPLOAD_ACCEPT, limit_mb=bank.MAX_UPLOAD_BYTES // 1048576,
                           export_formats=bank.EXPORT_FILES), 422 if form.errors else 200


@bp.get("/bank/import/<int:upload_id>")
def bank_import_preview(upload_id: int):
    """What importing the uploaded file would do: new, changed and unchanged questions."""
    preview = bank.upload_preview(upload_id, current_user.id)
    return render_template("teach/bank/preview.html", preview=preview, report=preview.report, form=ConfirmForm(),
                           in_background=background.runs_as_job(preview.upload))


@bp.post("/bank/import/<int:upload_id>/confirm")
def bank_import_confirm(upload_id: int):
    """Import the previewed file, all or nothing: at once, or on the job queue when it is large."""
    form = ConfirmForm()
    if not form.validate():
        flash("The form expired; look at the preview again and confirm.", "error")
        return redirect(url_for("teach.bank_import_preview", upload_id=upload_id))
    if background.runs_as_job(bank.own_upload(upload_id, current_user.id)):
        job = background.submit_bank_import(current_app._get_current_object(), upload_id, current_user.id)
        return redirect(url_for("teach.job_detail", job_id=job.id), code=303)
    try:
        report = bank.confirm_upload(upload_id, current_user.id)
    except Conflict as exc:  # nothing was imported; the upload waits to be confirmed again
        flash(str(exc), "error")
        return redirect(url_for("teach.bank_import_preview", upload_id=upload_id))
    flash(f"Imported: {report.summary()}.", "success")
    return redirect(url_for("teach.bank_import"))


@bp.get("/bank/export")
def bank_export():
    """Download the bank (or a quiz, ``quiz=slug``) as yaml, json, gift, xml, csv or an Anki apkg."""
    fmt = request.args.get("format", "yaml")
    if fmt not in bank.EXPORT_FILES:
        raise InvalidInput(f"Unknown format “{fmt}”; choose {', '.join(bank.EXPORT_FILES)}.", where="format")
    quiz = request.args.get("quiz") or None
    if quiz is not None:
        ownership.check_quiz_export(quiz, current_user.id)  # another teacher's class or draft quiz is a 404
    # the bank as this teacher sees it: another teacher's drafts are left out
    export = bank.export_as(fmt, status=request.args.get("status") or None, quiz=quiz, teacher_id=current_user.id)
    response = Response(export.data, mimetype=export.media_type)
    name = secure_filename(f"{export.name}-{dt.date.today().isoformat()}{export.extension}")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
