"""Live session pages: the teacher's projector and controls, and the phones'."""

from __future__ import annotations

import functools

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from quizapp import downloads
from quizapp.extensions import login_manager
from quizapp.live import bp
from quizapp.live.forms import JoinForm, StartForm
from quizapp.quiz.forms import MissingAnswer, response_from_form
from quizapp.services import attempts, live
from quizapp.services.errors import Conflict, Forbidden, InvalidInput, NotFound

#: where a phone remembers which participant it is, per session id (the signed session cookie)
PLAYERS_KEY = "live"


def teacher_required(view):
    """Visitors go to the login page, learners get 403."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_teacher:
            abort(403, "This page is for teachers.")
        return view(*args, **kwargs)

    return wrapped


# --- teacher ------------------------------------------------------------------------

@bp.route("/new/<slug>", methods=["GET", "POST"])
@teacher_required
def new(slug: str):
    """Open a live session of a quiz the teacher may see."""
    quiz = attempts.get_quiz(slug, current_user)
    form = StartForm()
    if form.validate_on_submit():
        try:
            run = live.start_session(quiz, current_user.id, int(form.seconds.data))
        except InvalidInput as exc:
            form.seconds.errors.append(exc.message)
        else:
            return redirect(url_for("live.projector", session_id=run.id))
    return render_template("live/new.html", quiz=quiz, form=form, types=live.layout_types(quiz)), \
        422 if form.errors else 200


@bp.get("/sessions")
@teacher_required
def sessions():
    """The teacher's live sessions, newest first."""
    return render_template("live/sessions.html", runs=live.teacher_sessions(current_user.id))


@bp.get("/sessions/<int:session_id>")
@teacher_required
def projector(session_id: int):
    """The projector: code and QR to join, the question and countdown, answers coming in, the reveal."""
    run = live.get_for_teacher(session_id, current_user.id)
    link = url_for("live.join", code=run.code, _external=True)
    from quizapp.teach.classes import join_qr

    return render_template("live/projector.html", view=live.room_view(run), join_link=link,
                           join_qr=join_qr(link) if run.phase == "lobby" else None)


@bp.post("/sessions/<int:session_id>/control")
@teacher_required
def control(session_id: int):
    """Next, pause, resume, skip, reveal or end."""
    run = live.get_for_teacher(session_id, current_user.id)
    try:
        live.control(run, request.form.get("action", ""))
    except Conflict as exc:
        flash(exc.message, "error")
    return redirect(url_for("live.projector", session_id=run.id), 303)


@bp.post("/sessions/<int:session_id>/participants/<int:participant_id>/remove")
@teacher_required
def remove(session_id: int, participant_id: int):
    """Take a nickname out of the session."""
    run = live.get_for_teacher(session_id, current_user.id)
    participant = live.remove_participant(run, participant_id)
    flash(f"“{participant.nickname}” was removed from the session.", "success")
    return redirect(url_for("live.projector", session_id=run.id), 303)


@bp.post("/sessions/<int:session_id>/again")
@teacher_required
def again(session_id: int):
    """Run the same quiz live again, as a new session with a new code."""
    run = live.run_again(live.get_for_teacher(session_id, current_user.id), current_user.id)
    return redirect(url_for("live.projector", session_id=run.id), 303)


@bp.get("/sessions/<int:session_id>/export")
@teacher_required
def export(session_id: int):
    """Every answer of the session as CSV or XLSX (``?format=``)."""
    run = live.get_for_teacher(session_id, current_user.id)
    return downloads.send_table(live.export_table(run), downloads.requested_format(),
                                f"live-{run.quiz.slug}-run{run.run}")


# --- phones ---------------------------------------------------------------------------

def _remember(run_id: int, participant_id: int) -> None:
    players = dict(session.get(PLAYERS_KEY) or {})
    players[str(run_id)] = participant_id
    if len(players) > 20:  # keep the cookie small: the oldest sessions go first
        players = dict(list(players.items())[-20:])
    session[PLAYERS_KEY] = players


def _participant(run):
    """This phone's participant in ``run``: the signed-in account's, else the one the cookie names."""
    if current_user.is_authenticated:
        from quizapp.models import LiveParticipant
        from quizapp.extensions import db

        mine = db.session.scalar(db.select(LiveParticipant).filter_by(session_id=run.id, user_id=current_user.id))
        if mine is not None:
            return mine
    return live.get_participant(run, (session.get(PLAYERS_KEY) or {}).get(str(run.id)))


@bp.route("/join", methods=["GET", "POST"])
def join():
    """Join a session with its code: with a nickname, or as the signed-in account."""
    form = JoinForm() if request.method == "POST" else JoinForm(code=request.args.get("code", "")[:12])
    if form.validate_on_submit():
        try:
            run = live.get_by_code(form.code.data)
            participant = _participant(run)
            if participant is None:
                as_account = current_user.is_authenticated and not (form.nickname.data or "").strip()
                participant = live.join(run, nickname=None if as_account else form.nickname.data,
                                        user=current_user if as_account else None)
        except (InvalidInput, Conflict) as exc:
            target = form.nickname if exc.where == "nickname" else form.code
            target.errors.append(exc.message)
        except NotFound as exc:
            form.code.errors.append(exc.message)
        else:
            _remember(run.id, participant.id)
            return redirect(url_for("live.play", code=run.code), 303)
    return render_template("live/join.html", form=form), 422 if form.errors else 200


@bp.get("/play/<code>")
def play(code: str):
    """A phone's page: the current question's buttons, then right or wrong, points and rank."""
    run = live.get_by_code(code)
    participant = _participant(run)
    if participant is None:
        return redirect(url_for("live.join", code=run.code))
    return render_template("live/phone.html", view=live.phone_view(run, participant))


@bp.post("/play/<code>/answer")
def answer(code: str):
    """Send the answer to the question on the screens (the quiz page's form fields, read by its own reader)."""
    run = live.get_by_code(code)
    participant = _participant(run)
    if participant is None:
        return redirect(url_for("live.join", code=run.code), 303)
    try:
        position = int(request.form.get("position", ""))
    except ValueError:
        position = -1
    try:
        question, order = live.question_at(run, position)
        live.submit_answer(run, participant, position, response_from_form(question, order, request.form))
    except MissingAnswer as exc:
        flash(str(exc), "error")
    except (Conflict, InvalidInput, Forbidden) as exc:
        flash(exc.message, "error")
    else:
        flash("Answer sent. Wait for the reveal.", "success")
    return redirect(url_for("live.play", code=run.code), 303)


@bp.context_processor
def live_helpers() -> dict:
    return {"describe_phase": live.describe_phase}
