"""The Review page: today's spaced-repetition session, and the review data other quiz pages show."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from quizapp import charts
from quizapp.downloads import send_image
from quizapp.models._common import utcnow
from quizapp.quiz import bp
from quizapp.quiz.forms import MissingAnswer, response_from_form
from quizapp.services import mastery, scheduling


def _session_size() -> int:
    return int(current_app.config["REVIEW_SESSION_SIZE"])


@bp.get("/review")
@login_required
def daily_review():
    """The next due question of today's review session, or why there is none."""
    item, session = scheduling.current_item(current_user.id, utcnow(), _session_size())
    return _render_item(item, session)


def _render_item(item, session, error: str | None = None):
    if item is not None:  # answer times start when the server first showed the question
        scheduling.mark_shown(current_user.id, item.card, utcnow())
    return render_template(
        "quiz/review_session.html", item=item, session=session, error=error,
    ), (422 if error else 200)


@bp.post("/review")
@login_required
def daily_review_answer():
    """Grade the answer to the question up for review, then show its feedback."""
    now = utcnow()
    item, session = scheduling.current_item(current_user.id, now, _session_size())
    question_id = request.form.get("question", type=int)
    reps = request.form.get("reps", type=int)
    if item is None or item.card.question_id != question_id or item.card.reps != reps:
        flash("That question was already answered; here is what is up next.", "info")
        return redirect(url_for("quiz.daily_review"))
    try:
        response = response_from_form(item.data, item.order, request.form)
    except MissingAnswer as exc:
        return _render_item(item, session, str(exc))
    log = scheduling.submit_review(
        current_user.id, question_id, reps, response, scheduling.time_taken_ms(current_user.id, item.card, now),
        now, _session_size(),
    )
    return redirect(url_for("quiz.review_feedback", log_id=log.id))


@bp.get("/review/answers/<int:log_id>")
@login_required
def review_feedback(log_id: int):
    """The feedback and new schedule of one Review-page answer."""
    log = scheduling.get_review_log(log_id, current_user.id)
    _item, session = scheduling.current_item(current_user.id, utcnow(), _session_size())
    return render_template(
        "quiz/review_answer.html", log=log, q=log.version.data, feedback=scheduling.review_feedback(log),
        session=session,
    )


@bp.get("/review/questions/<int:question_id>/files/<path:name>")
@login_required
def review_question_file(question_id: int, name: str):
    """An image of a question the learner reviews (not its feedback's: that comes with the answer)."""
    return send_image(scheduling.review_image(current_user.id, question_id, name))


@bp.get("/review/answers/<int:log_id>/files/<path:name>")
@login_required
def review_answer_file(log_id: int, name: str):
    """An image of the question of one of the learner's Review-page answers, feedback images included."""
    return send_image(scheduling.review_answer_image(log_id, current_user.id, name))


# --- review data for the home and progress pages ---------------------------------

def progress_charts(report: mastery.LearnerReport) -> dict:
    """The progress page's SVG charts, built from a learner report."""
    return {
        "scores": charts.line_chart(
            "chart-scores", "Score over time per quiz",
            "Each finished attempt's score, as a percentage, by when it was finished; one line per quiz.",
            [charts.Series(title, points) for title, points in report.scores],
            series_header="Quiz", time_header="Finished", value_header="Score",
        ),
        "reviews": charts.bar_chart(
            "chart-reviews", "Reviews per day",
            "How many answers (in quizzes and on the Review page) were reviewed each day, the last 14 days (UTC).",
            [(f"{d.day:%b %d}", d.total) for d in report.reviews],
            label_header="Day", value_header="Reviews",
        ),
        "mastery": charts.bar_chart(
            "chart-mastery", "Mastery per kind of fact",
            "The mean FSRS recall probability of the questions of each kind of fact, unseen questions counting 0.",
            [(row.label, row.percent) for row in report.mastery.kinds] if report.mastery.cards else [],
            y_max=100, unit="%", label_header="Kind of fact", value_header="Mastery",
        ),
    }


def _due_now() -> int:
    return scheduling.due_count(current_user.id, utcnow()) if current_user.is_authenticated else 0


def _review_report() -> dict:
    report = mastery.learner_report(current_user, utcnow())
    return {"report": report, "charts": progress_charts(report)}


@bp.context_processor
def review_helpers() -> dict:
    """Lazy helpers for quiz templates: they query only when a template calls them."""
    return {"review_due_count": _due_now, "review_report": _review_report}
