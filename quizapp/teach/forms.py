"""Small teacher forms shared across pages."""

from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length


class ClassForm(FlaskForm):
    name = StringField("Class name", validators=[DataRequired(), Length(max=120)])
    submit = SubmitField("Create class")
