"""Account views."""

from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from quizapp.auth import bp, throttle
from quizapp.auth.forms import LoginForm, PasswordForm, RegisterForm
from quizapp.auth.sessions import SESSION_VERSION_KEY
from quizapp.services import accounts
from quizapp.services.errors import Conflict, InvalidInput

TOO_MANY_LOGINS = "Too many failed logins. Wait a few minutes and try again."


def _safe_next(target: str | None, default: str | None = None) -> str:
    """Only same-site paths are followed after login.

    Browsers read ``/\\evil.example`` as ``//evil.example`` and drop tabs and
    newlines inside URLs, so backslashes and control characters are refused too.
    """
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not any(ord(c) < 0x21 or ord(c) == 0x7F for c in target)
        and not urlsplit(target).netloc
        and not urlsplit(target).scheme
    ):
        return target
    return default or url_for("quiz.index")


def _login(user) -> None:
    session.clear()  # a fresh session at login: no fixation
    login_user(user)
    session[SESSION_VERSION_KEY] = user.session_version


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Create a learner account and log in."""
    if current_user.is_authenticated:
        return redirect(url_for("quiz.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        if not throttle.claim(f"register:a:{throttle.client_address()}",
                              throttle.setting("REGISTER_LIMIT_PER_ADDRESS")):
            form.username.errors.append("Too many accounts were created from your network. "
                                        "Wait a while, or ask your teacher to create your account.")
            return render_template("auth/register.html", form=form), 429
        try:
            user = accounts.create_user(form.username.data, form.password.data)
        except (Conflict, InvalidInput) as exc:
            form[exc.where if exc.where in ("username", "password") else "username"].errors.append(exc.message)
        else:
            _login(user)
            flash(f"Welcome, {user.username}!", "success")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/register.html", form=form), 422 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with username and password."""
    if current_user.is_authenticated:
        return redirect(url_for("quiz.index"))
    form = LoginForm()
    if form.validate_on_submit():
        # The attempt is counted (in the database, atomically) before the
        # password is checked: concurrent guesses cannot exceed the limit.
        known = accounts.find_user(form.username.data)
        attempt = throttle.claim_login(form.username.data, known.id if known else None)
        if not attempt.allowed:
            form.password.errors.append(TOO_MANY_LOGINS)
            return render_template("auth/login.html", form=form), 429
        user = accounts.authenticate(form.username.data, form.password.data)
        if user is not None:
            throttle.login_succeeded(attempt)
            _login(user)
            home = url_for("teach.home") if user.is_teacher else None  # teachers start where they work
            response = redirect(_safe_next(request.args.get("next"), home))
            throttle.remember_device(response, user.id)
            return response
        form.password.errors.append("Wrong username or password.")
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.post("/logout")
@login_required
def logout():
    """Log out: this session, and every copy of its cookie, ends."""
    accounts.end_sessions(current_user.id)
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("quiz.index"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    """Change one's password; every other session of the account ends."""
    form = PasswordForm(meta={"username": current_user.username})
    if form.validate_on_submit():
        try:
            user = accounts.change_password(current_user.id, form.password.data, form.current.data)
        except InvalidInput as exc:
            form[exc.where if exc.where in ("current", "password") else "password"].errors.append(exc.message)
        else:
            _login(user)  # this browser stays signed in, with the new version
            flash("Password changed. Your other sessions are logged out.", "success")
            return redirect(url_for("quiz.index"))
    return render_template("auth/password.html", form=form), 422 if form.errors else 200


@bp.before_app_request
def limit_join_codes():
    """Join codes are guessable by brute force: tries are limited per account and per address."""
    if request.endpoint != "quiz.join" or request.method != "POST" or not current_user.is_authenticated:
        return None
    if not (throttle.claim(f"join:u:{current_user.id}", throttle.setting("JOIN_LIMIT_PER_USER"))
            and throttle.claim(f"join:a:{throttle.client_address()}", throttle.setting("JOIN_LIMIT_PER_ADDRESS"))):
        abort(429, description="Too many join codes tried. Wait a few minutes, then check the code with your teacher.")
    return None
