"""The platform's services quizapp calls: Assignment and Grade Services (grade passback) and Names and Role
Provisioning Services (the class roster).

Both authenticate with OAuth2 client credentials: quizapp signs a JWT
assertion with its current key (:func:`quizapp.services.lti_tool.signing_key`),
the platform checks it against quizapp's JWKS and returns an access token
(pylti1p3's :class:`~pylti1p3.service_connector.ServiceConnector` does the exchange).

**Grade passback.** When an attempt finishes (:func:`attempt_finished`),
each resource link the learner launched for that quiz gets the learner's
grade — the quiz's grading method over their finished attempts
(:func:`quizapp.services.grading.final_grade`) — and is put on the job queue.
A run claims the row's next ``attempt``, posts the score to the link's line
item and marks it sent; a platform that fails is tried again (the queue's
retries with backoff), then the row is left failed with the reason for the
teacher, who may send it again. A row whose run stopped without a word is
queued again by the queue's periodic sweep (:func:`requeue_stalled`). Nothing
is lost: the state is in the database, not the queue.
"""

from __future__ import annotations

import datetime as dt
import logging

import requests
import sqlalchemy as sa
from flask import current_app
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector

from quizapp import jobs
from quizapp.extensions import db
from quizapp.models import Attempt, Enrollment, LtiAccount, LtiContext, LtiGrade, LtiResourceLink, Quiz
from quizapp.models._common import utcnow
from quizapp.services import grading, lti_launch, lti_tool
from quizapp.services.errors import InvalidInput, NotFound

log = logging.getLogger(__name__)

#: The tag of the line items quizapp makes (and finds again)
LINEITEM_TAG = "quizapp-grade"
#: Runs of one passback before the periodic sweep stops queuing it again (each huey retry is a run).
MAX_ATTEMPTS = 12
def _connector(platform) -> ServiceConnector:
    return ServiceConnector(lti_tool.registration(platform), lti_tool.http_session())


# --- grade passback --------------------------------------------------------------------------

#: the LTI grades of one learner on the links to one quiz: built once (every finished attempt reads it)
_GRADES_OF = (
    sa.select(LtiGrade).join(LtiResourceLink, LtiResourceLink.id == LtiGrade.link_id)
    .where(LtiGrade.user_id == sa.bindparam("learner"), LtiResourceLink.quiz_id == sa.bindparam("quiz"))
)


def attempt_finished(attempt: Attempt, app=None) -> int:
    """Queue the learner's new grade for every LTI link of the attempt's quiz they launched; returns how many."""
    rows = list(db.session.scalars(_GRADES_OF, {"learner": attempt.user_id, "quiz": attempt.quiz_id}))
    if not rows:
        return 0
    return queue_grades(rows, app)


def queue_grades(rows: list[LtiGrade], app=None) -> int:
    """Compute each row's grade now and put it on the queue; rows with no finished attempt stay waiting."""
    app = app or current_app._get_current_object()
    queued = []
    for row in rows:
        quiz = db.session.get(Quiz, row.link.quiz_id)
        attempts = db.session.scalars(sa.select(Attempt).filter_by(user_id=row.user_id, quiz_id=quiz.id))
        percent = grading.final_grade(attempts, quiz.grading_method)
        if percent is None:
            continue
        row.percent = round(percent, 4)
        row.state, row.message, row.updated_at = "pending", "Waiting to be sent.", utcnow()
        queued.append(row.id)
    db.session.commit()
    for grade_id in queued:
        try:
            jobs.enqueue(app, "lti_grade", grade_id)
        except jobs.QueueError as exc:  # stays pending: the periodic sweep queues it when the queue answers
            log.warning("grade %s not queued: %s", grade_id, exc)
    return len(queued)


def queue_for_learner(user_id: int, quiz_id: int, app=None, *, unsent_only: bool = False) -> int:
    """Queue a learner's grade for a quiz's links again (a mark or an override changed it).

    :param unsent_only: only the links with nothing sent yet (a launch after attempts made elsewhere).
    """
    rows = [row for row in db.session.scalars(
        sa.select(LtiGrade).join(LtiResourceLink, LtiResourceLink.id == LtiGrade.link_id)
        .where(LtiGrade.user_id == user_id, LtiResourceLink.quiz_id == quiz_id))
        if not unsent_only or row.state == "waiting"]
    return queue_grades(rows, app) if rows else 0


