"""What a validated LTI launch does here: the account, the class, the link and its quiz.

The blueprint checks the id_token (pylti1p3, :mod:`quizapp.services.lti_tool`)
and hands the launch's claims to :func:`record_launch`:

- the platform's user (issuer, ``sub``) is linked to one quizapp account
  without a password (:class:`~quizapp.models.LtiAccount`), made on the
  first launch; an LMS instructor, administrator, content developer or
  teaching assistant is a teacher here, anyone else a learner;
- the course (context) is a class, made on an instructor's first launch
  (its teacher that instructor; another instructor becomes a co-teacher);
  a learner's launch enrolls them;
- a resource link remembers its quiz (the ``quiz`` custom parameter a deep
  link sets, or that an instructor typed) and its line item; a learner's
  launch of a graded link records them for grade passback.
"""

from __future__ import annotations

import dataclasses
import re
import secrets

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from quizapp.extensions import db
from quizapp.models import (Classroom, CoTeacher, CoTeacherEvent, Enrollment, LtiAccount, LtiContext, LtiGrade, LtiPlatform,
                            LtiResourceLink, Quiz, User, quiz_classroom)
from quizapp.services import classes, ownership
from quizapp.services.errors import Conflict, Forbidden, InvalidInput

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
#: LIS roles that make a launch's user a teacher here (a mentor, a parent, an observer is not one)
TEACHING_ROLES = ("Instructor", "Administrator", "ContentDeveloper", "TeachingAssistant")
NO_CLASS_YET = ("Your teacher has not opened quizapp in this course yet, so it has no class here. "
                "Ask them to open it once from the course; then open this link again.")


@dataclasses.dataclass
class LaunchResult:
    user_id: int
    is_teacher: bool  # a teacher in this course (the launch's roles), whatever the account is elsewhere
    kind: str  # "resource" or "deep_link"
    classroom_id: int | None = None
    context_id: int | None = None
    quiz_slug: str | None = None
    message: str | None = None


def is_teaching_role(roles: list[str]) -> bool:
    """Whether LIS roles (full URIs or short names) make a teacher in this course.

    The course's own (membership) roles decide when there are any: a
    teacher elsewhere in the institution who is a learner in this course
    (Canvas sends ``institution/person#Instructor`` with ``membership#Learner``)
    is a learner here. Institution and system roles count only without them.
    """
    roles = [str(r) for r in roles or ()]
    membership = [r for r in roles if "/membership" in r or not r.startswith("http")]
    for role in membership or roles:
        name = re.split(r"[#/]", role)[-1]
        if name in TEACHING_ROLES or name.split(".")[0] in TEACHING_ROLES:
            return True
    return False


def _username(claims: dict, subject: str) -> str:
    """A readable, unused account name from the platform's name or email (3 to 64 of [\\w.-])."""
    base = claims.get("name") or " ".join(filter(None, (claims.get("given_name"), claims.get("family_name")))) \
        or (claims.get("email") or "").split("@")[0] or f"lti-{subject}"
    base = re.sub(r"[^\w.-]+", "-", base, flags=re.UNICODE).strip("-.")[:50] or "lti-user"
    if len(base) < 3:
        base = f"lti-{base}"
    name = base
    while db.session.scalar(sa.select(User.id).where(sa.func.lower(User.username) == name.lower())):
        name = f"{base}-{secrets.token_hex(3)}"
    return name


def account_for(platform: LtiPlatform, subject: str, claims: dict, teacher: bool) -> User:
    """The account linked to (issuer, subject), made (without a password) on first use.

    A learner the platform now calls an instructor becomes a teacher; a
    teacher stays one whatever a later launch says.
    """
    account = db.session.scalar(sa.select(LtiAccount).filter_by(issuer=platform.issuer, subject=subject))
    if account is not None:
        user = account.user
        if teacher and not user.is_teacher:
            user.role = "teacher"
            db.session.commit()
        return user
    for _ in range(3):
        # no password: "!lti" is no hash werkzeug accepts, so the account comes in through its platform only
        user = User(username=_username(claims, subject), role="teacher" if teacher else "learner",
                    password_hash="!lti")
        db.session.add(user)
        try:
            db.session.flush()
            db.session.add(LtiAccount(platform_id=platform.id, issuer=platform.issuer, subject=subject,
                                      user_id=user.id))
            db.session.commit()
            return user
        except IntegrityError:  # two launches at once: the same user's (the other made the account) or a name
            db.session.rollback()
            account = db.session.scalar(sa.select(LtiAccount).filter_by(issuer=platform.issuer, subject=subject))
            if account is not None:
                return account.user
    raise Conflict("Your account could not be made just now; open the activity again.")


def enroll(classroom_id: int, user_id: int) -> bool:
    """Enroll a learner (once; commits); True when new."""
    if db.session.scalar(sa.select(Enrollment.id).filter_by(classroom_id=classroom_id, user_id=user_id)):
        return False
    db.session.add(Enrollment(classroom_id=classroom_id, user_id=user_id))
    try:
        db.session.commit()
    except IntegrityError:  # two launches of the same learner at once: the other enrolled them
        db.session.rollback()
        return False
    return True


