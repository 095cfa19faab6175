"""Live sessions (issue 20): a teacher runs a quiz in class and every phone follows it.

The session's whole state is in the database (:mod:`quizapp.models.live`):
the current question, its phase, the server's deadline, the participants
and their answers. The server decides everything a phone could cheat on:
the countdown's end (an answer after it is refused), the score, and what a
phone may see (:func:`phone_view` carries no right answer and no source
sentence before the teacher reveals the question).

Every question type runs live. A phone answers with the widgets of the
normal quiz page (``quiz/_answer.html``; one-tap buttons for multiple choice
and true/false), parsed by the quiz's own form reader and graded by
:func:`quizapp.services.scoring.grade`: partial credit earns that fraction of
the points. An essay is collected for the teacher (no points live); a
description is a slide on the screens, with nothing to answer.

Answers of learners who joined with their account are also recorded in an
:class:`~quizapp.models.Attempt` of the quiz (``live_session_id`` set) through
:func:`quizapp.services.attempts.record_answer`: graded by the same scoring,
reviewed by the same FSRS scheduler, counted by progress and the gradebook,
an essay waiting in the teacher's marking queue. They are recorded when the
question is revealed, as the room sees it scored: a question skipped (or
left when the session ends before its reveal) counts in no attempt, as it
gives no points.

Every change the screens must follow is announced through
:mod:`quizapp.broadcast` as part of its commit.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from quizapp import broadcast
from quizapp.extensions import db
from quizapp.generator import quoted_source
from quizapp.models import Answer, Attempt, LiveAnswer, LiveParticipant, LiveSession, QuestionVersion, Quiz, User
from quizapp.models._common import utcnow
from quizapp.services import attempts, ownership, scoring, timing
from quizapp.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from quizapp.services.exports import Table

log = logging.getLogger(__name__)

#: question types a phone answers with one tap on a big button (the others: the quiz page's widgets)
TAP_TYPES = ("multiple_choice", "true_false")
#: how the reveal shows the room's answers, per question type
REVEAL_KINDS = {
    "multiple_choice": "choices", "multiple_response": "choices", "true_false": "choices",
    "short_answer": "typed", "numerical": "typed",
    "matching": "parts", "ordering": "parts", "cloze": "parts",
    "essay": "essay", "description": "slide",
}
#: the most frequent typed answers the reveal lists
COMMON_ANSWERS = 8
#: a countdown a teacher may choose, in seconds
SECONDS_CHOICES = (10, 20, 30, 60, 90)
#: an answer sent this long after the deadline (the network's delay) still counts
LATE_GRACE = dt.timedelta(milliseconds=500)
NICKNAME_MIN, NICKNAME_MAX = 2, 20
#: points for a right answer: BASE_POINTS at once, half of it at the last moment
BASE_POINTS = 1000
#: per right answer in a row after the first, up to STREAK_CAP of them
STREAK_BONUS, STREAK_CAP = 100, 5
LEADERBOARD_SIZE = 10

#: Words a nickname may not contain (folded: lower case, accents and
#: look-alike digits undone). A short list of the obvious ones: the teacher
#: removes anything it misses with one button.
BLOCKED_WORDS = frozenset("""
    anal anus arse ass asshole bastard bitch bollocks boob boobs butthole cock cocks cunt damn dick dildo
    fag faggot fuck fucker fucking hitler nazi nigga nigger penis piss porn pussy rape rapist retard
    sex shit slut spastic tits twat vagina wank wanker whore
""".split())
#: never innocent inside a longer name (unlike "cock" in Hancock, "dick" in Dickens, "cunt" in Scunthorpe)
BLOCKED_STEMS = ("fuck", "nigg", "fagg", "whore", "wank", "twat", "slut", "rapist")
_LOOKALIKES = str.maketrans("013457@$!", "oieastasi")


# --- starting and finding sessions -------------------------------------------------

def _new_code() -> str:
    return f"{secrets.randbelow(900_000) + 100_000}"


def live_layout(quiz: Quiz, rng) -> list[dict]:
    """The quiz's published questions, in quiz order, each with the order its choices, match options,
    items or gaps' choices are shown in (always shuffled: the bank's own order could tell the right one)."""
    return [{"question": question_id, "version": version.id, "order": attempts.shown_order(version.data, True, rng)}
            for question_id, version in attempts.published_questions(quiz)]


def layout_types(quiz: Quiz) -> dict[str, int]:
    """How many of the quiz's published questions are of each type (the start page tells the teacher)."""
    counts: dict[str, int] = {}
    for _, version in attempts.published_questions(quiz):
        counts[version.data["type"]] = counts.get(version.data["type"], 0) + 1
    return counts


