"""Learner views: thin wrappers over the attempts and progress services."""

import itertools

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from quizapp.downloads import send_image
from quizapp.extensions import db
from quizapp.models import Quiz
from quizapp.models._common import utcnow
from quizapp.quiz import bp
from quizapp.quiz.forms import JoinForm, MissingAnswer, form_values, response_from_form
from quizapp.services import attempts, classes, progress, timing
from quizapp.services.errors import InvalidInput


@bp.get("/")
def index():
    """The published quizzes, grouped by article."""
    standings = progress.quiz_standings(current_user.id) if current_user.is_authenticated else {}
    quizzes = db.session.scalars(
        sa.select(Quiz)
        .options(sa.orm.joinedload(Quiz.article))
        .where(attempts.visible_quizzes_filter(current_user))
        .order_by(Quiz.article_id.is_(None), Quiz.article_id, Quiz.position, Quiz.id)
    ).all()
    groups = [(article, list(group)) for article, group in itertools.groupby(quizzes, key=lambda q: q.article)]
    counts = dict(
        db.session.execute(
            sa.select(Quiz.id, sa.func.count()).join(Quiz.entries).group_by(Quiz.id)
        ).all()
    )
    return render_template("quiz/index.html", groups=groups, counts=counts, standings=standings)


@bp.get("/quizzes/<slug>")
def overview(slug: str):
    """A quiz's description with a start or resume button."""
    quiz = attempts.get_quiz(slug, current_user)
    signed_in = current_user.is_authenticated
    return render_template(
        "quiz/overview.html",
        quiz=quiz,
        unfinished=attempts.open_attempt(quiz, current_user.id) if signed_in else None,
        used=attempts.attempts_used(quiz, current_user.id) if signed_in else 0,
        closed=attempts.why_closed(quiz),
        count=quiz.draw_count or len(quiz.entries),
    )


@bp.post("/quizzes/<slug>/start")
@login_required
def start(slug: str):
    """Start (or resume) an attempt and go to its first unanswered question."""
    attempt = attempts.start_attempt(attempts.get_quiz(slug, current_user), current_user.id)
    return redirect(url_for("quiz.question", attempt_id=attempt.id, position=attempts.first_unanswered(attempt)))


