"""Teacher views: the question bank, the question editor, preview and retiring."""

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import Form, SelectField, StringField

from quizapp.canonical import FACT_KINDS, QUESTION_TYPES, STATUSES
from quizapp.downloads import send_image
from quizapp.services import authoring, ownership, question_files
from quizapp.services.errors import InvalidQuestion
from quizapp.teach import bp
from quizapp.teach.forms import options
from quizapp.teach.question_forms import TYPE_LABELS, QuestionForm


class BankFilterForm(Form):
    """The bank page's search and filters (a GET form: nothing to protect)."""

    q = StringField("Search the question text")
    article = SelectField("Article")
    fact_kind = SelectField(
        "Fact kind", choices=options([("", "Any kind")] + [(k, k.capitalize()) for k in FACT_KINDS] + [("none", "No fact")])
    )
    type = SelectField("Type", choices=options([("", "Any type")] + [(t, TYPE_LABELS[t]) for t in QUESTION_TYPES]))
    tag = SelectField("Tag")
    status = SelectField("Status", choices=options([("", "Any status")] + [(s, s.capitalize()) for s in STATUSES]))

    def values(self) -> dict:
        """The filters to apply; a value that is not offered is ignored."""
        self.validate()
        get = lambda name: "" if self[name].errors else (self[name].data or "")  # noqa: E731
        return {
            "text": (self.q.data or "")[:200],
            "article_id": int(get("article")) if get("article") else None,
            "fact_kind": get("fact_kind"),
            "qtype": get("type"),
            "tag": get("tag"),
            "status": get("status"),
        }


def _articles(question=None) -> list:
    """The articles this teacher may pick (not those only another teacher's drafts cite), and the question's own."""
    articles = authoring.list_articles(current_user.id)
    if question is not None and question.article is not None and question.article not in articles:
        articles.append(question.article)
    return articles


#: no bank has this many pages; a larger page number shows an empty page past the end
MAX_PAGE = 1_000_000


@bp.get("/questions")
def question_list():
    """The question bank: search, filters and pages of 25 (another teacher's drafts are not listed)."""
    filters = BankFilterForm(request.args)
    filters.article.choices = options([("", "Any article")] + [(str(a.id), a.title) for a in _articles()])
    filters.tag.choices = options([("", "Any tag")] + [(t, t) for t in authoring.tags_in_use(current_user.id)])
    number = min(request.args.get("page", 1, type=int), MAX_PAGE)  # 2**63 would overflow the OFFSET (issue 14)
    page = authoring.search_questions(**filters.values(), page=number, teacher_id=current_user.id)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("teach/questions/list.html", filters=filters, page=page, args=args,
                           type_labels=TYPE_LABELS)


@bp.route("/questions/new", methods=["GET", "POST"])
def question_new():
    """The editor for a new question of the type asked for (or a choice of type)."""
    qtype = request.args.get("type", "")
    if qtype not in QUESTION_TYPES:
        return render_template("teach/questions/choose_type.html", type_labels=TYPE_LABELS)
    form = QuestionForm.build(qtype, _articles())
    if not form.rows_changed() and form.validate_on_submit():
        try:
            question = authoring.create_question(
                form.to_data(), current_user.id, article_id=form.article_id(), sentence=form.source_sentence.data
            )
        except InvalidQuestion as exc:
            form.show_problems(exc.problems)
        else:
            flash("Question saved.", "success")
            return redirect(url_for("teach.question_edit", question_id=question.id))
    return render_template("teach/questions/edit.html", form=form, question=None,
                           type_labels=TYPE_LABELS), _status(form)


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
def question_edit(question_id: int):
    """The editor for a question; a change of content saves a new version."""
    ownership.check_question(question_id, current_user.id)  # another teacher's draft is a 404
    question = authoring.get_question(question_id)
    back = drafts_path(request.args.get("next"))  # "Edit first" on an article's drafts comes back to them
    form = QuestionForm.build(question.type, _articles(question), question.data, question.article_id)
    if not form.rows_changed() and form.validate_on_submit():
        number = question.current.number
        try:
            question = authoring.update_question(
                question_id, form.to_data(question.data), current_user.id,
                article_id=form.article_id(), sentence=form.source_sentence.data,
            )
        except InvalidQuestion as exc:
            form.show_problems(exc.problems)
        else:
            changed = question.current.number != number
            flash(f"Saved as version {question.current.number}." if changed else "Saved; the content did not change.",
                  "success")
            return redirect(back or url_for("teach.question_edit", question_id=question_id))
    return render_template("teach/questions/edit.html", form=form, question=question, back=back,
                           type_labels=TYPE_LABELS), _status(form)


def drafts_path(target: str | None) -> str | None:
    """``target`` when it is a path of this site's draft review pages, else None (no open redirect).

    Browsers read ``/\\evil.example`` as ``//evil.example`` and drop tabs and
    newlines inside URLs, so backslashes and control characters are refused.
    """
    if not target or not target.startswith("/teach/imports/") or "\\" in target:
        return None
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in target):
        return None
    parts = urlsplit(target)
    return target if not (parts.scheme or parts.netloc) and "//" not in parts.path else None


def _status(form: QuestionForm) -> int:
    return 422 if form.is_submitted() and form.has_problems() else 200


@bp.get("/questions/<int:question_id>/preview")
def question_preview(question_id: int):
    """The question as a learner sees it, its answer controls disabled."""
    ownership.check_question(question_id, current_user.id)  # another teacher's draft is a 404
    question = authoring.get_question(question_id)
    data = question.data
    return render_template("teach/questions/preview.html", question=question, q=data,
                           order=authoring.learner_order(data, seed=question.id))


@bp.get("/questions/<int:question_id>/files/<path:name>")
def question_file(question_id: int, name: str):
    """An image of a question's current version, for the teachers who may see the question."""
    ownership.check_question(question_id, current_user.id)  # another teacher's draft is a 404
    return send_image(question_files.image_for(authoring.get_question(question_id).data, name, feedback_due=True))


@bp.post("/questions/<int:question_id>/retire")
def question_retire(question_id: int):
    """Retire a question: it leaves every quiz; past answers keep it."""
    ownership.check_question(question_id, current_user.id)  # another teacher's draft is a 404
    question = authoring.retire_question(question_id, current_user.id)
    flash(f"Retired “{question.stem[:80]}”: it is no longer in any quiz. Past answers keep it.", "success")
    target = request.form.get("next", "")  # back to the filtered page the teacher was on
    return redirect(target if target.startswith("/teach/questions") else url_for("teach.question_list"))