def start_session(quiz: Quiz, teacher_id: int, seconds: int) -> LiveSession:
    """A new session of ``quiz`` in its lobby, with a fresh join code.

    :raises InvalidInput: for a countdown not offered, or a quiz without a question a room can answer.
    """
    if seconds not in SECONDS_CHOICES:
        raise InvalidInput(f"Choose {', '.join(map(str, SECONDS_CHOICES))} seconds per question.", where="seconds")
    layout = live_layout(quiz, timing.keyed_random("live", quiz.id, secrets.token_hex(8)))
    if not layout:
        raise InvalidInput("This quiz has no questions yet.")
    run = 1 + db.session.scalar(sa.select(sa.func.count()).select_from(LiveSession).where(LiveSession.quiz_id == quiz.id))
    for _ in range(20):
        session = LiveSession(code=_new_code(), quiz_id=quiz.id, teacher_id=teacher_id, run=run, layout=layout,
                              seconds_per_question=seconds, position=0, phase="lobby", version=0)
        db.session.add(session)
        try:
            db.session.commit()
        except IntegrityError:  # the code is taken: draw another
            db.session.rollback()
            continue
        return session
    raise Conflict("No join code is free just now; try again.")


def run_again(session: LiveSession, teacher_id: int) -> LiveSession:
    """The same quiz live once more, as a new session (a new code, scores from zero)."""
    return start_session(session.quiz, teacher_id, session.seconds_per_question)


def may_control(session: LiveSession, teacher_id: int) -> bool:
    """The session's teacher, and the teachers (owner, co-teachers) of a quiz a teacher built."""
    if session.teacher_id == teacher_id:
        return True
    quiz = session.quiz
    return quiz.created_by_id is not None and ownership.teaches_quiz(quiz, teacher_id)


def get_for_teacher(session_id: int, teacher_id: int) -> LiveSession:
    """:raises NotFound: no such session, or one this teacher does not run."""
    session = db.session.get(LiveSession, session_id)
    if session is None or not may_control(session, teacher_id):
        raise NotFound("There is no such live session.")
    return session


def teacher_sessions(teacher_id: int, limit: int = 50) -> list[LiveSession]:
    return list(db.session.scalars(
        sa.select(LiveSession).where(LiveSession.teacher_id == teacher_id)
        .order_by(LiveSession.id.desc()).limit(limit)))


def get_by_code(code: str) -> LiveSession:
    """:raises NotFound: no session has this join code."""
    code = (code or "").strip().replace(" ", "")
    session = db.session.scalar(sa.select(LiveSession).where(LiveSession.code == code)) if code.isdigit() else None
    if session is None:
        raise NotFound("No live session has this code. Check the code on the screen.", where="code")
    return session


# --- the teacher's controls ---------------------------------------------------------

ACTIONS = ("next", "pause", "resume", "skip", "reveal", "end")


def _lock(session: LiveSession, bump: bool) -> None:
    """Take the session's lock until commit, then read it afresh.

    A teacher's change (``bump``) updates the row: on PostgreSQL it locks it,
    on SQLite it takes the one writer lock. An answer takes a shared lock on
    PostgreSQL (answers do not wait for each other, only for a change of
    phase) and the writer lock on SQLite. Either way an answer is stored
    wholly before a reveal or wholly after it, when it is refused.
    """
    if bump or db.session.get_bind().dialect.name != "postgresql":
        db.session.execute(
            sa.update(LiveSession).where(LiveSession.id == session.id)
            .values(version=LiveSession.version + (1 if bump else 0))
            .execution_options(synchronize_session=False))
    else:
        db.session.execute(sa.select(LiveSession.id).where(LiveSession.id == session.id).with_for_update(read=True))
    db.session.refresh(session)