def _to_result(attempt, late_answer: bool = False):
    """The review of an attempt that just ended without its learner (time up, quiz closed)."""
    if late_answer:
        flash("Your last answer arrived after the time was up, so it was not scored.", "info")
    elif not attempts.timed_out(attempt):  # the review itself says when time was up
        flash(attempts.closed_message(attempt), "info")
    return redirect(url_for("quiz.review", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>/q/<int:position>", methods=["GET", "POST"])
@login_required
def question(attempt_id: int, position: int):
    """One question of an attempt; after an answer, its feedback."""
    attempt = attempts.get_attempt(attempt_id, current_user.id)
    if request.method == "GET" and attempts.expire_if_late(attempt):
        return _to_result(attempt)
    slot = attempts.slot(attempt, position)
    error = None
    if request.method == "POST":
        attempts.expire_if_late(attempt)
        if attempts.timed_out(attempt):  # a late answer lands on the result, not an error (after a close: 409)
            return _to_result(attempt, late_answer=True)
        try:
            response = response_from_form(slot.data, slot.order, request.form)
        except MissingAnswer as exc:
            error = str(exc)
        else:
            now = utcnow()
            taken = timing.time_taken_ms(current_user.id, attempts.view_key(attempt, position), now)
            deadline = attempt.deadline_at  # read before the commit, which would make reading it a query
            attempts.record_answer(attempt, position, response, taken, current=slot)
            if deadline is not None and utcnow() >= deadline:  # in the grace after the time limit: the last answer
                return redirect(url_for("quiz.review", attempt_id=attempt_id))
            return redirect(url_for("quiz.question", attempt_id=attempt_id, position=position))
    elif attempt.finished_at is not None and slot.answer is None:
        return redirect(url_for("quiz.review", attempt_id=attempt_id))
    elif slot.answer is None:  # answer times start when the server first showed the question
        timing.mark_shown(current_user.id, attempts.view_key(attempt, position), utcnow())
    return render_template(
        "quiz/question.html",
        attempt=attempt,
        slot=slot,
        total=len(attempt.layout),
        feedback=attempts.feedback(slot) if slot.answer and attempts.feedback_visible(attempt) else None,
        error=error,
        seconds_left=attempts.seconds_left(attempt),
        states=attempts.states(attempt),
        can_change=attempts.answers_can_change(attempt),
        # the form starts from what the learner sent (asked again) or their saved answer (to change it)
        values=request.form.to_dict(flat=False) if error else
        form_values(slot.data, slot.order, slot.answer.response) if slot.answer else None,
    ), (422 if error else 200)


@bp.post("/attempts/<int:attempt_id>/q/<int:position>/flag")
@login_required
def flag(attempt_id: int, position: int):
    """Flag a question to come back to before submitting, or clear its flag."""
    attempt = attempts.get_attempt(attempt_id, current_user.id)
    attempts.expire_if_late(attempt)
    if attempts.timed_out(attempt):  # a click after the time was up: the result, not an error
        return _to_result(attempt)
    wanted = request.form.get("flagged")
    if wanted not in ("0", "1"):
        raise InvalidInput("Say whether to flag the question: the form was incomplete.", where="flagged")
    attempts.set_flag(attempt, position, wanted == "1")
    return redirect(url_for("quiz.question", attempt_id=attempt_id, position=position))


@bp.get("/attempts/<int:attempt_id>/summary")
@login_required
def summary(attempt_id: int):
    """Every question's state before submitting: what is answered, what is not, what is flagged."""
    attempt = attempts.get_attempt(attempt_id, current_user.id)
    if attempts.expire_if_late(attempt):
        return _to_result(attempt)
    if attempt.finished_at is not None:
        return redirect(url_for("quiz.review", attempt_id=attempt_id))
    return render_template(
        "quiz/summary.html", attempt=attempt, states=attempts.states(attempt),
        seconds_left=attempts.seconds_left(attempt), can_change=attempts.answers_can_change(attempt),
    )


@bp.get("/attempts/<int:attempt_id>/q/<int:position>/files/<path:name>")
@login_required
def question_file(attempt_id: int, position: int, name: str):
    """An image of a question of the learner's own attempt (feedback images once feedback is due)."""
    return send_image(attempts.question_image(attempts.get_attempt(attempt_id, current_user.id), position, name))


@bp.post("/attempts/<int:attempt_id>/finish")
@login_required
def finish(attempt_id: int):
    """Close the attempt and show the review."""
    attempts.finish_attempt(attempts.get_attempt(attempt_id, current_user.id))
    return redirect(url_for("quiz.review", attempt_id=attempt_id))


@bp.get("/attempts/<int:attempt_id>/review")
@login_required
def review(attempt_id: int):
    """The score and every question with its answer, once the attempt is finished."""
    attempt = attempts.get_attempt(attempt_id, current_user.id)
    if attempts.expire_if_late(attempt) and not attempts.timed_out(attempt):  # the page says when time was up
        flash(attempts.closed_message(attempt), "info")
    if attempt.finished_at is None:
        flash("Finish the attempt to see the review.", "info")
        return redirect(url_for("quiz.overview", slug=attempt.quiz.slug))
    slots = attempts.slots(attempt)
    visible = attempts.feedback_visible(attempt)
    return render_template(
        "quiz/review.html",
        attempt=attempt,
        slots=slots,
        feedbacks={s.position: attempts.feedback(s) for s in slots} if visible else None,
        timed_out=attempts.timed_out(attempt),
    )


@bp.get("/progress")
@login_required
def progress_page():
    """The learner's attempts, scores per quiz, accuracy per fact kind, most missed."""
    return render_template("quiz/progress.html", progress=progress.learner_progress(current_user.id))


@bp.route("/classes/join", methods=["GET", "POST"])
@login_required
def join():
    """Join a class with the code a teacher gave."""
    form = JoinForm() if request.method == "POST" else JoinForm(code=request.args.get("code", "")[:16])
    if form.validate_on_submit():
        try:
            classroom, new = classes.join_class(current_user.id, form.code.data)
        except InvalidInput as exc:
            form.code.errors.append(exc.message)
        else:
            flash(f"You joined {classroom.name}." if new else f"You are already in {classroom.name}.", "success")
            return redirect(url_for("quiz.index"))
    return render_template(
        "quiz/join.html", form=form, classrooms=classes.learner_classes(current_user.id)
    ), 422 if form.errors else 200
