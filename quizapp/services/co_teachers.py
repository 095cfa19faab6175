"""Co-teachers: an owner names other teachers on a quiz, a class or an article import.

A co-teacher does with the thing what its owner does (open, edit, export it,
read its gradebook, review its drafts) except changing its co-teachers; the
checks live in :mod:`quizapp.services.ownership`. Adding and removing are
recorded (:class:`~quizapp.models.CoTeacherEvent`) and shown beside the list.

Only the owner changes the list: another teacher who cannot see the thing
gets :class:`NotFound`, a co-teacher (who can) gets :class:`Forbidden`. An
unknown username and a learner's get the same answer, so the form tells a
teacher nothing about learners' accounts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from quizapp.extensions import db
from quizapp.models import ArticleImport, Classroom, CoTeacher, CoTeacherEvent, Quiz, User
from quizapp.models._common import utcnow
from quizapp.services import ownership
from quizapp.services.errors import Forbidden, InvalidInput, NotFound

#: no more co-teachers than this on one thing
MAX_CO_TEACHERS = 20
#: how many of the latest events the page shows
HISTORY_SHOWN = 10

_NOUNS = {"quiz": "quiz", "class": "class", "import": "article"}


@dataclass(frozen=True)
class _Kind:
    model: type
    column: object  # CoTeacher's column naming the thing
    owner_attr: str
    teaches: object  # ownership.teaches_*(thing, teacher_id) -> bool


_KINDS = {
    "quiz": _Kind(Quiz, CoTeacher.quiz_id, "created_by_id", ownership.teaches_quiz),
    "class": _Kind(Classroom, CoTeacher.classroom_id, "teacher_id", ownership.teaches_class),
    "import": _Kind(ArticleImport, CoTeacher.import_id, "teacher_id", ownership.teaches_import),
}


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    actor: str
    action: str  # "added" or "removed"
    teacher: str


@dataclass(frozen=True)
class Sharing:
    """What a page shows about a thing's teachers."""

    kind: str
    thing_id: int
    owner: User | None
    co_teachers: list[User]
    history: list[HistoryEntry]
    can_manage: bool  # the viewer is the owner

    @property
    def noun(self) -> str:
        return _NOUNS[self.kind]


def _kind(kind: str) -> _Kind:
    if kind not in _KINDS:
        raise ValueError(f"unknown co-teacher kind {kind!r}")  # a programming error
    return _KINDS[kind]


def _thing(kind: str, thing_id: int, teacher_id: int, *, manage: bool):
    """The thing if ``teacher_id`` teaches it (and, for ``manage``, owns it).

    :raises NotFound: when the teacher does not teach it (or there is none).
    :raises Forbidden: when ``manage`` and the teacher only co-teaches it.
    """
    spec = _kind(kind)
    thing = db.session.get(spec.model, thing_id)
    if thing is None or not spec.teaches(thing, teacher_id):
        raise NotFound(f"There is no such {_NOUNS[kind]}.")
    if manage and getattr(thing, spec.owner_attr) != teacher_id:
        raise Forbidden(f"Only the teacher who owns this {_NOUNS[kind]} changes its co-teachers.")
    return thing


def check_owner(kind: str, thing_id: int, teacher_id: int) -> None:
    """:raises NotFound: when the teacher does not teach the thing.
    :raises Forbidden: when they only co-teach it.
    """
    _thing(kind, thing_id, teacher_id, manage=True)


def sharing(kind: str, thing_id: int, viewer_id: int) -> Sharing:
    """The owner, co-teachers and latest co-teacher events of a thing the viewer teaches.

    :raises NotFound: when the viewer does not teach it.
    """
    spec = _kind(kind)
    thing = _thing(kind, thing_id, viewer_id, manage=False)
    owner_id = getattr(thing, spec.owner_attr)
    co = list(db.session.scalars(
        sa.select(User).join(CoTeacher, CoTeacher.user_id == User.id)
        .where(spec.column == thing_id).order_by(User.username)
    ))
    events = db.session.scalars(
        sa.select(CoTeacherEvent).where(CoTeacherEvent.kind == kind, CoTeacherEvent.thing_id == thing_id)
        .order_by(CoTeacherEvent.at.desc(), CoTeacherEvent.id.desc()).limit(HISTORY_SHOWN)
    ).all()
    history = [HistoryEntry(e.at, e.actor.username if e.actor else "deleted account", e.action,
                            e.teacher.username if e.teacher else "deleted account") for e in events]
    return Sharing(kind, thing_id, db.session.get(User, owner_id) if owner_id is not None else None, co, history,
                   can_manage=owner_id == viewer_id)


def add_co_teacher(kind: str, thing_id: int, owner_id: int, username: str) -> User:
    """Name the teacher called ``username`` a co-teacher of the owner's thing.

    :raises NotFound: when ``owner_id`` does not teach the thing.
    :raises Forbidden: when ``owner_id`` only co-teaches it.
    :raises InvalidInput: no teacher has that username (a learner's name gets the
        same answer), the owner named themselves, the teacher is already named,
        or the thing has :data:`MAX_CO_TEACHERS` already.
    """
    spec = _kind(kind)
    _thing(kind, thing_id, owner_id, manage=True)
    name = (username or "").strip()
    if not name:
        raise InvalidInput("Type the username of the teacher to add.", where="username")
    teacher = db.session.scalar(sa.select(User).where(User.username == name[:64], User.role == "teacher"))
    if teacher is None:
        raise InvalidInput(f"There is no teacher called “{name[:64]}”. Co-teachers are teacher accounts: "
                           "check the spelling with them.", where="username")
    if teacher.id == owner_id:
        raise InvalidInput(f"You own this {_NOUNS[kind]}; name another teacher.", where="username")
    named = list(db.session.scalars(sa.select(CoTeacher.user_id).where(spec.column == thing_id)))
    if teacher.id in named:
        raise InvalidInput(f"{teacher.username} is a co-teacher already.", where="username")
    if len(named) >= MAX_CO_TEACHERS:
        raise InvalidInput(f"A {_NOUNS[kind]} has at most {MAX_CO_TEACHERS} co-teachers.", where="username")
    row = CoTeacher(user_id=teacher.id, added_by_id=owner_id, added_at=utcnow())
    setattr(row, spec.column.key, thing_id)
    db.session.add(row)
    db.session.add(CoTeacherEvent(kind=kind, thing_id=thing_id, action="added", teacher_id=teacher.id,
                                  actor_id=owner_id, at=utcnow()))
    try:
        db.session.commit()
    except IntegrityError:  # added twice at once
        db.session.rollback()
        raise InvalidInput(f"{teacher.username} is a co-teacher already.", where="username") from None
    return teacher


def remove_co_teacher(kind: str, thing_id: int, owner_id: int, teacher_id: int) -> User | None:
    """Take a co-teacher off the owner's thing; returns them, or None if they were not on it.

    :raises NotFound: when ``owner_id`` does not teach the thing.
    :raises Forbidden: when ``owner_id`` only co-teaches it.
    """
    spec = _kind(kind)
    _thing(kind, thing_id, owner_id, manage=True)
    row = db.session.scalar(sa.select(CoTeacher).where(spec.column == thing_id, CoTeacher.user_id == teacher_id))
    if row is None:  # removed already (a second click): nothing to do
        return None
    teacher = row.user
    db.session.delete(row)
    db.session.add(CoTeacherEvent(kind=kind, thing_id=thing_id, action="removed", teacher_id=teacher_id,
                                  actor_id=owner_id, at=utcnow()))
    db.session.commit()
    return teacher