def control(session: LiveSession, action: str, now: dt.datetime | None = None) -> LiveSession:
    """Apply one of the teacher's controls (:data:`ACTIONS`); commits.

    ``next`` starts the next question (from the lobby or a revealed
    question; after the last one it ends the session), or shows a
    description as a slide, with no countdown and nothing to answer;
    ``pause`` and ``resume`` stop and restart the countdown; ``skip`` leaves
    the question without revealing it (it gives no points, and counts in no
    attempt); ``reveal`` closes the question, gives the points, shows the
    answer and records account holders' answers in their live attempts;
    ``end`` ends the session and submits those attempts.

    :raises InvalidInput: an unknown action.
    :raises Conflict: an action the session's phase does not allow.
    """
    if action not in ACTIONS:
        raise InvalidInput(f"Unknown control “{action}”.", where="action")
    now = now or utcnow()
    _lock(session, bump=True)
    phase = session.phase
    allowed = {
        "next": ("lobby", "reveal"), "pause": ("question",), "resume": ("paused",),
        "skip": ("question", "paused"), "reveal": ("question", "paused"), "end": ("lobby", "question", "paused", "reveal"),
    }[action]
    if phase not in allowed:
        db.session.rollback()
        raise Conflict(f"The session is {describe_phase(phase)}: “{action}” is not possible now.")
    if action == "pause":
        session.remaining_ms = max(0, int((session.deadline_at - now).total_seconds() * 1000))
        session.phase = "paused"
    elif action == "resume":
        session.deadline_at = now + dt.timedelta(milliseconds=session.remaining_ms or 0)
        session.remaining_ms = None
        session.phase = "question"
    elif action == "reveal":
        _give_points(session)
        session.phase = "reveal"
        session.remaining_ms = None
    elif action in ("next", "skip"):
        if session.position >= len(session.layout):
            _end(session, now)
        else:
            session.position += 1
            session.remaining_ms = None
            if question_data(session, session.position)["type"] == "description":
                session.phase = "reveal"  # a slide: shown, nothing to answer, "next" moves on
                session.deadline_at = None
            else:
                session.phase = "question"
                session.deadline_at = now + dt.timedelta(seconds=session.seconds_per_question)
    else:
        _end(session, now)
    session.phase_started_at = now
    broadcast.changed(session.code)
    db.session.commit()
    if action == "reveal":
        record_in_attempts(session, session.position)
    if session.phase == "ended":
        finish_live_attempts(session)
    return session


def _end(session: LiveSession, now: dt.datetime) -> None:
    session.phase = "ended"
    session.ended_at = now
    session.deadline_at = None
    session.remaining_ms = None


def record_in_attempts(session: LiveSession, position: int | None = None) -> int:
    """Record the revealed live answers of account holders in their live attempts; how many were new.

    Through :func:`~quizapp.services.attempts.record_answer`, as any attempt's
    answers: scored by the same grader, an FSRS review, an essay left for the
    marking queue. Only answers the room saw revealed (their points given):
    a skipped question counts in no attempt. Idempotent (an answer already in
    the attempt is left as it is), so the session's end catches up whatever a
    reveal did not record.

    :param position: the revealed question; None for every question of the session.
    """
    rows = db.session.execute(
        sa.select(LiveAnswer, Attempt)
        .join(LiveParticipant, LiveParticipant.id == LiveAnswer.participant_id)
        .join(Attempt, Attempt.id == LiveParticipant.attempt_id)
        .where(LiveAnswer.session_id == session.id, LiveAnswer.points.is_not(None), Attempt.finished_at.is_(None),
               *([LiveAnswer.position == position] if position is not None else []))
        .order_by(LiveAnswer.position, LiveAnswer.id)
    ).all()
    if not rows:
        return 0
    recorded = {(attempt_id, n) for attempt_id, n in db.session.execute(
        sa.select(Answer.attempt_id, Answer.position).where(Answer.attempt_id.in_({a.id for _, a in rows})))}
    answers = [(answer.position, answer.response, answer.time_taken_ms, answer.submitted_at, attempt)
               for answer, attempt in rows if (attempt.id, answer.position) not in recorded]
    new = 0
    for position_, response, time_taken_ms, submitted_at, attempt in answers:
        try:  # each in its own transaction (record_answer commits)
            new += attempts.record_answer(attempt, position_, response, time_taken_ms=time_taken_ms,
                                          now=submitted_at)[1]
        except (Conflict, InvalidInput) as exc:  # the quiz closed meanwhile: the answer still counted in the room
            db.session.rollback()
            log.info("live answer not recorded in attempt %s: %s", attempt.id, exc)
    return new


def finish_live_attempts(session: LiveSession) -> None:
    """Submit every account holder's live attempt of the session, with every revealed answer (idempotent)."""
    record_in_attempts(session)
    for attempt in db.session.scalars(
        sa.select(Attempt).where(Attempt.live_session_id == session.id, Attempt.finished_at.is_(None))
    ).all():
        attempts.finish_attempt(attempt)


def speed_points(time_taken_ms: int, limit_s: int) -> int:
    """A right answer's points before its streak bonus: 1000 at once, down to 500 at the deadline."""
    fraction = min(max(time_taken_ms / (limit_s * 1000), 0.0), 1.0)
    return round(BASE_POINTS * (1 - fraction / 2))


def streak_bonus(streak: int) -> int:
    """The bonus of the ``streak``-th right answer in a row."""
    return STREAK_BONUS * min(max(streak - 1, 0), STREAK_CAP)


