"""LTI views: parse the request (pylti1p3 checks the launch), call a service, render or redirect."""

from __future__ import annotations

import re

from flask import abort, current_app, flash, g, jsonify, redirect, render_template, session, url_for
from flask_login import current_user, login_required, login_user
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem

from quizapp.auth.sessions import SESSION_VERSION_KEY
from quizapp.extensions import csrf, db
from quizapp.lti import SESSION_KEY, bp
from quizapp.lti.forms import ActionForm, ChooseQuizForm, PlatformForm, SendAgainForm
from quizapp.lti.messages import Launch, LtiException, OIDCException, login_redirect, reason
from quizapp.models import User
from quizapp.services import classes, lti_launch, lti_services, lti_tool, quizzes
from quizapp.services.errors import InvalidInput, QuizappError

DEEP_LINK_KEY = "lti_deep_link"


@bp.before_request
def frame_for_platforms():
    """LTI pages may be shown in a frame of any registered platform."""
    origins = lti_tool.all_frame_origins()
    if origins:
        g.frame_ancestors = sorted(set(origins) | set(g.get("frame_ancestors") or ()))


def _refused(exc: Exception, status: int = 400):
    db.session.rollback()
    current_app.logger.info("LTI launch refused: %s", exc)
    return render_template("lti/refused.html", reason=reason(exc)), status


@bp.get("/jwks")
def jwks():
    """The tool's public keys (JWKS): platforms verify quizapp's signatures with them."""
    response = jsonify(lti_tool.jwks())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt  # a platform starts the login (third-party initiated); the state and nonce protect it
def login():
    """OIDC login initiation: redirect to the platform's authorization endpoint."""
    try:
        return login_redirect(url_for("lti.launch", _external=True))
    except (OIDCException, LtiException) as exc:
        return _refused(exc, 400)


@bp.post("/launch")
@csrf.exempt  # the platform posts the signed id_token; the state cookie, nonce and signature protect it
def launch():
    """A launch: check the id_token, then sign its user in and open the link's quiz (or the quiz picker)."""
    message = Launch()
    try:
        claims = message.get_launch_data()
    except LtiException as exc:
        return _refused(exc, 403 if "registered" in reason(exc) or "deployment" in reason(exc) else 400)
    platform = lti_tool.find_platform(claims["iss"], message.get_client_id())
    result = lti_launch.record_launch(platform, claims)
    user = db.session.get(User, result.user_id)
    session.clear()  # a fresh session: no fixation
    login_user(user)
    session[SESSION_VERSION_KEY] = user.session_version
    session[SESSION_KEY] = {"platform": platform.id, "frame": list(platform.frame_origins or [])}
    g.frame_ancestors = sorted(set(g.get("frame_ancestors") or ()) | set(platform.frame_origins or ()))
    if result.kind == "deep_link":
        session[DEEP_LINK_KEY] = message.get_launch_id()
        return redirect(url_for("lti.deep_link"))
    if result.message:
        return render_template("lti/message.html", title="Not ready yet", message=result.message), 409
    if result.is_teacher:
        if result.context_id and lti_services.class_context(result.classroom_id).memberships_url:
            try:
                flash(lti_services.sync_roster(result.context_id), "info")
            except QuizappError as exc:
                flash(str(exc), "error")
        return redirect(url_for("lti.class_lti", class_id=result.classroom_id) if result.classroom_id
                        else url_for("teach.home"))
    if result.quiz_slug:
        return redirect(url_for("quiz.overview", slug=result.quiz_slug))
    return redirect(url_for("quiz.index"))


@bp.get("/deep-link")
@login_required
def deep_link():
    """Deep linking: the instructor picks one of their quizzes for the course."""
    _require_teacher()
    if not session.get(DEEP_LINK_KEY):
        abort(400, "There is no quiz to choose here: start from “Add an activity” in your course.")
    return render_template("lti/deep_link.html", quizzes=quizzes.teacher_quizzes(current_user.id),
                           form=ChooseQuizForm())


