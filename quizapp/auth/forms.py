"""Account forms."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from quizapp.auth.passwords import PASSWORD_MAX, password_problem, username_problem


def _username_rules(form, field) -> None:
    problem = username_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def _password_rules(username_field: str | None):
    def check(form, field) -> None:
        username = form[username_field].data if username_field else form.meta.username
        problem = password_problem(field.data or "", username or "")
        if problem:
            raise ValidationError(problem)

    return check


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=PASSWORD_MAX)])
    submit = SubmitField("Log in")


class RegisterForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), _username_rules])
    password = PasswordField("Password", validators=[DataRequired(), _password_rules("username")])
    confirm = PasswordField(
        "Repeat password", validators=[DataRequired(), EqualTo("password", message="The passwords differ.")]
    )
    submit = SubmitField("Create account")


class PasswordForm(FlaskForm):
    """Change one's password; ``meta.username`` is the account's name (for the rules)."""

    current = PasswordField("Current password", validators=[DataRequired(), Length(max=PASSWORD_MAX)])
    password = PasswordField("New password", validators=[DataRequired(), _password_rules(None)])
    confirm = PasswordField(
        "Repeat the new password", validators=[DataRequired(), EqualTo("password", message="The passwords differ.")]
    )
    submit = SubmitField("Change password")


class TokenForm(FlaskForm):
    """A new personal access token for the JSON API."""

    name = StringField("Name (what it is for)", validators=[DataRequired(), Length(max=100)])
    scope = SelectField("Access", choices=[SelectChoice("read", "Read only"), SelectChoice("write", "Read and write")],
                        validators=[DataRequired()])
    days = SelectField("Expires after", coerce=int, default=30,
                       choices=[SelectChoice(7, "7 days"), SelectChoice(30, "30 days"), SelectChoice(90, "90 days"),
                                SelectChoice(365, "a year")])
    submit = SubmitField("Make token")


class RevokeTokenForm(FlaskForm):
    submit = SubmitField("Revoke")
