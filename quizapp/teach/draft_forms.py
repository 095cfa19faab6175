"""Forms of the article-to-drafts pages."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectMultipleField, StringField, SubmitField, TextAreaField, URLField
from wtforms.validators import AnyOf, InputRequired, Length, Optional

from quizapp.services.drafts import MAX_TEXT_CHARS


class ImportForm(FlaskForm):
    title = StringField(
        "Title", validators=[Optional(), Length(max=300)],
        description="Leave empty when the file gives it (a saved page's title, a document's title, front matter).",
    )
    published = DateField(
        "Published on", validators=[Optional()],
        description="Relative dates such as “last Monday” are worked out from it. Left empty, a saved page's date is used.",
    )
    text = TextAreaField("Paste the article", validators=[Optional(), Length(max=MAX_TEXT_CHARS)])
    upload = FileField("…or upload a saved web page (.html), a Word document (.docx), a PDF, or a .txt or .md file")
    url = URLField("…or give the article's address", validators=[Optional(), Length(max=2000)],
                   description="A public news page, starting with https://; the article is read from it.")
    submit = SubmitField("Make draft questions")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        pasted = bool((self.text.data or "").strip())
        uploaded = bool(self.upload.data and self.upload.data.filename)
        linked = bool((self.url.data or "").strip())
        if pasted + uploaded + linked > 1:
            (self.url if linked else self.upload).errors.append(
                "Paste the article, upload a file or give its address: one of the three.")
            return False
        if not (pasted or uploaded or linked):
            self.text.errors.append("Paste the article's text, upload a file or give its address.")
            return False
        return True


class ReviewForm(FlaskForm):
    """Approve, reject or restore the selected drafts (one button per draft, or the checkboxes)."""

    action = StringField(validators=[
        InputRequired(), AnyOf(("approve", "reject", "restore"), message="Choose approve or reject."),
    ])
    question_ids = SelectMultipleField(
        coerce=int, validate_choice=False,
        validators=[InputRequired(message="Select at least one draft first.")],
    )


class ArticleQuizForm(FlaskForm):
    """Make a quiz of an article's approved questions in one step."""

    title = StringField("Quiz title", validators=[InputRequired(message="Give the quiz a title."), Length(max=200)])