def answer_points(answer: LiveAnswer, streak: int, limit_s: int) -> int:
    """An answer's points: a right one its speed points and the bonus of its ``streak``; a partly right one
    the same fraction of its speed points (no bonus); a wrong one, or an essay, none."""
    if answer.correct:
        return speed_points(answer.time_taken_ms, limit_s) + streak_bonus(streak)
    fraction = min(max(answer.score or 0.0, 0.0), 1.0)  # a penalty weight costs the room no points
    return round(speed_points(answer.time_taken_ms, limit_s) * fraction)


def _give_points(session: LiveSession) -> None:
    """Points of the current question (under the session's lock): speed, then streak.

    A right answer adds to its player's streak; any other answer, or none,
    ends it. An essay question gives no points and leaves streaks as they are.
    """
    answers = {a.participant_id: a for a in db.session.scalars(
        sa.select(LiveAnswer).where(LiveAnswer.session_id == session.id, LiveAnswer.position == session.position))}
    scored = scoring.is_graded(question_data(session, session.position))
    for participant in db.session.scalars(
        sa.select(LiveParticipant).where(LiveParticipant.session_id == session.id)
    ):
        answer = answers.get(participant.id)
        if not scored:
            if answer is not None:
                answer.points = 0
            continue
        participant.streak = participant.streak + 1 if answer is not None and answer.correct else 0
        if answer is not None:
            answer.points = answer_points(answer, participant.streak, session.seconds_per_question)
            participant.score += answer.points


# --- joining --------------------------------------------------------------------------

def fold(nickname: str) -> str:
    """A nickname as compared: NFKC, case-folded, inner spaces single."""
    return " ".join(unicodedata.normalize("NFKC", nickname).casefold().split())


def check_nickname(nickname: str) -> str:
    """The nickname as it will be shown, or why it cannot be.

    2–20 characters; letters (any alphabet), digits, spaces, ``-``, ``_``
    and ``.``; no word of :data:`BLOCKED_WORDS`, even spelt with digits for
    letters or with the letters apart.

    :raises InvalidInput: naming the rule it breaks.
    """
    name = " ".join(unicodedata.normalize("NFKC", nickname or "").split())
    if not NICKNAME_MIN <= len(name) <= NICKNAME_MAX:
        raise InvalidInput(f"A nickname has {NICKNAME_MIN} to {NICKNAME_MAX} characters.", where="nickname")
    if not all(c.isalnum() or c in " -_." for c in name) or not any(c.isalpha() for c in name):
        raise InvalidInput("A nickname has letters, and may have digits, spaces, “-”, “_” and “.”.", where="nickname")
    plain = "".join(c for c in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(c))
    plain = plain.translate(_LOOKALIKES)
    words: list[str] = []
    for token in re.split(r"[\s\-_.]+", plain):
        if len(token) == 1 and words and words[-1].startswith("\0"):  # "d i c k": letters set apart, one word
            words[-1] += token
        else:
            words.append("\0" + token if len(token) == 1 else token)
    words = [w.lstrip("\0") for w in words]
    squeezed = "".join(words)
    if any(w in BLOCKED_WORDS for w in words) or squeezed in BLOCKED_WORDS or any(s in squeezed for s in BLOCKED_STEMS):
        raise InvalidInput("Choose another nickname: the room sees it.", where="nickname")
    return name


def join(session: LiveSession, nickname: str | None = None, user: User | None = None) -> LiveParticipant:
    """Join ``session`` with a nickname (no account) or with ``user``'s account.

    An account joins once (a second join is the same participant) under its
    username, and gets a live attempt of the quiz, so its answers count like
    any attempt's.

    :raises Conflict: the session has ended.
    :raises InvalidInput: a nickname that breaks :func:`check_nickname` or is taken in the session.
    """
    if session.phase == "ended":
        raise Conflict("This live session has ended.")
    if user is not None:
        existing = db.session.scalar(sa.select(LiveParticipant).filter_by(session_id=session.id, user_id=user.id))
        if existing is not None:
            return existing
        name = user.username[:NICKNAME_MAX]
    else:
        name = check_nickname(nickname or "")
    participant = LiveParticipant(session_id=session.id, nickname=name, nickname_key=fold(name),
                                  user_id=user.id if user else None, score=0, streak=0)
    db.session.add(participant)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        if user is not None:  # someone took the username as a nickname: the account gets a numbered one
            return _join_numbered(session, user)
        raise InvalidInput(f"“{name}” is taken in this session: choose another nickname.", where="nickname") from None
    if user is not None:
        _open_live_attempt(session, participant)
    broadcast.changed(session.code)  # the projector's count of players
    db.session.commit()
    return participant