def send_again(grade_id: int, teacher_id: int, classroom_id: int, app=None) -> LtiGrade:
    """A teacher's "send again" of a learner's grade (failed, or sent and doubted).

    :raises NotFound: not a grade of this class, or a class this teacher does not teach.
    """
    from quizapp.services import ownership

    row = db.session.get(LtiGrade, grade_id)
    context = row.link.context if row is not None else None
    if context is None or context.classroom_id != classroom_id or not ownership.teaches_class(context.classroom,
                                                                                              teacher_id):
        raise NotFound("There is no such grade.")
    if row.state in ("pending", "running"):
        return row
    queue_grades([row], app)
    return row


def run_queued(app, grade_id: int, retries_left: int, next_delay: float) -> None:
    """The queue's run of one passback; a failure is stored, and raised again while tries are left."""
    with app.app_context():
        claimed = db.session.execute(
            sa.update(LtiGrade).where(LtiGrade.id == grade_id, LtiGrade.state == "pending")
            .values(state="running", attempt=LtiGrade.attempt + 1, updated_at=utcnow())).rowcount
        db.session.commit()
        if not claimed:
            return
        row = db.session.get(LtiGrade, grade_id)
        attempt = row.attempt
        mine = (LtiGrade.id == grade_id, LtiGrade.attempt == attempt, LtiGrade.state == "running")
        try:
            percent = post_score(row)
        except Exception as exc:  # noqa: BLE001 (any failure is stored for the teacher and tried again)
            db.session.rollback()
            reason = describe_failure(exc)
            log.warning("grade passback %s failed (%s tries left): %s", grade_id, retries_left, reason)
            if retries_left:
                message, state = f"Not sent: {reason}. Trying again in {next_delay:.0f} seconds.", "pending"
            else:
                message, state = f"Not sent: {reason}. Use “Send again” when the platform is back.", "failed"
            db.session.execute(sa.update(LtiGrade).where(*mine).values(state=state, message=message,
                                                                         updated_at=utcnow()))
            db.session.commit()
            if retries_left:
                raise
            return
        db.session.execute(sa.update(LtiGrade).where(*mine).values(
            state="sent", sent_percent=percent, sent_at=utcnow(), message=None, updated_at=utcnow()))
        db.session.commit()


