"""Teacher views: building quizzes for classes."""

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from quizapp.canonical import FACT_KINDS, QUESTION_TYPES
from quizapp.extensions import db
from quizapp.models import Article, Question, Quiz
from quizapp.services import classes, ownership, quizzes, regrade
from quizapp.services.errors import InvalidInput
from quizapp.teach import bp, co_teachers
from quizapp.teach.forms import QuizForm, options


def _quiz_form(quiz=None) -> QuizForm:
    form = QuizForm(obj=quiz)
    if quiz is not None and request.method == "GET":
        form.questions.data = [entry.question_id for entry in quiz.entries]
        form.classrooms.data = [c.id for c in quiz.classrooms]
        form.time_limit.data = quiz.time_limit_s // 60 if quiz.time_limit_s else None
    articles = db.session.scalars(
        sa.select(Article).where(ownership.visible_articles_clause(current_user.id)).order_by(Article.title)
    )
    form.pool_article.choices = options([(0, "Any article")] + [(a.id, a.title) for a in articles])
    form.pool_fact_kind.choices = options([("", "Any kind")] + [(k, k) for k in FACT_KINDS])
    form.pool_type.choices = options([("", "Any type")] + [(t, t.replace("_", " ")) for t in QUESTION_TYPES])
    form.classrooms.choices = options((c.id, c.name) for c in classes.teacher_classes(current_user.id))
    published = db.session.scalars(
        sa.select(Question).filter_by(status="published").order_by(Question.article_id, Question.id)
    )
    form.questions.choices = options((q.id, q.stem) for q in published)
    return form


def _picker() -> dict:
    """The hand-picking list: questions grouped by article, filtered by ``?q=`` (a GET search)."""
    search = request.args.get("q", "", type=str)[:200]
    groups = quizzes.question_groups(current_user.id, search)
    return {"search": search, "groups": groups, "shown": {q.id for g in groups for q in g.questions}}


def _settings(form: QuizForm) -> quizzes.QuizSettings:
    return quizzes.QuizSettings(
        title=form.title.data or "",
        description=form.description.data or "",
        draw_count=form.draw_count.data,
        shuffle_questions=form.shuffle_questions.data,
        shuffle_choices=form.shuffle_choices.data,
        attempts_allowed=form.attempts_allowed.data,
        grading_method=form.grading_method.data,
        time_limit_s=form.time_limit.data * 60 if form.time_limit.data is not None else None,
        feedback_timing=form.feedback_timing.data,
        opens_at=form.opens_at.data,
        closes_at=form.closes_at.data,
        is_published=form.is_published.data,
    )


def _save(form: QuizForm, quiz_id: int | None):
    if form.selection.data == "pool":
        question_ids = quizzes.pool(
            form.pool_article.data or None, form.pool_fact_kind.data or None,
            form.pool_type.data or None, form.pool_tag.data or None,
        )
    else:
        question_ids = form.questions.data or []
    try:
        return quizzes.save_quiz(current_user.id, _settings(form), question_ids, form.classrooms.data or [], quiz_id)
    except InvalidInput as exc:
        field = {"time_limit": form.time_limit}.get(exc.where or "", getattr(form, exc.where or "", None))
        (field.errors if field is not None else form.form_errors).append(exc.message)
        return None


@bp.get("/quizzes")
def quiz_list():
    """The teacher's quizzes and the bank quizzes, with links to their statistics."""
    bank = db.session.scalars(sa.select(Quiz).filter_by(origin="bank", is_published=True).order_by(Quiz.id)).all()
    return render_template("teach/quizzes.html", mine=quizzes.teacher_quizzes(current_user.id), bank=bank)


@bp.route("/quizzes/new", methods=["GET", "POST"])
def quiz_new():
    """Build a new quiz."""
    form = _quiz_form()
    if form.validate_on_submit():
        quiz = _save(form, None)
        if quiz is not None:
            flash(f"Quiz “{quiz.title}” saved.", "success")
            return redirect(url_for("teach.quiz_list"))
    return render_template("teach/quiz_form.html", form=form, quiz=None, **_picker()), \
        422 if form.errors or form.form_errors else 200


@bp.route("/quizzes/<int:quiz_id>/edit", methods=["GET", "POST"])
def quiz_edit(quiz_id: int):
    """Change a quiz the teacher built or co-teaches; its owner names co-teachers here."""
    quiz = quizzes.own_quiz(quiz_id, current_user.id)
    form = _quiz_form(quiz)
    if form.validate_on_submit():
        if _save(form, quiz_id) is not None:
            flash(f"Quiz “{quiz.title}” saved.", "success")
            return redirect(url_for("teach.quiz_list"))
    other_classes = [c for c in quiz.classrooms if not ownership.teaches_class(c, current_user.id)]
    return render_template("teach/quiz_form.html", form=form, quiz=quiz, other_classes=other_classes,
                           co=co_teachers.section("quiz", quiz.id), **_picker()), \
        422 if form.errors or form.form_errors else 200


@bp.route("/quizzes/<int:quiz_id>/regrade", methods=["GET", "POST"])
def quiz_regrade(quiz_id: int):
    """Grade the quiz's recorded answers again with today's rules: shown first, changed only on the teacher's word.

    Answers given before a grading fix (a short answer once matched too
    loosely) keep their score until the teacher confirms here; the page
    lists each answer whose score would change, old and new.
    """
    quiz = quizzes.own_quiz(quiz_id, current_user.id)
    if request.method == "POST":
        if not request.form.get("confirm"):
            flash("Nothing was changed: tick the box to confirm.", "error")
            return redirect(url_for("teach.quiz_regrade", quiz_id=quiz.id))
        done = regrade.apply_regrade(quiz.slug)
        flash(f"Re-graded {len(done.changes)} answer(s) in {len(done.attempts)} attempt(s).", "success")
        return redirect(url_for("teach.quiz_regrade", quiz_id=quiz.id))
    return render_template("teach/quiz_regrade.html", quiz=quiz, plan=regrade.plan_regrade(quiz.slug))