def _context(platform: LtiPlatform, claim: dict, user: User, teacher: bool) -> LtiContext | None:
    context_id = str(claim.get("id") or "")
    if not context_id:
        return None
    title = str(claim.get("title") or claim.get("label") or "Course")[:120]
    context = db.session.scalar(sa.select(LtiContext).filter_by(platform_id=platform.id, context_id=context_id))
    if context is None:
        if not teacher:
            return None
        classroom = classes.create_class(user.id, title)
        context = LtiContext(platform_id=platform.id, context_id=context_id, classroom_id=classroom.id, title=title)
        db.session.add(context)
        try:
            db.session.commit()
        except IntegrityError:  # the course's first two launches at once: keep the other's class
            db.session.rollback()
            db.session.delete(db.session.get(Classroom, classroom.id))
            db.session.commit()
            context = db.session.scalar(sa.select(LtiContext).filter_by(platform_id=platform.id,
                                                                        context_id=context_id))
    elif teacher and not ownership.teaches_class(context.classroom, user.id):
        # another instructor of the course: a co-teacher of its class (the platform says so, not the owner)
        db.session.add(CoTeacher(classroom_id=context.classroom_id, user_id=user.id))
        db.session.add(CoTeacherEvent(kind="class", thing_id=context.classroom_id, action="added", teacher_id=user.id))
        db.session.commit()
    return context


def quiz_for_class(slug: str, classroom: Classroom) -> Quiz:
    """The quiz a link names, if the class may take it: the class's teacher's own, or one open to everyone.

    A quiz already given to classes is given to this one too (a quiz with no
    classes is open to everyone and stays so).

    :raises Forbidden: a quiz that is neither.
    """
    quiz = db.session.scalar(sa.select(Quiz).where(Quiz.slug == slug))
    open_to_all = quiz is not None and quiz.is_published and not quiz.classrooms
    if quiz is None or not (open_to_all or ownership.teaches_quiz(quiz, classroom.teacher_id)):
        raise Forbidden(f"This link opens the quiz “{slug}”, which is not a quiz of this course's teacher. "
                        "Ask your teacher to choose the quiz again.")
    if quiz.classrooms and classroom not in quiz.classrooms:
        db.session.execute(sa.insert(quiz_classroom).values(quiz_id=quiz.id, classroom_id=classroom.id))
        db.session.commit()
    return quiz


def record_launch(platform: LtiPlatform, claims: dict) -> LaunchResult:
    """Apply a validated launch: account, class, enrollment, link and quiz (see the module's docstring).

    :raises InvalidInput: a launch without a subject (an anonymous launch).
    :raises Forbidden: a learner's deep-linking launch, or a link naming someone else's quiz.
    """
    subject = str(claims.get("sub") or "")
    if not subject:
        raise InvalidInput("The platform sent an anonymous launch (no user); quizapp needs to know who you are.")
    teacher = is_teaching_role(claims.get(CLAIM + "roles") or [])
    kind = "deep_link" if claims.get(CLAIM + "message_type") == "LtiDeepLinkingRequest" else "resource"
    if kind == "deep_link" and not teacher:
        raise Forbidden("Only the course's teachers choose which quiz a link opens.")
    user = account_for(platform, subject, claims, teacher)
    context = _context(platform, claims.get(CLAIM + "context") or {}, user, teacher)
    result = LaunchResult(user_id=user.id, is_teacher=teacher, kind=kind)
    if context is None:
        result.message = NO_CLASS_YET if claims.get(CLAIM + "context") else None
        return result
    result.classroom_id, result.context_id = context.classroom_id, context.id
    nrps = (claims.get(NRPS_CLAIM) or {}).get("context_memberships_url")
    if nrps and nrps != context.memberships_url:
        context.memberships_url = nrps
    if not teacher:
        enroll(context.classroom_id, user.id)
    db.session.commit()
    if kind == "resource":
        link = _link(platform, context, claims)
        if link.quiz is not None:
            result.quiz_slug = link.quiz.slug
            if not teacher and can_send_grades(link):
                _grade_row(link, user.id, subject)
                from quizapp.services import lti_services  # (it imports this module)

                lti_services.queue_for_learner(user.id, link.quiz_id, unsent_only=True)  # attempts made before
    return result


def _link(platform: LtiPlatform, context: LtiContext, claims: dict) -> LtiResourceLink:
    link_id = str((claims.get(CLAIM + "resource_link") or {}).get("id") or "")
    slug = str((claims.get(CLAIM + "custom") or {}).get("quiz") or "").strip()
    quiz = quiz_for_class(slug, context.classroom) if slug else None  # may refuse: before anything changes
    values = {"context_id": context.id, "deployment_id": str(claims.get(CLAIM + "deployment_id") or "")}
    ags = claims.get(AGS_CLAIM) or {}
    if ags.get("lineitem") or ags.get("lineitems"):
        values.update(ags_scopes=[str(s) for s in ags.get("scope") or []],
                      lineitems_url=str(ags["lineitems"]) if ags.get("lineitems") else None)
        if ags.get("lineitem"):
            values["lineitem_url"] = str(ags["lineitem"])
    if quiz is not None:
        values["quiz_id"] = quiz.id
    link = db.session.scalar(sa.select(LtiResourceLink).filter_by(platform_id=platform.id, resource_link_id=link_id))
    if link is None:
        link = LtiResourceLink(platform_id=platform.id, resource_link_id=link_id, ags_scopes=[])
        db.session.add(link)
    for name, value in values.items():
        setattr(link, name, value)
    db.session.commit()
    return link


def can_send_grades(link: LtiResourceLink) -> bool:
    """Whether the platform takes scores for this link: a line item, or the right to make one."""
    scopes = link.ags_scopes or []
    return SCORE_SCOPE in scopes and bool(link.lineitem_url or (link.lineitems_url and LINEITEM_SCOPE in scopes))


def _grade_row(link: LtiResourceLink, user_id: int, subject: str) -> None:
    """Record that this learner's grade for the link's quiz goes to its line item (once)."""
    if db.session.scalar(sa.select(LtiGrade.id).filter_by(link_id=link.id, user_id=user_id)):
        return
    db.session.add(LtiGrade(link_id=link.id, user_id=user_id, subject=subject, state="waiting"))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