def post_score(row: LtiGrade) -> float:
    """POST the row's grade to its line item (scoreGiven out of 100); returns the percent sent."""
    link = row.link
    if not lti_launch.can_send_grades(link):
        raise InvalidInput("the platform gave no line item for this link, nor the right to make one")
    percent = float(row.percent or 0.0)
    ags = AssignmentsGradesService(_connector(link.platform), {"scope": list(link.ags_scopes or []),
                                                               "lineitem": link.lineitem_url,
                                                               "lineitems": link.lineitems_url})
    if not link.lineitem_url:  # a link the instructor typed: find or make its gradebook column
        made = ags.find_or_create_lineitem(
            LineItem().set_tag(LINEITEM_TAG).set_resource_id(link.quiz.slug).set_resource_link_id(link.resource_link_id)
            .set_label(link.quiz.title).set_score_maximum(100), find_by="resource_link_id")
        db.session.execute(sa.update(LtiResourceLink).where(LtiResourceLink.id == link.id, LtiResourceLink.lineitem_url.is_(None))
                           .values(lineitem_url=made.get_id()))
        db.session.commit()
        link = db.session.get(LtiResourceLink, link.id)
        ags = AssignmentsGradesService(_connector(link.platform), {"scope": list(link.ags_scopes or []),
                                                                   "lineitem": link.lineitem_url})
    grade = (Grade().set_score_given(percent).set_score_maximum(100).set_user_id(row.subject)
             .set_activity_progress("Completed").set_grading_progress("FullyGraded")
             .set_timestamp(dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")))
    ags.put_grade(grade)
    return percent


def describe_failure(exc: BaseException) -> str:
    """What went wrong talking to the platform, in one line for the teacher."""
    if isinstance(exc, LtiServiceException):
        return f"the platform answered {exc.response.status_code}" if getattr(exc, "response", None) is not None \
            else "the platform refused"
    if isinstance(exc, requests.ConnectionError):
        return "the platform could not be reached"
    if isinstance(exc, requests.Timeout):
        return "the platform did not answer in time"
    if isinstance(exc, (LtiException, InvalidInput)):
        return str(exc)
    return f"an unexpected error ({type(exc).__name__})"


def requeue_stalled(app) -> int:
    """Queue again the passbacks whose run stopped without a word (see :func:`quizapp.jobs.requeue_rows`)."""
    return jobs.requeue_rows(app, LtiGrade, "lti_grade", MAX_ATTEMPTS,
                             f"Not sent after {MAX_ATTEMPTS} tries; use “Send again”.")


def class_grades(classroom_id: int) -> list[LtiGrade]:
    """Every learner's passback state for the class's LTI links, by quiz then learner."""
    from quizapp.models import User

    return list(db.session.scalars(
        sa.select(LtiGrade).join(LtiResourceLink, LtiResourceLink.id == LtiGrade.link_id)
        .join(LtiContext, LtiContext.id == LtiResourceLink.context_id).join(Quiz, Quiz.id == LtiResourceLink.quiz_id)
        .join(User, User.id == LtiGrade.user_id)
        .where(LtiContext.classroom_id == classroom_id).order_by(Quiz.title, User.username, LtiGrade.id)))


def class_context(classroom_id: int) -> LtiContext | None:
    return db.session.scalar(sa.select(LtiContext).filter_by(classroom_id=classroom_id).limit(1))


# --- roster ----------------------------------------------------------------------------------

def sync_roster(context_id: int) -> str:
    """Make the class's learners the platform's active learners of the course; returns what changed.

    Members are fetched from the course's membership URL (every page);
    learners are linked (accounts made as on launch) and enrolled; learners
    of this platform who are no longer active members leave the class.
    Enrollments made with a join code (accounts not of this platform) stay.

    :raises InvalidInput: the course has no membership service, or the platform failed (the reason).
    """
    context = db.session.get(LtiContext, context_id)
    if context is None:
        raise NotFound("There is no such course.")
    if not context.memberships_url:
        raise InvalidInput("The platform offers no roster for this course (no Names and Role Provisioning "
                           "Services in its launches).")
    platform = context.platform
    try:
        members = NamesRolesProvisioningService(
            _connector(platform), {"context_memberships_url": context.memberships_url}).get_members()
    except Exception as exc:  # noqa: BLE001
        db.session.rollback()
        context = db.session.get(LtiContext, context_id)
        context.sync_message = f"Roster not updated: {describe_failure(exc)}."
        db.session.commit()
        raise InvalidInput(context.sync_message) from None
    active: set[int] = set()
    added = 0
    for member in members:
        subject = str(member.get("user_id") or "")
        if not subject or member.get("status", "Active") != "Active" or lti_launch.is_teaching_role(member.get("roles")):
            continue
        user = lti_launch.account_for(platform, subject, dict(member), teacher=False)
        active.add(user.id)
        added += lti_launch.enroll(context.classroom_id, user.id)
    linked = sa.select(LtiAccount.user_id).where(LtiAccount.platform_id == platform.id)
    gone = list(db.session.scalars(sa.select(Enrollment).where(
        Enrollment.classroom_id == context.classroom_id, Enrollment.user_id.in_(linked),
        Enrollment.user_id.not_in(active) if active else sa.true())))
    for enrollment in gone:
        db.session.delete(enrollment)
    context.synced_at = utcnow()
    context.sync_message = (f"Roster updated from the platform: {len(active)} learner{'s' * (len(active) != 1)}, "
                            f"{added} added, {len(gone)} removed.")
    db.session.commit()
    return context.sync_message


def own_context(context_id: int, teacher_id: int) -> LtiContext:
    """:raises NotFound: not a course whose class this teacher teaches."""
    from quizapp.services import ownership

    context = db.session.get(LtiContext, context_id)
    if context is None or not ownership.teaches_class(context.classroom, teacher_id):
        raise NotFound("There is no such course.")
    return context
