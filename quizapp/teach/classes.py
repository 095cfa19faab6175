"""Teacher views: classes and their rosters."""

import segno
from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from markupsafe import Markup

from quizapp.services import classes, lti_services
from quizapp.teach import bp, co_teachers
from quizapp.teach.forms import ClassForm


@bp.route("/classes", methods=["GET", "POST"])
def class_list():
    """The teacher's classes and a form to create one."""
    form = ClassForm()
    if form.validate_on_submit():
        classroom = classes.create_class(current_user.id, form.name.data)
        flash(f"Class “{classroom.name}” created. Learners join with the code {classroom.code}.", "success")
        return redirect(url_for("teach.class_detail", class_id=classroom.id))
    return render_template(
        "teach/classes.html", form=form, classrooms=classes.teacher_classes(current_user.id)
    ), 422 if form.errors else 200


@bp.get("/classes/<int:class_id>")
def class_detail(class_id: int):
    """A class's join code, roster and co-teachers."""
    classroom = classes.get_own_class(class_id, current_user.id)
    link = url_for("quiz.join", code=classroom.code, _external=True)
    return render_template("teach/class.html", classroom=classroom, learners=classes.roster(classroom.id),
                           co=co_teachers.section("class", classroom.id), join_link=link, join_qr=join_qr(link),
                           lti_course=lti_services.class_context(classroom.id))


def join_qr(link: str) -> Markup:
    """The join link as a QR code, an inline SVG a phone camera reads off the projector."""
    # segno writes only its own markup (paths and numbers); the link is not echoed into it
    return Markup(segno.make(link, error="m").svg_inline(scale=5, dark="#000", light="#fff", omitsize=False))