def _join_numbered(session: LiveSession, user: User) -> LiveParticipant:
    for n in range(2, 100):
        name = f"{user.username[:NICKNAME_MAX - 3]}·{n}"
        participant = LiveParticipant(session_id=session.id, nickname=name, nickname_key=fold(name), user_id=user.id,
                                      score=0, streak=0)
        db.session.add(participant)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            existing = db.session.scalar(sa.select(LiveParticipant).filter_by(session_id=session.id, user_id=user.id))
            if existing is not None:
                return existing
            continue
        _open_live_attempt(session, participant)
        broadcast.changed(session.code)
        db.session.commit()
        return participant
    raise InvalidInput("No nickname is free for this account in this session.", where="nickname")


def _open_live_attempt(session: LiveSession, participant: LiveParticipant) -> None:
    versions = {v.id: v for v in db.session.scalars(
        sa.select(QuestionVersion).where(QuestionVersion.id.in_([e["version"] for e in session.layout])))}
    attempt = Attempt(
        user_id=participant.user_id, quiz_id=session.quiz_id, layout=session.layout, live_session_id=session.id,
        max_score=float(sum(1 for e in session.layout if scoring.is_graded(versions[e["version"]].data))),
        started_at=utcnow(),
    )
    db.session.add(attempt)
    db.session.flush()
    participant.attempt_id = attempt.id


def get_participant(session: LiveSession, participant_id: int | None) -> LiveParticipant | None:
    """The session's participant with this id (None: none, or of another session)."""
    if participant_id is None:
        return None
    participant = db.session.get(LiveParticipant, participant_id)
    return participant if participant is not None and participant.session_id == session.id else None


def remove_participant(session: LiveSession, participant_id: int) -> LiveParticipant:
    """Take a nickname out of the session: its phone sees it was removed, its name stays taken.

    :raises NotFound: no such participant in the session.
    """
    participant = get_participant(session, participant_id)
    if participant is None:
        raise NotFound("There is no such participant in this session.")
    _lock(session, bump=True)
    if participant.removed_at is None:
        participant.removed_at = utcnow()
    broadcast.changed(session.code)
    db.session.commit()
    return participant


# --- answering ------------------------------------------------------------------------

def question_data(session: LiveSession, position: int) -> dict:
    entry = session.layout[position - 1]
    return db.session.get(QuestionVersion, entry["version"]).data


def question_at(session: LiveSession, position: int) -> tuple[dict, list]:
    """The question at ``position`` and the order its parts are shown in, to read a phone's answer form.

    :raises Conflict: the session has no such question (a page from elsewhere: nothing to record).
    """
    if not isinstance(position, int) or not 1 <= position <= len(session.layout):
        raise Conflict("This question is closed; your answer was not recorded.")
    return question_data(session, position), session.layout[position - 1]["order"]


def submit_answer(session: LiveSession, participant: LiveParticipant, position: int, response: Any,
                  now: dt.datetime | None = None) -> LiveAnswer:
    """Store the participant's answer to the question on the screens; commits.

    ``response`` has scoring's shape for the question's type (canonical
    indexes, as :func:`quizapp.quiz.forms.response_from_form` reads it from
    the form). It is graded now by :func:`quizapp.services.scoring.grade`;
    its points come at the reveal. The first answer counts (a second is
    refused). Its time is measured by the server from the question's start,
    pauses left out.

    :raises Forbidden: the teacher removed the participant.
    :raises Conflict: another question is on, the question is closed or paused, or time is up.
    :raises InvalidInput: a response that does not fit the question.
    """
    now = now or utcnow()
    if participant.removed_at is not None:
        raise Forbidden("The teacher removed you from this session.")
    data, _ = question_at(session, position)
    if data["type"] == "description":
        raise Conflict("There is nothing to answer here: look at the screen.")
    try:
        grade = scoring.grade(data, response)
        response = scoring.check_response(data, response)
    except scoring.InvalidResponse as exc:
        raise InvalidInput(str(exc).capitalize() + ".", where="answer") from None
    _lock(session, bump=False)
    if session.phase != "question" or session.position != position:
        db.session.rollback()
        raise Conflict("This question is closed; your answer was not recorded.")
    if now > session.deadline_at + LATE_GRACE:
        db.session.rollback()
        raise Conflict("Time was up; your answer was not recorded.")
    limit_ms = session.seconds_per_question * 1000
    left_ms = max(0, int((session.deadline_at - now).total_seconds() * 1000))
    answer = LiveAnswer(session_id=session.id, participant_id=participant.id, position=position, response=response,
                        correct=grade.correct, score=grade.score, points=None,
                        time_taken_ms=max(0, limit_ms - left_ms), submitted_at=now)
    db.session.add(answer)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("You have answered this question already.") from None
    broadcast.changed(session.code)  # the projector's count of answers
    db.session.commit()
    return answer


# --- what the screens show --------------------------------------------------------------

