"""Classes: creation, join codes, enrollment and rosters."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from quizapp.extensions import db
from quizapp.models import Classroom, Enrollment, User
from quizapp.services import ownership
from quizapp.services.errors import InvalidInput, NotFound

# no 0/O, 1/I/L: codes are read aloud and typed from a board
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_code(length: int = 7) -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(length))


def create_class(teacher_id: int, name: str) -> Classroom:
    """Create a class with a fresh join code.

    :raises InvalidInput: when the name is empty.
    """
    name = name.strip()
    if not name:
        raise InvalidInput("Give the class a name.", where="name")
    for _ in range(5):
        classroom = Classroom(name=name, teacher_id=teacher_id, code=new_code())
        db.session.add(classroom)
        try:
            db.session.commit()
            return classroom
        except IntegrityError:  # a code collision: try another
            db.session.rollback()
    raise InvalidInput("Could not make a unique join code; try again.")


def teacher_classes(teacher_id: int) -> list[Classroom]:
    """The classes a teacher runs or co-teaches, by name."""
    return list(db.session.scalars(
        sa.select(Classroom).where(Classroom.id.in_(ownership.taught_class_ids(teacher_id))).order_by(Classroom.name, Classroom.id)
    ))


def get_own_class(class_id: int, teacher_id: int) -> Classroom:
    """A class this teacher runs or co-teaches; anyone else's is reported as missing.

    :raises NotFound: when there is no such class of this teacher.
    """
    classroom = db.session.get(Classroom, class_id)
    if classroom is None or not ownership.teaches_class(classroom, teacher_id):
        raise NotFound("There is no such class.")
    return classroom


def join_class(user_id: int, code: str) -> tuple[Classroom, bool]:
    """Enroll a learner with a join code; returns the class and whether it is new.

    :raises InvalidInput: when no class has this code.
    """
    code = "".join(code.split()).upper()
    classroom = db.session.scalar(sa.select(Classroom).filter_by(code=code))
    if classroom is None:
        raise InvalidInput(f"No class has the code “{code}”. Check it with your teacher.", where="code")
    exists = db.session.scalar(sa.select(Enrollment).filter_by(classroom_id=classroom.id, user_id=user_id))
    if exists:
        return classroom, False
    db.session.add(Enrollment(classroom_id=classroom.id, user_id=user_id))
    try:
        db.session.commit()
    except IntegrityError:  # joined twice at once
        db.session.rollback()
        return classroom, False
    return classroom, True


def roster(classroom_id: int) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Enrollment, Enrollment.user_id == User.id)
            .where(Enrollment.classroom_id == classroom_id)
            .order_by(User.username)
        )
    )


def learner_classes(user_id: int) -> list[Classroom]:
    return list(
        db.session.scalars(
            sa.select(Classroom)
            .join(Enrollment, Enrollment.classroom_id == Classroom.id)
            .where(Enrollment.user_id == user_id)
            .order_by(Classroom.name)
        )
    )


def get_learner_class(class_id: int, user_id: int) -> Classroom:
    """A class the user is enrolled in; any other is reported as missing.

    :raises NotFound: when there is no such class of this learner.
    """
    classroom = db.session.scalar(
        sa.select(Classroom).join(Enrollment, Enrollment.classroom_id == Classroom.id)
        .where(Classroom.id == class_id, Enrollment.user_id == user_id)
    )
    if classroom is None:
        raise NotFound("There is no such class.")
    return classroom
