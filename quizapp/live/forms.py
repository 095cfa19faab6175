"""The live pages' forms; the answer and control buttons are plain forms under the app-wide CSRF check."""

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from quizapp.services.live import NICKNAME_MAX, SECONDS_CHOICES


class JoinForm(FlaskForm):
    code = StringField("Session code", validators=[DataRequired(message="Type the code shown on the screen."),
                                                   Length(max=12)])
    # checked by the service (quizapp.services.live.check_nickname); a signed-in learner may leave it empty
    nickname = StringField("Nickname", validators=[Length(max=NICKNAME_MAX * 2)])
    submit = SubmitField("Join")


class StartForm(FlaskForm):
    seconds = SelectField("Seconds per question", choices=[SelectChoice(str(s), f"{s} seconds") for s in SECONDS_CHOICES],
                          default="20")
    submit = SubmitField("Open the session")