def describe_phase(phase: str) -> str:
    return {"lobby": "waiting for players", "question": "showing a question", "paused": "paused",
            "reveal": "showing the answer", "ended": "over"}[phase]


@dataclass
class Standing:
    rank: int
    nickname: str
    score: int
    streak: int
    participant_id: int


def outcome(correct: bool, score: float | None) -> str:
    """``right``, ``partly`` (some of the mark) or ``wrong``: how the reveal counts an answer."""
    return "right" if correct else "partly" if (score or 0) > 0 else "wrong"


@dataclass
class Reveal:
    """What the room sees once a question is revealed; what it holds depends on ``kind``
    (:data:`REVEAL_KINDS`: choices, typed, parts, essay or slide)."""

    kind: str
    correct_answer: list[str]
    source: dict | None
    fact: dict | None
    answered: int = 0
    #: choices: (label, text, count, right) per option, in shown order
    distribution: list[tuple[str, str, int, bool]] = field(default_factory=list)
    #: typed: (answer, count, outcome) of the most frequent answers, grouped as the grader compares them
    common: list[tuple[str, int, str]] = field(default_factory=list)
    #: answers per outcome ("right", "partly", "wrong"), every kind but essay and slide
    outcomes: dict[str, int] = field(default_factory=dict)
    #: essay: (nickname, text) of every answer, oldest first (the teacher's screen only)
    essays: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class RoomView:
    """The projector's view of a session (the teacher's screen)."""

    session: LiveSession
    total: int
    participants: list[LiveParticipant]
    answered: int
    remaining_ms: int | None
    question: dict | None = None
    order: list = field(default_factory=list)
    buttons: list[tuple[str, str, str]] = field(default_factory=list)  # (label, value, text)
    reveal: Reveal | None = None
    leaderboard: list[Standing] = field(default_factory=list)


LABELS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def buttons(session: LiveSession, position: int, data: dict) -> list[tuple[str, str, str]]:
    """The options of a choice question as (label, form value, text), in the session's shown order
    (the form value is what the quiz page's form sends: a shown position, or true/false); none for other types."""
    if data["type"] == "true_false":
        return [("A", "true", "True"), ("B", "false", "False")]
    if data["type"] not in ("multiple_choice", "multiple_response"):
        return []
    order = session.layout[position - 1]["order"]
    return [(LABELS[k % len(LABELS)], str(k), data["choices"][index]["text"]) for k, index in enumerate(order)]


def remaining_ms(session: LiveSession, now: dt.datetime) -> int | None:
    if session.phase == "paused":
        return session.remaining_ms
    if session.phase == "question" and session.deadline_at is not None:
        return max(0, int((session.deadline_at - now).total_seconds() * 1000))
    return None


def leaderboard(session: LiveSession, limit: int | None = LEADERBOARD_SIZE) -> list[Standing]:
    """Participants by score (ties: who joined first), ranks shared by equal scores."""
    rows = db.session.scalars(
        sa.select(LiveParticipant).where(LiveParticipant.session_id == session.id, LiveParticipant.removed_at.is_(None))
        .order_by(LiveParticipant.score.desc(), LiveParticipant.id)).all()
    standings, rank, last = [], 0, None
    for n, p in enumerate(rows, 1):
        if p.score != last:
            rank, last = n, p.score
        standings.append(Standing(rank, p.nickname, p.score, p.streak, p.id))
    return standings[:limit] if limit else standings


def _choice_counts(data: dict, responses: list[tuple[Any, int]]) -> dict:
    """Answers per option: a canonical choice index, or True/False."""
    counts: dict = {}
    for response, count in responses:
        for chosen in (response if isinstance(response, list) else [response]):
            counts[chosen] = counts.get(chosen, 0) + count
    return counts


def _right_choices(data: dict) -> set:
    if data["type"] == "true_false":
        return {data["answer"]}
    weights = [float(c.get("weight", 0)) for c in data["choices"]]
    if data["type"] == "multiple_response":
        return {i for i, w in enumerate(weights) if w > 0}
    return {i for i, w in enumerate(weights) if w > 0 and w >= max(weights)}


def _typed_groups(data: dict, rows: list[tuple[Any, bool, float | None, int]]) -> list[tuple[str, int, str]]:
    """Typed answers grouped as the grader compares them (a short answer as Moodle folds it, a number by value),
    each shown as its most frequent spelling, most frequent first."""
    groups: dict[Any, dict] = {}
    for response, correct, score, count in rows:
        if data["type"] == "numerical":
            key, shown = float(response), f"{float(response):g}"
        else:
            key, shown = scoring.moodle_text(str(response), bool(data.get("usecase"))), " ".join(str(response).split())
        group = groups.setdefault(key, {"count": 0, "spellings": {}, "outcome": outcome(correct, score)})
        group["count"] += count
        group["spellings"][shown] = group["spellings"].get(shown, 0) + count
    ranked = sorted(groups.values(), key=lambda g: -g["count"])  # stable: ties in the order first met
    return [(max(g["spellings"], key=g["spellings"].get), g["count"], g["outcome"]) for g in ranked[:COMMON_ANSWERS]]


