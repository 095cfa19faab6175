"""Forms of the LTI pages (CSRF on each, as everywhere)."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, URLField
from wtforms.validators import DataRequired, Length, Optional


class PlatformForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)],
                       description="How you call the platform, e.g. “School Moodle”.")
    issuer = URLField("Issuer (platform ID)", validators=[DataRequired(), Length(max=255)])
    client_id = StringField("Client ID", validators=[DataRequired(), Length(max=255)])
    deployment_ids = StringField("Deployment IDs", validators=[DataRequired(), Length(max=2000)],
                                 description="One or more, separated by commas or spaces.")
    auth_login_url = URLField("Authentication request URL", validators=[DataRequired(), Length(max=500)])
    auth_token_url = URLField("Access token URL", validators=[DataRequired(), Length(max=500)])
    key_set_url = URLField("Public keyset URL", validators=[DataRequired(), Length(max=500)])
    auth_audience = StringField("Token audience (optional)", validators=[Optional(), Length(max=500)])
    frame_origins = StringField("Origins that show quizapp in a frame (optional)",
                                validators=[Optional(), Length(max=2000)],
                                description="By default the issuer's and the login URL's; Canvas needs your "
                                            "school's address, e.g. https://school.instructure.com.")


class ChooseQuizForm(FlaskForm):
    quiz_id = HiddenField(validators=[DataRequired()])


class ActionForm(FlaskForm):
    """A button: only the CSRF token."""


class SendAgainForm(FlaskForm):
    grade_id = HiddenField(validators=[DataRequired()])
