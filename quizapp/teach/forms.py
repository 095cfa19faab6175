"""Small teacher forms shared across pages."""

from flask_wtf import FlaskForm
from wtforms import (
    SelectChoice,
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget


class ClassForm(FlaskForm):
    name = StringField("Class name", validators=[DataRequired(), Length(max=120)])
    submit = SubmitField("Create class")


def options(pairs) -> list[SelectChoice]:
    """``(value, label)`` pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (works without JavaScript)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class QuizForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=2000)])
    selection = RadioField(
        "Questions",
        choices=options([("hand", "The questions I tick below"), ("pool", "Every published question matching the filter")]),
        default="hand",
    )
    questions = MultiCheckboxField("Questions", coerce=int, validate_choice=False)
    pool_article = SelectField("Article", coerce=int, validate_choice=False)
    pool_fact_kind = SelectField("Kind of fact", validate_choice=False)
    pool_type = SelectField("Question type", validate_choice=False)
    pool_tag = StringField("Tag", validators=[Optional(), Length(max=60)])
    draw_count = IntegerField("Questions per attempt (drawn at random; empty: all)", validators=[Optional()])
    shuffle_questions = BooleanField("Shuffle the questions")
    shuffle_choices = BooleanField("Shuffle the choices", default=True)
    attempts_allowed = IntegerField("Attempts allowed (empty: unlimited)", validators=[Optional()])
    grading_method = SelectField(
        "Grade", choices=options([("highest", "Highest attempt"), ("latest", "Latest attempt"), ("average", "Average of attempts")])
    )
    time_limit = IntegerField("Time limit in minutes (empty: none)", validators=[Optional()])
    feedback_timing = SelectField(
        "Show right answers",
        choices=options([
            ("immediately", "Immediately after each answer"),
            ("after_attempt", "After the attempt is finished"),
            ("after_close", "After the quiz closes"),
        ]),
    )
    opens_at = DateTimeLocalField("Opens (UTC)", validators=[Optional()], format="%Y-%m-%dT%H:%M")
    closes_at = DateTimeLocalField("Closes (UTC)", validators=[Optional()], format="%Y-%m-%dT%H:%M")
    classrooms = MultiCheckboxField("Classes that see it (none: everyone)", coerce=int, validate_choice=False)
    is_published = BooleanField("Published", default=True)
    submit = SubmitField("Save the quiz")