def reveal_of(session: LiveSession, position: int, data: dict, essays: bool = False) -> Reveal:
    """The room's answers to a revealed question, summed up for its type.

    One grouped query (a room reloads at the reveal: a phone costs a handful
    of rows, not every answer). ``essays``: with the essays' texts and
    nicknames, for the teacher's screen.
    """
    kind = REVEAL_KINDS[data["type"]]
    reveal = Reveal(kind, scoring.correct_answer(data), quoted_source(data), data.get("fact"))
    if kind == "slide":
        return reveal
    as_text = sa.cast(LiveAnswer.response, sa.Text)
    rows = [(json.loads(text), correct, score, count) for text, correct, score, count in db.session.execute(
        sa.select(as_text, LiveAnswer.correct, LiveAnswer.score, sa.func.count())
        .where(LiveAnswer.session_id == session.id, LiveAnswer.position == position)
        .group_by(as_text, LiveAnswer.correct, LiveAnswer.score))]
    reveal.answered = sum(count for *_, count in rows)
    if kind == "essay":
        if essays:
            reveal.essays = [(name, text) for name, text in db.session.execute(
                sa.select(LiveParticipant.nickname, LiveAnswer.response)
                .join(LiveParticipant, LiveParticipant.id == LiveAnswer.participant_id)
                .where(LiveAnswer.session_id == session.id, LiveAnswer.position == position)
                .order_by(LiveAnswer.submitted_at, LiveAnswer.id))]
        return reveal
    for _, correct, score, count in rows:
        key = outcome(correct, score)
        reveal.outcomes[key] = reveal.outcomes.get(key, 0) + count
    if kind == "choices":
        counts = _choice_counts(data, [(response, count) for response, _, _, count in rows])
        right = _right_choices(data)
        order = session.layout[position - 1]["order"]
        for label, value, text in buttons(session, position, data):
            key = value == "true" if data["type"] == "true_false" else order[int(value)]
            reveal.distribution.append((label, text, counts.get(key, 0), key in right))
    elif kind == "typed":
        reveal.common = _typed_groups(data, rows)
    return reveal


def room_view(session: LiveSession, now: dt.datetime | None = None) -> RoomView:
    """Everything the projector shows now."""
    now = now or utcnow()
    participants = list(db.session.scalars(
        sa.select(LiveParticipant).where(LiveParticipant.session_id == session.id).order_by(LiveParticipant.id)))
    answered = db.session.scalar(sa.select(sa.func.count()).select_from(LiveAnswer).where(
        LiveAnswer.session_id == session.id, LiveAnswer.position == session.position)) if session.position else 0
    view = RoomView(session, len(session.layout), participants, answered, remaining_ms(session, now))
    if session.position and session.phase in ("question", "paused", "reveal"):
        view.question = question_data(session, session.position)
        view.order = session.layout[session.position - 1]["order"]
        view.buttons = buttons(session, session.position, view.question)
    if session.phase == "reveal":
        view.reveal = reveal_of(session, session.position, view.question, essays=True)
    if session.phase in ("reveal", "ended"):
        view.leaderboard = leaderboard(session)
    return view


@dataclass
class PhoneView:
    """What one phone shows now: never the right answer or the source before the reveal."""

    session: LiveSession
    participant: LiveParticipant
    total: int
    remaining_ms: int | None
    question: dict | None = None
    order: list = field(default_factory=list)
    #: one tap answers it (big buttons); otherwise the quiz page's own answer widgets
    tap: bool = False
    buttons: list[tuple[str, str, str]] = field(default_factory=list)
    my_answer: LiveAnswer | None = None
    my_choice: str | None = None  # the label of the button pressed
    reveal: Reveal | None = None
    rank: int | None = None
    players: int = 0

    @property
    def stem(self) -> str | None:
        return self.question["stem"] if self.question else None


