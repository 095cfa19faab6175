"""Teacher views: the marking queue of a quiz, marking an essay, an attempt's grade set by hand."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from quizapp.services import attempts, audit, marking
from quizapp.services.errors import Conflict, InvalidInput
from quizapp.teach import bp


@bp.get("/quizzes/<int:quiz_id>/marking")
def marking_queue(quiz_id: int):
    """The quiz's essays waiting for a mark, oldest first, and those already marked."""
    return render_template("teach/marking/queue.html", queue=marking.marking_queue(quiz_id, current_user.id))


@bp.route("/quizzes/<int:quiz_id>/marking/<int:answer_id>", methods=["GET", "POST"])
def mark_answer(quiz_id: int, answer_id: int):
    """Mark one essay (or change its mark) with a comment for the learner."""
    try:
        quiz, answer = marking.essay_answer(quiz_id, answer_id, current_user.id)
    except Conflict as exc:
        flash(exc.message, "error")
        return redirect(url_for("teach.marking_queue", quiz_id=quiz_id))
    errors: dict[str, str] = {}
    form = {"mark": "" if answer.score is None else f"{answer.score:g}", "comment": answer.teacher_comment or ""}
    if request.method == "POST":
        form = {"mark": request.form.get("mark", ""), "comment": request.form.get("comment", "")}
        try:
            marking.mark_answer(quiz_id, answer_id, current_user.id, form["mark"], form["comment"])
        except InvalidInput as exc:
            errors[exc.where or "mark"] = exc.message
        except Conflict as exc:
            flash(exc.message, "error")
            return redirect(url_for("teach.mark_answer", quiz_id=quiz_id, answer_id=answer_id))
        else:
            flash(f"Marked question {answer.position} of {answer.attempt.user.username}'s attempt.", "success")
            return redirect(url_for("teach.marking_queue", quiz_id=quiz_id))
    return render_template(
        "teach/marking/mark.html", quiz=quiz, answer=answer, data=answer.version.data, form=form, errors=errors,
        max_mark=marking.ESSAY_MARK,
    ), 422 if errors else 200


@bp.get("/quizzes/<int:quiz_id>/attempts/<int:attempt_id>")
def quiz_attempt(quiz_id: int, attempt_id: int):
    """One attempt at the teacher's quiz: its answers and marks, its grade, who changed them and why."""
    quiz, attempt = marking.quiz_attempt(quiz_id, attempt_id, current_user.id)
    return _attempt_page(quiz, attempt, {}, {"grade": "", "reason": ""})


def _attempt_page(quiz, attempt, errors: dict, form: dict):
    return render_template(
        "teach/marking/attempt.html", quiz=quiz, attempt=attempt, slots=attempts.slots(attempt),
        history=audit.attempt_history([attempt.id]).get(attempt.id, []),
        waiting=marking.waiting_in_attempt(attempt.id), errors=errors, form=form,
    ), 422 if errors else 200


@bp.post("/quizzes/<int:quiz_id>/attempts/<int:attempt_id>/override")
def override_grade(quiz_id: int, attempt_id: int):
    """Set, change or remove the attempt's grade by hand; a reason is required and audited."""
    quiz, attempt = marking.quiz_attempt(quiz_id, attempt_id, current_user.id)
    form = {"grade": request.form.get("grade", ""), "reason": request.form.get("reason", "")}
    try:
        marking.override_grade(quiz_id, attempt_id, current_user.id, form["grade"], form["reason"])
    except InvalidInput as exc:
        return _attempt_page(quiz, attempt, {exc.where or "grade": exc.message}, form)
    except Conflict as exc:
        flash(exc.message, "error")
    else:
        flash("The attempt's grade was saved; the change is in its history below.", "success")
    return redirect(url_for("teach.quiz_attempt", quiz_id=quiz_id, attempt_id=attempt_id))
