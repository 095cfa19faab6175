"""Account views."""

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from quizapp import security
from quizapp.auth import bp
from quizapp.auth.forms import LoginForm, RegisterForm
from quizapp.services import accounts
from quizapp.services.errors import Conflict


def _safe_next(target: str | None) -> str:
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
    return url_for("quiz.index")


def _login(user) -> None:
    session.clear()  # a fresh session at login: no fixation
    login_user(user)


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Create a learner account and log in."""
    if current_user.is_authenticated:
        return redirect(url_for("quiz.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(form.username.data, form.password.data)
        except Conflict as exc:
            form.username.errors.append(exc.message)
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
        # Throttled before the password is checked: failures are rows in the
        # database, so the limit holds across workers (quizapp/security.py).
        if security.login_blocked(form.username.data):
            form.password.errors.append("Too many failed logins. Wait a few minutes and try again.")
            return render_template("auth/login.html", form=form), 429
        user = accounts.authenticate(form.username.data, form.password.data)
        if user is not None:
            security.clear_failed_logins(form.username.data)
            _login(user)
            return redirect(_safe_next(request.args.get("next")))
        security.record_failed_login(form.username.data)
        form.password.errors.append("Wrong username or password.")
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.post("/logout")
@login_required
def logout():
    """Log out."""
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("quiz.index"))