def phone_view(session: LiveSession, participant: LiveParticipant, now: dt.datetime | None = None) -> PhoneView:
    """The phone's page: the question and its answer form; after the reveal, right or wrong, points and rank."""
    now = now or utcnow()
    view = PhoneView(session, participant, len(session.layout), remaining_ms(session, now))
    if session.position and session.phase in ("question", "paused", "reveal"):
        data = view.question = question_data(session, session.position)
        view.order = session.layout[session.position - 1]["order"]
        view.tap = data["type"] in TAP_TYPES
        view.buttons = buttons(session, session.position, data)
        view.my_answer = db.session.scalar(
            sa.select(LiveAnswer).filter_by(participant_id=participant.id, position=session.position))
        if view.my_answer is not None and view.tap:
            chosen = view.my_answer.response
            for label, value, _ in view.buttons:
                if (value == ("true" if chosen is True else "false") if data["type"] == "true_false"
                        else view.order[int(value)] == chosen):
                    view.my_choice = label
        if session.phase == "reveal":
            view.reveal = reveal_of(session, session.position, data)
    if session.phase in ("reveal", "ended"):
        # two counts, not the whole board: a room of phones reloads at once after the reveal
        in_play = sa.and_(LiveParticipant.session_id == session.id, LiveParticipant.removed_at.is_(None))
        view.players = db.session.scalar(sa.select(sa.func.count()).select_from(LiveParticipant).where(in_play))
        if participant.removed_at is None:
            view.rank = 1 + db.session.scalar(sa.select(sa.func.count()).select_from(LiveParticipant).where(
                in_play, LiveParticipant.score > participant.score))
    return view


# --- the event stream's view: one cheap query for every watched session ------------------

def stream_states(connection: sa.Connection, codes: list[str]) -> dict[str, dict]:
    """Per join code, what every screen of the session needs to know it must change.

    Public by design (anyone with the code may read it): the phase, the
    question's position, the version of the teacher's changes, how many
    answered and joined, and the countdown. No question text, no answer.
    """
    answered = (sa.select(sa.func.count()).select_from(LiveAnswer)
                .where(LiveAnswer.session_id == LiveSession.id, LiveAnswer.position == LiveSession.position)
                .scalar_subquery())
    joined = (sa.select(sa.func.count()).select_from(LiveParticipant)
              .where(LiveParticipant.session_id == LiveSession.id, LiveParticipant.removed_at.is_(None))
              .scalar_subquery())
    rows = connection.execute(
        sa.select(LiveSession.code, LiveSession.version, LiveSession.phase, LiveSession.position,
                  LiveSession.deadline_at, LiveSession.remaining_ms, answered, joined)
        .where(LiveSession.code.in_(codes))
    ).all()
    now = utcnow()
    states = {}
    for code, version, phase, position, deadline, paused_ms, answered_n, joined_n in rows:
        left = paused_ms if phase == "paused" else (
            max(0, int((deadline - now).total_seconds() * 1000)) if phase == "question" and deadline else None)
        states[code] = {"version": version, "phase": phase, "position": position, "answered": answered_n,
                        "joined": joined_n, "remaining_ms": left}
    return states


def state_key(state: dict) -> tuple:
    """What makes a state new for the screens (the countdown alone does not)."""
    return state["version"], state["answered"], state["joined"]


# --- export -------------------------------------------------------------------------------

EXPORT_HEADERS = ["session", "quiz", "run", "nickname", "account", "position", "question", "answer", "correct",
                  "score", "points", "time_taken_s", "submitted_at", "total_score", "rank"]


def export_table(session: LiveSession) -> Table:
    """Every answer of the session, one row each (a participant who answered nothing: one row without an answer)."""
    from quizapp.presentation import describe_response, stem_text

    data = {n: question_data(session, n) for n in range(1, len(session.layout) + 1)}
    ranks = {s.participant_id: s.rank for s in leaderboard(session, limit=None)}
    usernames = dict(db.session.execute(
        sa.select(LiveParticipant.id, User.username).join(User, User.id == LiveParticipant.user_id)
        .where(LiveParticipant.session_id == session.id)).all())
    participants = list(db.session.scalars(
        sa.select(LiveParticipant).where(LiveParticipant.session_id == session.id).order_by(LiveParticipant.id)))
    answers: dict[int, list[LiveAnswer]] = {}
    for answer in db.session.scalars(
        sa.select(LiveAnswer).where(LiveAnswer.session_id == session.id).order_by(LiveAnswer.position)
    ):
        answers.setdefault(answer.participant_id, []).append(answer)

    def rows():
        for p in participants:
            common = (session.code, session.quiz.slug, session.run, p.nickname, usernames.get(p.id, ""))
            tail = (p.score, ranks.get(p.id))
            given = answers.get(p.id, [])
            if not given:
                yield (*common, None, None, None, None, None, None, None, None, *tail)
            for a in given:
                q = data[a.position]
                yield (*common, a.position, stem_text(q), "; ".join(describe_response(q, a.response)), a.correct,
                       a.score, a.points,
                       a.time_taken_ms / 1000.0, a.submitted_at.strftime("%Y-%m-%dT%H:%M:%SZ"), *tail)

    return Table(EXPORT_HEADERS, rows())
