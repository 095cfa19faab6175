"""The audit trail: who created, changed, approved or retired a question, who marked an
essay or overrode an attempt's grade, and when.

Services call :func:`record` inside their own unit of work (it adds, never
commits), so an event is stored exactly when the change it describes is.
:func:`question_history` merges these events with the question's versions
(each version already names its author), so questions written before the
trail existed still show who wrote each version.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Question, QuestionVersion, User
from quizapp.models._common import utcnow
from quizapp.models.security import ATTEMPT_AUDIT_ACTIONS, AUDIT_ACTIONS, AuditEvent
from quizapp.services.errors import NotFound


def record(question: Question, action: str, actor_id: int | None, *, version_number: int | None = None,
           detail: str = "") -> AuditEvent:
    """Add an audit event for ``question`` to the current transaction (no commit).

    :param action: one of :data:`quizapp.models.security.AUDIT_ACTIONS`.
    :raises ValueError: for an unknown action (a programming error).
    """
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    event = AuditEvent(
        question=question, question_uid=question.uid or "", action=action, actor_id=actor_id,
        version_number=version_number, detail=detail[:2000], at=utcnow(),
    )
    db.session.add(event)
    return event


def record_attempt(attempt_id: int, action: str, actor_id: int, *, question: Question | None = None,
                   detail: str = "") -> AuditEvent:
    """Add an audit event about an attempt (an essay marked, a grade overridden); no commit.

    :param question: the question marked (None for an override of the whole attempt).
    :raises ValueError: for an unknown action (a programming error).
    """
    if action not in ATTEMPT_AUDIT_ACTIONS:
        raise ValueError(f"unknown attempt audit action {action!r}")
    event = AuditEvent(
        attempt_id=attempt_id, question_id=question.id if question is not None else None,
        question_uid=question.uid if question is not None else "", action=action, actor_id=actor_id,
        detail=detail[:2000], at=utcnow(),
    )
    db.session.add(event)
    return event


def attempt_history(attempt_ids: list[int]) -> dict[int, list[AuditEvent]]:
    """Marks and overrides of these attempts, oldest first, by attempt id (one query)."""
    found: dict[int, list[AuditEvent]] = {}
    if attempt_ids:
        for event in db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.attempt_id.in_(attempt_ids)).order_by(AuditEvent.at, AuditEvent.id)
        ):
            found.setdefault(event.attempt_id, []).append(event)
    return found


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    action: str
    actor: str  # a username, or "the bank loader" for the shipped bank
    version_number: int | None
    detail: str


def question_history(question_id: int) -> tuple[Question, list[HistoryEntry]]:
    """The question and its history, newest first.

    :raises NotFound: when there is no such question.
    """
    question = db.session.get(Question, question_id)
    if question is None:
        raise NotFound("There is no such question.")
    names = dict(db.session.execute(sa.select(User.id, User.username)).all())

    def who(user_id: int | None) -> str:
        return names.get(user_id, "deleted account") if user_id is not None else "the bank loader"

    events = list(db.session.scalars(
        # marks of learners' answers stay with their attempts: any teacher may read a question's history
        sa.select(AuditEvent).where(AuditEvent.question_id == question_id, AuditEvent.attempt_id.is_(None))
        .order_by(AuditEvent.at, AuditEvent.id)
    ))
    entries = [HistoryEntry(e.at, e.action, who(e.actor_id), e.version_number, e.detail) for e in events]
    covered = {(e.action, e.version_number) for e in events}
    # an import event already tells who made the version it brought
    covered |= {(a, e.version_number) for e in events if e.action == "imported" for a in ("created", "edited")}
    for version in db.session.scalars(
        sa.select(QuestionVersion).where(QuestionVersion.question_id == question_id).order_by(QuestionVersion.number)
    ):
        action = "created" if version.number == 1 else "edited"
        if (action, version.number) not in covered:
            entries.append(HistoryEntry(version.created_at, action, who(version.created_by_id), version.number,
                                        "from the version record"))
    entries.sort(key=lambda e: (e.at, e.version_number or 0), reverse=True)
    return question, entries
