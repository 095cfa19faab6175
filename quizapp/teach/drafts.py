"""Teacher views: from an article to reviewed draft questions.

Starting an import returns at once: the generator runs in a background
thread (``DRAFTS_RUN_INLINE`` runs it inside the request instead), and the
import page shows its progress from the database until the drafts are ready.
"""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from quizapp.services import drafts
from quizapp.services.errors import InvalidInput
from quizapp.teach import bp, co_teachers
from quizapp.teach.draft_forms import ImportForm, ReviewForm


@bp.get("/imports")
def import_list():
    """The teacher's article imports and how far their review has come."""
    return render_template("teach/drafts/list.html", imports=drafts.list_imports(current_user.id))


@bp.route("/imports/new", methods=["GET", "POST"])
def import_new():
    """Paste or upload an article to turn it into draft questions."""
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.upload.data if form.upload.data and form.upload.data.filename else None
        try:
            text = drafts.read_upload(upload.filename, upload.read()) if upload else form.text.data
            job = drafts.start_import(current_user.id, form.title.data, form.published.data, text)
        except InvalidInput as exc:
            _show_error(form, exc, upload)
        else:
            drafts.launch(current_app._get_current_object(), job.id)
            return redirect(url_for("teach.import_detail", import_id=job.id))
    return render_template("teach/drafts/new.html", form=form), 422 if form.errors else 200


def _show_error(form: ImportForm, exc: InvalidInput, upload) -> None:
    """Put a service's message next to the field it is about."""
    if exc.where == "title":
        form.title.errors.append(exc.message)
    elif upload is None:
        form.text.errors.append(exc.message)
    else:  # about the file: name it
        form.upload.errors.append(f"{upload.filename}: {exc.message}" if exc.where in (None, "text") else str(exc))


@bp.get("/imports/<int:import_id>")
def import_detail(import_id: int):
    """An import's progress while it runs, then its drafts to review (``?forms=KEY`` shows a fact's other forms)."""
    page = drafts.import_page(import_id, current_user.id, show_forms=request.args.get("forms", type=str))
    return render_template("teach/drafts/detail.html", page=page, form=ReviewForm(),
                           co=co_teachers.section("import", import_id))


@bp.post("/imports/<int:import_id>/review")
def import_review(import_id: int):
    """Approve or reject the selected drafts of an import."""
    form = ReviewForm()
    if not form.validate():
        drafts.get_own_import(import_id, current_user.id)  # another teacher's import stays a 404
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
    elif form.action.data == "approve":
        count = drafts.approve(import_id, form.question_ids.data, current_user.id)
        flash(f"{count} question{'s' if count != 1 else ''} published to the bank.", "success")
    else:
        count = drafts.reject(import_id, form.question_ids.data, current_user.id)
        flash(f"{count} draft{'s' if count != 1 else ''} rejected and deleted.", "success")
    return redirect(url_for("teach.import_detail", import_id=import_id) + "#drafts")


@bp.post("/imports/<int:import_id>/retry")
def import_retry(import_id: int):
    """Start a failed or stalled import again from where it stopped."""
    if drafts.retry_import(import_id, current_user.id):
        drafts.launch(current_app._get_current_object(), import_id)
    return redirect(url_for("teach.import_detail", import_id=import_id))
