"""Teacher views: from an article to reviewed draft questions.

Starting an import returns at once: the generator runs as a job on the
queue (:mod:`quizapp.jobs`; ``DRAFTS_RUN_INLINE`` runs it inside the request
instead), and the import page shows its progress from the database until the
drafts are ready.
"""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from quizapp.canonical import FACT_KINDS, QUESTION_TYPES
from quizapp.services import article_files, drafts, quizzes
from quizapp.services.errors import InvalidInput
from quizapp.teach import bp, co_teachers
from quizapp.teach.draft_forms import ArticleQuizForm, ImportForm, ReviewForm
from quizapp.teach.question_forms import TYPE_LABELS


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
        url = (form.url.data or "").strip()
        try:
            if upload:
                text = article_files.read_upload(upload.filename, upload.read())
                job = drafts.start_import(current_user.id, form.title.data, form.published.data, text)
            elif url:  # fetched by the job: a slow site holds a worker, never a web process
                job = drafts.start_link_import(current_user.id, url, form.title.data, form.published.data)
            else:
                job = drafts.start_import(current_user.id, form.title.data, form.published.data, form.text.data)
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
    elif exc.where == "url" or (upload is None and (form.url.data or "").strip()):
        form.url.errors.append(exc.message)
    elif upload is None:
        form.text.errors.append(exc.message)
    else:  # about the file: name it
        form.upload.errors.append(f"{upload.filename}: {exc.message}" if exc.where in (None, "text") else str(exc))


def _filters(args) -> drafts.DraftFilters:
    """The review page's filters from its query arguments; a value no draft could have is ignored."""
    kind, qtype, quality = (args.get(name, "", type=str) for name in ("kind", "type", "quality"))
    return drafts.DraftFilters(
        fact_kind=kind if kind in (*FACT_KINDS, "none") else "",
        qtype=qtype if qtype in QUESTION_TYPES else "",
        quality=quality if quality in drafts.QUALITY_FILTERS else "",
        rejected=args.get("show") == "rejected",
    )


#: the session key of the last reject, offered for undo on the next page
UNDO_KEY = "undo_reject"


@bp.get("/imports/<int:import_id>")
def import_detail(import_id: int):
    """An import's progress while it runs, then its drafts to review (``?forms=KEY`` shows a fact's other forms)."""
    page = drafts.import_page(import_id, current_user.id, show_forms=request.args.get("forms", type=str),
                              filters=_filters(request.args))
    undo = session.pop(UNDO_KEY, None)
    if not (isinstance(undo, dict) and undo.get("import") == import_id):
        undo = None
    quiz_form = ArticleQuizForm(formdata=None, title=page.article.title[:200])
    return render_template("teach/drafts/detail.html", page=page, form=ReviewForm(), undo=undo, quiz_form=quiz_form,
                           type_labels=TYPE_LABELS, co=co_teachers.section("import", import_id))


@bp.post("/imports/<int:import_id>/review")
def import_review(import_id: int):
    """Approve, reject or restore the selected drafts; back to the same place in the list."""
    form = ReviewForm()
    back = _filters(request.args).args()  # the list the teacher was looking at
    anchor = "drafts"
    if not form.validate():
        drafts.get_own_import(import_id, current_user.id)  # another teacher's import stays a 404
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
    elif form.action.data == "approve":
        count = drafts.approve(import_id, form.question_ids.data, current_user.id)
        flash(f"{count} question{'s' if count != 1 else ''} published to the bank.", "success")
        anchor = _next_anchor()
    elif form.action.data == "reject":
        ids = drafts.reject(import_id, form.question_ids.data, current_user.id)
        session[UNDO_KEY] = {"import": import_id, "ids": ids}  # the next page offers "Undo"
        anchor = _next_anchor()
    else:
        ids = drafts.restore(import_id, form.question_ids.data, current_user.id)
        flash(f"{len(ids)} draft{'s' if len(ids) != 1 else ''} restored to the review list.", "success")
        if ids and not back.get("show"):
            anchor = f"draft-{ids[0]}"
    return redirect(url_for("teach.import_detail", import_id=import_id, **back) + "#" + anchor)


def _next_anchor() -> str:
    """The card the page lands on after a review: the one the form names as next, or the list's top."""
    after = request.form.get("next_draft", type=int)
    return f"draft-{after}" if after else "drafts"


@bp.post("/imports/<int:import_id>/quiz")
def import_quiz(import_id: int):
    """Make a quiz of the article's approved questions in one step, and open it in the quiz builder."""
    form = ArticleQuizForm()
    try:
        if not form.validate():
            drafts.get_own_import(import_id, current_user.id)  # another teacher's import stays a 404
            raise InvalidInput(" ".join(e for errors in form.errors.values() for e in errors))
        quiz = quizzes.quiz_from_import(import_id, current_user.id, form.title.data)
    except InvalidInput as exc:
        flash(f"No quiz was made: {exc.message}", "error")
        return redirect(url_for("teach.import_detail", import_id=import_id) + "#make-quiz")
    count = len(quiz.entries)
    flash(f"Quiz “{quiz.title}” made with {count} question{'s' if count != 1 else ''} from the article. "
          "It is not published yet: choose its classes and publish it here.", "success")
    return redirect(url_for("teach.quiz_edit", quiz_id=quiz.id))


@bp.post("/imports/<int:import_id>/retry")
def import_retry(import_id: int):
    """Start a failed or stalled import again from where it stopped."""
    if drafts.retry_import(import_id, current_user.id):
        drafts.launch(current_app._get_current_object(), import_id)
    return redirect(url_for("teach.import_detail", import_id=import_id))
