"""Teacher views: the owner of a quiz, a class or an article import names its co-teachers.

The form sits on the thing's own page (quiz editor, class page, draft review);
these routes only change the list and go back there. Only the owner may:
a co-teacher gets 403, any other teacher 404 (:mod:`quizapp.services.co_teachers`).
"""

from flask import flash, redirect, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from quizapp.services import co_teachers
from quizapp.services.errors import InvalidInput
from quizapp.teach import bp


class CoTeacherForm(FlaskForm):
    username = StringField("Teacher's username", validators=[
        DataRequired("Type the username of the teacher to add."), Length(max=64)])
    submit = SubmitField("Add co-teacher")


class RemoveCoTeacherForm(FlaskForm):
    submit = SubmitField("Remove")


#: kind -> (the page the form is on, its URL variable)
PAGES = {
    "quiz": ("teach.quiz_edit", "quiz_id"),
    "class": ("teach.class_detail", "class_id"),
    "import": ("teach.import_detail", "import_id"),
}


def _back(kind: str, thing_id: int):
    endpoint, arg = PAGES[kind]
    return redirect(url_for(endpoint, **{arg: thing_id}) + "#co-teachers")


def _add(kind: str, thing_id: int):
    form = CoTeacherForm()
    if not form.validate_on_submit():
        co_teachers.check_owner(kind, thing_id, current_user.id)  # someone else's thing stays a 404
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return _back(kind, thing_id)
    try:
        teacher = co_teachers.add_co_teacher(kind, thing_id, current_user.id, form.username.data)
    except InvalidInput as exc:
        flash(exc.message, "error")
    else:
        flash(f"{teacher.username} is now a co-teacher: they can open, edit and export it, "
              "but not change its co-teachers.", "success")
    return _back(kind, thing_id)


def _remove(kind: str, thing_id: int, user_id: int):
    form = RemoveCoTeacherForm()
    if not form.validate_on_submit():
        co_teachers.check_owner(kind, thing_id, current_user.id)
        flash("The form expired; try again.", "error")
        return _back(kind, thing_id)
    teacher = co_teachers.remove_co_teacher(kind, thing_id, current_user.id, user_id)
    flash(f"{teacher.username} is no longer a co-teacher." if teacher else "That teacher was not a co-teacher.",
          "success" if teacher else "error")
    return _back(kind, thing_id)


@bp.post("/quizzes/<int:quiz_id>/co-teachers")
def quiz_co_teacher_add(quiz_id: int):
    """Name a co-teacher of the quiz (its owner only)."""
    return _add("quiz", quiz_id)


@bp.post("/quizzes/<int:quiz_id>/co-teachers/<int:user_id>/remove")
def quiz_co_teacher_remove(quiz_id: int, user_id: int):
    """Take a co-teacher off the quiz (its owner only)."""
    return _remove("quiz", quiz_id, user_id)


@bp.post("/classes/<int:class_id>/co-teachers")
def class_co_teacher_add(class_id: int):
    """Name a co-teacher of the class (its owner only)."""
    return _add("class", class_id)


@bp.post("/classes/<int:class_id>/co-teachers/<int:user_id>/remove")
def class_co_teacher_remove(class_id: int, user_id: int):
    """Take a co-teacher off the class (its owner only)."""
    return _remove("class", class_id, user_id)


@bp.post("/imports/<int:import_id>/co-teachers")
def import_co_teacher_add(import_id: int):
    """Name a co-teacher of the article's drafts (the teacher who brought it only)."""
    return _add("import", import_id)


@bp.post("/imports/<int:import_id>/co-teachers/<int:user_id>/remove")
def import_co_teacher_remove(import_id: int, user_id: int):
    """Take a co-teacher off the article's drafts (the teacher who brought it only)."""
    return _remove("import", import_id, user_id)


def section(kind: str, thing_id: int) -> dict:
    """What the thing's page passes to the ``co_teachers_section`` macro (as ``co``)."""
    return {
        "sharing": co_teachers.sharing(kind, thing_id, current_user.id),
        "add_endpoint": f"teach.{kind}_co_teacher_add",
        "remove_endpoint": f"teach.{kind}_co_teacher_remove",
        "id_arg": PAGES[kind][1],
        "add_form": CoTeacherForm(formdata=None),
        "remove_form": RemoveCoTeacherForm(formdata=None),
    }
