"""When a quiz's rules take effect: closing overdue attempts, when feedback is due, server-side page times.

Imported by ``attempts``, ``scheduling`` and ``progress`` alike, so it
imports no other service.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import random

import sqlalchemy as sa
from flask import current_app

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, QuestionView, Quiz
from quizapp.models._common import INSERT_FOR

#: answers arriving this long after a time limit still count (network latency);
#: a quiz's closing date has no grace: after it nothing is accepted
DEADLINE_GRACE = dt.timedelta(seconds=5)


def feedback_visible_clause(now: dt.datetime):
    """SQL condition on ``Attempt`` joined to its ``Quiz``: the learner may see right and wrong now.

    The same rule as :func:`quizapp.services.attempts.feedback_visible`.
    """
    finished = Attempt.finished_at.is_not(None)
    return sa.or_(
        Quiz.feedback_timing == "immediately",
        sa.and_(finished, Quiz.feedback_timing == "after_attempt"),
        sa.and_(finished, Quiz.closes_at.is_not(None), Quiz.closes_at <= now),
    )


@functools.lru_cache(maxsize=None)
def _overdue_statements(by_user: bool, by_quiz: bool):
    """:func:`close_overdue`'s probe and its UPDATE for one scope, built once.

    Bound parameters: ``now``, ``late_before`` (now less the grace), and
    ``of_user`` and ``of_quiz`` when the scope has them (not the columns'
    names, which an UPDATE's parameters would set). A probe runs on most
    pages a learner opens; building it each time cost more Python than
    running it.
    """
    closes = sa.select(Quiz.closes_at).where(Quiz.id == Attempt.quiz_id).scalar_subquery()
    now, late_before = sa.bindparam("now", type_=sa.DateTime), sa.bindparam("late_before", type_=sa.DateTime)
    late = sa.and_(Attempt.deadline_at.is_not(None), Attempt.deadline_at < late_before)
    scope = [sa.and_(Attempt.finished_at.is_(None), sa.or_(late, closes <= now))]
    if by_user:
        scope.append(Attempt.user_id == sa.bindparam("of_user"))
    if by_quiz:
        scope.append(Attempt.quiz_id == sa.bindparam("of_quiz"))
    total = (
        sa.select(sa.func.coalesce(sa.func.sum(Answer.score), 0.0))
        .where(Answer.attempt_id == Attempt.id)
        .scalar_subquery()
    )
    at = sa.case(
        (sa.and_(late, sa.or_(closes.is_(None), Attempt.deadline_at <= closes)), Attempt.deadline_at),
        else_=closes,
    )
    probe = sa.select(Attempt.id).where(*scope).limit(1)
    close = sa.update(Attempt).where(*scope).values(finished_at=at, score=total).execution_options(
        synchronize_session=False
    )
    return probe, close


def close_overdue(now: dt.datetime, *, user_id: int | None = None, quiz_id: int | None = None) -> int:
    """Finish every open attempt past its time limit or its quiz's closing date, as it stands.

    As Moodle does with "open attempts are submitted automatically": the
    attempt keeps the answers it holds (unanswered questions count zero) and
    is finished at its deadline or the closing date, whichever came first.
    Lazy: called when attempts are next touched or read, so no cron is
    needed. One cheap read when nothing is overdue; otherwise one UPDATE
    (which re-checks ``finished_at IS NULL`` under the row lock, so an
    attempt finished meanwhile keeps its own time and score). Commits.

    :returns: how many attempts it closed.
    """
    probe, close = _overdue_statements(user_id is not None, quiz_id is not None)
    params = {"now": now, "late_before": now - DEADLINE_GRACE}
    if user_id is not None:
        params["of_user"] = user_id
    if quiz_id is not None:
        params["of_quiz"] = quiz_id
    if db.session.scalar(probe, params) is None:
        return 0
    result = db.session.execute(close, params)
    db.session.commit()
    return result.rowcount


# --- when a page was shown ------------------------------------------------------

def mark_shown(user_id: int, key: str, now: dt.datetime) -> None:
    """Remember when the server first showed ``key`` to the learner (reloads keep the first time).

    Written on a connection of its own, committed at once: the page's session
    (and the objects it is about to render) is left untouched. One statement:
    the insert itself keeps the first time (a read first would cost a query on
    every first showing, the common case, to save a write on a reload).
    """
    with db.engine.begin() as connection:
        connection.execute(_FIRST_SHOWING[connection.dialect.name], {"user_id": user_id, "key": key, "shown_at": now})


#: :func:`mark_shown`'s statement for each database, built once: a question page runs it every time
_FIRST_SHOWING = {
    name: insert(QuestionView.__table__).on_conflict_do_nothing(index_elements=["user_id", "key"])
    for name, insert in INSERT_FOR.items()
}
#: when the server first showed a key to a learner (read by every answer): built once
_SHOWN_AT = sa.select(QuestionView.shown_at).where(
    QuestionView.user_id == sa.bindparam("user_id"), QuestionView.key == sa.bindparam("key")
)


def time_taken_ms(user_id: int, key: str, now: dt.datetime) -> int | None:
    """Milliseconds since the server first showed ``key``; None when it never did (a forged or stale post)."""
    shown = db.session.scalar(_SHOWN_AT, {"user_id": user_id, "key": key})
    if shown is None:
        return None
    return max(0, min(int((now - shown).total_seconds() * 1000), 86_400_000))


# --- orders no learner can predict --------------------------------------------

def keyed_random(*parts: object) -> random.Random:
    """A random generator seeded by HMAC(SECRET_KEY, parts): stable for the same parts, unknowable without the key."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    message = "\x1f".join(str(p) for p in parts).encode()
    return random.Random(hmac.new(key, message, hashlib.sha256).digest())
