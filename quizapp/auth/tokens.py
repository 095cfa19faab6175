"""Account views: personal access tokens for the JSON API (make, list, revoke)."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from quizapp.auth import bp
from quizapp.auth.forms import RevokeTokenForm, TokenForm
from quizapp.services import api_tokens
from quizapp.services.errors import InvalidInput


@bp.route("/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    """The user's API tokens and a form to make one; a new token is shown once, on this response only."""
    form = TokenForm()
    secret = None
    if form.validate_on_submit():
        try:
            _token, secret = api_tokens.create_token(current_user.id, form.name.data, form.scope.data, form.days.data)
        except InvalidInput as exc:
            form[exc.where if exc.where in ("name", "scope", "days") else "name"].errors.append(exc.message)
        else:
            form = TokenForm(formdata=None)
    return render_template("auth/tokens.html", form=form, secret=secret,
                           tokens=api_tokens.list_tokens(current_user.id)), 422 if form.errors else 200


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def token_revoke(token_id: int):
    """Revoke one of the user's tokens: it stops working at once."""
    form = RevokeTokenForm()
    if not form.validate():
        flash("The form expired; try again.", "error")
    else:
        token = api_tokens.revoke_token(token_id, current_user.id)  # someone else's: 404
        flash(f"Token “{token.name}” ({token.prefix}…) revoked.", "success")
    return redirect(url_for("auth.tokens"), code=303)