@bp.post("/deep-link")
@login_required
def deep_link_choose():
    """Return the chosen quiz to the platform: a signed LtiDeepLinkingResponse, posted by the browser."""
    _require_teacher()
    form = ChooseQuizForm()
    launch_id = session.get(DEEP_LINK_KEY)
    if not launch_id:
        abort(400, "This choice was sent already, or the course's launch has ended: start again from the course.")
    if not form.validate_on_submit() or not str(form.quiz_id.data).isdigit():
        abort(400, "Choose a quiz.")
    quiz = quizzes.own_quiz(int(form.quiz_id.data), current_user.id)
    try:
        deep_link = Launch.restore(launch_id).get_deep_link()
    except LtiException as exc:
        return _refused(exc)
    resource = (DeepLinkResource().set_url(url_for("lti.launch", _external=True)).set_title(quiz.title)
                .set_custom_params({"quiz": quiz.slug})
                .set_lineitem(LineItem().set_score_maximum(100).set_label(quiz.title).set_resource_id(quiz.slug)
                              .set_tag("quizapp-grade")))
    return_url = deep_link._deep_link_settings["deep_link_return_url"]
    g.form_action = [lti_tool.origin(return_url, "deep_link_return_url")]  # the page's form posts there
    token = deep_link.get_response_jwt([resource])
    session.pop(DEEP_LINK_KEY, None)  # one answer per deep-linking request
    return render_template("lti/deep_link_return.html", return_url=return_url, token=token, quiz=quiz)


def _require_teacher() -> None:
    if not current_user.is_teacher:
        abort(403, "This page is for teachers.")


def _require_admin() -> None:
    if not (current_user.is_teacher and current_user.is_admin):
        abort(403, "This page is for administrators (quizapp user grant-admin NAME).")


@bp.route("/platforms", methods=["GET", "POST"])
@login_required
def platforms():
    """Registered platforms, the tool's URLs to give them, and a form to register one (administrators)."""
    _require_admin()
    form = PlatformForm()
    if form.validate_on_submit():
        try:
            platform = lti_tool.add_platform(
                form.name.data, form.issuer.data, form.client_id.data, _words(form.deployment_ids.data),
                form.auth_login_url.data, form.auth_token_url.data, form.key_set_url.data,
                form.auth_audience.data, _words(form.frame_origins.data))
        except QuizappError as exc:
            db.session.rollback()
            field = getattr(form, exc.where, None) if exc.where else None
            (field.errors if field is not None else form.name.errors).append(exc.message)
        else:
            flash(f"Platform “{platform.name}” registered.", "success")
            return redirect(url_for("lti.platforms"))
    return render_template("lti/platforms.html", form=form, platforms=lti_tool.list_platforms(),
                           tool=tool_urls()), 422 if form.errors else 200


def _words(text: str | None) -> list[str]:
    return [w for w in re.split(r"[\s,]+", text or "") if w]


def tool_urls() -> dict[str, str]:
    """What a platform's administrator types into the LMS."""
    return {"login": url_for("lti.login", _external=True), "launch": url_for("lti.launch", _external=True),
            "jwks": url_for("lti.jwks", _external=True), "deep_link": url_for("lti.launch", _external=True)}


@bp.get("/classes/<int:class_id>")
@login_required
def class_lti(class_id: int):
    """A class's LMS course: its roster sync and each learner's grade passback."""
    _require_teacher()
    classroom = classes.get_own_class(class_id, current_user.id)
    return render_template("lti/class.html", classroom=classroom, context=lti_services.class_context(classroom.id),
                           grades=lti_services.class_grades(classroom.id), learners=classes.roster(classroom.id),
                           form=ActionForm(), send_form=SendAgainForm())


@bp.post("/classes/<int:class_id>/sync")
@login_required
def class_sync(class_id: int):
    """Update the class's roster from the platform's course membership."""
    _require_teacher()
    classroom = classes.get_own_class(class_id, current_user.id)
    if not ActionForm().validate_on_submit():
        abort(400, "The form was not sent from this site.")
    context = lti_services.class_context(classroom.id)
    if context is None:
        raise InvalidInput("This class is not a course of a learning platform.")
    try:
        flash(lti_services.sync_roster(context.id), "success")
    except QuizappError as exc:
        flash(str(exc), "error")
    return redirect(url_for("lti.class_lti", class_id=classroom.id))


@bp.post("/classes/<int:class_id>/send")
@login_required
def grade_send(class_id: int):
    """Send a learner's grade to the platform again."""
    _require_teacher()
    classroom = classes.get_own_class(class_id, current_user.id)
    form = SendAgainForm()
    if not form.validate_on_submit() or not str(form.grade_id.data).isdigit():
        abort(400, "Choose a grade to send.")
    row = lti_services.send_again(int(form.grade_id.data), current_user.id, classroom.id)
    flash(f"The grade of {row.user.username} is on its way again.", "success")
    return redirect(url_for("lti.class_lti", class_id=classroom.id))
