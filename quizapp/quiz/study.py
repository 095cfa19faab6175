"""Study modes: flashcards the learner rates, and practice of missed questions (nothing graded)."""

from __future__ import annotations

from types import SimpleNamespace

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from quizapp.models._common import utcnow
from quizapp.quiz import bp
from quizapp.quiz.forms import MissingAnswer, response_from_form
from quizapp.services import attempts, study
from quizapp.services.errors import Conflict, InvalidInput, NotFound


@bp.get("/flashcards")
@login_required
def flashcards():
    """The front of the learner's next flashcard, or why there is none."""
    return render_template("quiz/flashcard.html", card=study.next_flashcard(current_user.id, utcnow()), back=None)


@bp.post("/flashcards/reveal")
@login_required
def flashcard_reveal():
    """The same card with its back shown, and the four ratings to choose from."""
    try:
        card = study.flashcard(current_user.id, request.form.get("question", type=int),
                               request.form.get("reps", type=int), utcnow())
    except (Conflict, NotFound) as exc:
        flash(exc.message, "info")
        return redirect(url_for("quiz.flashcards"))
    return render_template("quiz/flashcard.html", card=card, back=study.back_of(card.data))


@bp.post("/flashcards/rate")
@login_required
def flashcard_rate():
    """Review the card with the learner's own rating, then show the next card."""
    try:
        log = study.rate_flashcard(current_user.id, request.form.get("question", type=int),
                                   request.form.get("reps", type=int), request.form.get("rating"), utcnow())
    except InvalidInput as exc:
        flash(exc.message, "error")
        return redirect(url_for("quiz.flashcards"))
    except (Conflict, NotFound) as exc:
        flash(exc.message, "info")
        return redirect(url_for("quiz.flashcards"))
    flash(f"You rated it {study.Rating(log.rating).name}: it comes back on "
          f"{log.due_after:%Y-%m-%d at %H:%M} UTC.", "success")
    return redirect(url_for("quiz.flashcards"))


@bp.get("/practice/mistakes")
@login_required
def practice_mistakes():
    """The questions the learner missed most, to practise (nothing is graded)."""
    ids = study.mistakes(current_user.id, utcnow())
    return render_template("quiz/practice_start.html", count=len(ids), attempt=None,
                           first=url_for("quiz.practice_mistake", position=1) if ids else None)


@bp.route("/practice/mistakes/<int:position>", methods=["GET", "POST"])
@login_required
def practice_mistake(position: int):
    """One question of the "my mistakes" practice set; after an answer, its feedback."""
    ids = study.mistakes(current_user.id, utcnow())
    return _practice(ids, position, lambda n: url_for("quiz.practice_mistake", position=n),
                     "Practise my mistakes", url_for("quiz.practice_mistakes"))


def _answered_wrong(attempt_id: int):
    """The learner's own attempt and the ids of its questions answered wrong, or None
    (with the reason flashed) when it cannot be retaken yet."""
    attempt = attempts.get_attempt(attempt_id, current_user.id)
    try:
        return attempt, study.wrong_in_attempt(attempt)
    except Conflict as exc:
        flash(exc.message, "info")
        return attempt, None


@bp.get("/attempts/<int:attempt_id>/retake")
@login_required
def retake_wrong_start(attempt_id: int):
    """The questions of a finished attempt answered wrong, to retake without changing its score."""
    attempt, ids = _answered_wrong(attempt_id)
    if ids is None:
        return redirect(url_for("quiz.review", attempt_id=attempt_id))
    return render_template("quiz/practice_start.html", count=len(ids), attempt=attempt,
                           first=url_for("quiz.retake_wrong", attempt_id=attempt_id, position=1) if ids else None)


@bp.route("/attempts/<int:attempt_id>/retake/<int:position>", methods=["GET", "POST"])
@login_required
def retake_wrong(attempt_id: int, position: int):
    """One question answered wrong in the attempt, asked again; the attempt's score stays as it is."""
    attempt, ids = _answered_wrong(attempt_id)
    if ids is None:
        return redirect(url_for("quiz.review", attempt_id=attempt_id))
    return _practice(ids, position, lambda n: url_for("quiz.retake_wrong", attempt_id=attempt_id, position=n),
                     f"Retake what you got wrong: {attempt.quiz.title}",
                     url_for("quiz.retake_wrong_start", attempt_id=attempt_id))


def _practice(ids: list[int], position: int, url_of, title: str, start_url: str):
    if not 1 <= position <= len(ids):  # the set changed (a mistake fixed since), or a made-up number
        flash("That question is not in this practice set (any more); here is the set as it stands.", "info")
        return redirect(start_url)
    item = study.practice_item(current_user.id, ids, position)
    feedback = answer = None
    error = None
    if request.method == "POST":
        try:
            response = response_from_form(item.data, item.order, request.form)
            feedback, response = study.practice_feedback(item, response)
        except MissingAnswer as exc:
            error = str(exc)
        except InvalidInput as exc:
            error = exc.message
        else:
            answer = SimpleNamespace(response=response)
    return render_template(
        "quiz/practice.html", item=item, title=title, feedback=feedback, answer=answer, error=error,
        action=url_of(position), next_url=url_of(position + 1) if position < item.total else None,
    ), (422 if error else 200)
