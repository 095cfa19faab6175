"""Live sessions (issue 20): a teacher runs a quiz in class and every phone follows it.

The session's whole state is in the database (:mod:`quizapp.models.live`):
the current question, its phase, the server's deadline, the participants
and their answers. The server decides everything a phone could cheat on:
the countdown's end (an answer after it is refused), the score, and what a
phone may see (:func:`phone_view` carries no right answer and no source
sentence before the teacher reveals the question).

Answers of learners who joined with their account are also recorded in an
:class:`~quizapp.models.Attempt` of the quiz (``live_session_id`` set) through
:func:`quizapp.services.attempts.record_answer`: graded by the same scoring,
reviewed by the same FSRS scheduler, counted by progress and the gradebook.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from quizapp.extensions import db
from quizapp.generator import quoted_source
from quizapp.models import Attempt, LiveAnswer, LiveParticipant, LiveSession, QuestionVersion, Quiz, User
from quizapp.models._common import utcnow
from quizapp.services import attempts, ownership, scoring, timing
from quizapp.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from quizapp.services.exports import Table

#: question types a room can answer by pressing one button on a phone
SUPPORTED_TYPES = ("multiple_choice", "true_false")
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


def live_layout(quiz: Quiz, rng) -> tuple[list[dict], int]:
    """The quiz's published questions a room can answer, in quiz order, choices in a shown order;
    and how many questions of other types were left out."""
    rows = attempts.published_questions(quiz)
    layout = []
    for question_id, version in rows:
        if version.data["type"] not in SUPPORTED_TYPES:
            continue
        order = list(range(len(version.data.get("choices", []))))
        if version.data["type"] == "multiple_choice":
            rng.shuffle(order)  # the bank's own order could tell the right choice apart
        layout.append({"question": question_id, "version": version.id, "order": order})
    return layout, len(rows) - len(layout)


def start_session(quiz: Quiz, teacher_id: int, seconds: int) -> LiveSession:
    """A new session of ``quiz`` in its lobby, with a fresh join code.

    :raises InvalidInput: for a countdown not offered, or a quiz without a question a room can answer.
    """
    if seconds not in SECONDS_CHOICES:
        raise InvalidInput(f"Choose {', '.join(map(str, SECONDS_CHOICES))} seconds per question.", where="seconds")
    layout, _ = live_layout(quiz, timing.keyed_random("live", quiz.id, secrets.token_hex(8)))
    if not layout:
        raise InvalidInput("This quiz has no multiple-choice or true/false question a room can answer live.")
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
    question; after the last one it ends the session); ``pause`` and
    ``resume`` stop and restart the countdown; ``skip`` leaves the question
    without revealing it (it gives no points); ``reveal`` closes the question,
    gives the points and shows the answer; ``end`` ends the session and
    submits the live attempts of account holders.

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
            session.phase = "question"
            session.deadline_at = now + dt.timedelta(seconds=session.seconds_per_question)
            session.remaining_ms = None
    else:
        _end(session, now)
    session.phase_started_at = now
    db.session.commit()
    if session.phase == "ended":
        finish_live_attempts(session)
    return session


def _end(session: LiveSession, now: dt.datetime) -> None:
    session.phase = "ended"
    session.ended_at = now
    session.deadline_at = None
    session.remaining_ms = None


def finish_live_attempts(session: LiveSession) -> None:
    """Submit every account holder's live attempt of the session (idempotent)."""
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


def _give_points(session: LiveSession) -> None:
    """Points of the current question (under the session's lock): speed, then streak; no answer ends a streak."""
    answers = {a.participant_id: a for a in db.session.scalars(
        sa.select(LiveAnswer).where(LiveAnswer.session_id == session.id, LiveAnswer.position == session.position))}
    for participant in db.session.scalars(
        sa.select(LiveParticipant).where(LiveParticipant.session_id == session.id)
    ):
        answer = answers.get(participant.id)
        if answer is None or not answer.correct:
            participant.streak = 0
            if answer is not None:
                answer.points = 0
            continue
        participant.streak += 1
        answer.points = speed_points(answer.time_taken_ms, session.seconds_per_question) + streak_bonus(participant.streak)
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
    db.session.commit()
    return participant


# --- answering ------------------------------------------------------------------------

def question_data(session: LiveSession, position: int) -> dict:
    entry = session.layout[position - 1]
    return db.session.get(QuestionVersion, entry["version"]).data


def response_from_choice(session: LiveSession, position: int, choice: str) -> Any:
    """The response (scoring's shape) for the button pressed: a shown position, or true/false.

    :raises InvalidInput: a value that is no button of this question.
    """
    data = question_data(session, position)
    if data["type"] == "true_false":
        if choice not in ("true", "false"):
            raise InvalidInput("Choose True or False.", where="choice")
        return choice == "true"
    order = session.layout[position - 1]["order"]
    if not choice.isdigit() or int(choice) >= len(order):
        raise InvalidInput("Choose one of the answers.", where="choice")
    return order[int(choice)]


def submit_answer(session: LiveSession, participant: LiveParticipant, position: int, choice: str,
                  now: dt.datetime | None = None) -> LiveAnswer:
    """Store the participant's answer to the question on the screens; commits.

    The first answer counts (a second is refused). Its time is measured by
    the server from the question's start, pauses left out.

    :raises Forbidden: the teacher removed the participant.
    :raises Conflict: another question is on, the question is closed or paused, or time is up.
    :raises InvalidInput: not a button of the question.
    """
    now = now or utcnow()
    if participant.removed_at is not None:
        raise Forbidden("The teacher removed you from this session.")
    response = response_from_choice(session, position, choice)
    _lock(session, bump=False)
    if session.phase != "question" or session.position != position:
        db.session.rollback()
        raise Conflict("This question is closed; your answer was not recorded.")
    if now > session.deadline_at + LATE_GRACE:
        db.session.rollback()
        raise Conflict("Time was up; your answer was not recorded.")
    data = question_data(session, position)
    grade = scoring.grade(data, response)
    limit_ms = session.seconds_per_question * 1000
    left_ms = max(0, int((session.deadline_at - now).total_seconds() * 1000))
    answer = LiveAnswer(session_id=session.id, participant_id=participant.id, position=position, response=response,
                        correct=grade.correct, points=None, time_taken_ms=max(0, limit_ms - left_ms), submitted_at=now)
    db.session.add(answer)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("You have answered this question already.") from None
    attempt = db.session.get(Attempt, participant.attempt_id) if participant.attempt_id else None
    if attempt is not None and attempt.finished_at is None:
        try:  # commits the live answer with the attempt's answer and its FSRS review
            attempts.record_answer(attempt, position, response, time_taken_ms=answer.time_taken_ms, now=now)
        except Conflict:  # the quiz itself closed meanwhile: the live answer still counts in the room
            db.session.add(answer)
            db.session.commit()
    else:
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


@dataclass
class Reveal:
    """What the room sees once a question is revealed."""

    correct_answer: list[str]
    #: (label, text, count, right) per button, in shown order
    distribution: list[tuple[str, str, int, bool]]
    source: dict | None
    fact: dict | None


@dataclass
class RoomView:
    """The projector's view of a session (the teacher's screen)."""

    session: LiveSession
    total: int
    participants: list[LiveParticipant]
    answered: int
    remaining_ms: int | None
    question: dict | None = None
    buttons: list[tuple[str, str, str]] = field(default_factory=list)  # (label, value, text)
    reveal: Reveal | None = None
    leaderboard: list[Standing] = field(default_factory=list)


LABELS = "ABCDEFGHIJ"


def buttons(session: LiveSession, position: int, data: dict) -> list[tuple[str, str, str]]:
    """The answer buttons as (label, form value, text), in the session's shown order."""
    if data["type"] == "true_false":
        return [("A", "true", "True"), ("B", "false", "False")]
    order = session.layout[position - 1]["order"]
    return [(LABELS[k], str(k), data["choices"][index]["text"]) for k, index in enumerate(order)]


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


def reveal_of(session: LiveSession, position: int, data: dict) -> Reveal:
    counts: dict[str, int] = {}
    for response, count in db.session.execute(
        sa.select(sa.cast(LiveAnswer.response, sa.Text), sa.func.count())
        .where(LiveAnswer.session_id == session.id, LiveAnswer.position == position)
        .group_by(sa.cast(LiveAnswer.response, sa.Text))
    ):
        counts[str(response).strip().lower()] = count
    right = scoring.correct_answer(data)
    rows = []
    for label, value, text in buttons(session, position, data):
        key = value if data["type"] == "true_false" else str(session.layout[position - 1]["order"][int(value)])
        rows.append((label, text, counts.get(key, 0), text in right))
    return Reveal(right, rows, quoted_source(data), data.get("fact"))


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
        view.buttons = buttons(session, session.position, view.question)
    if session.phase == "reveal":
        view.reveal = reveal_of(session, session.position, view.question)
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
    stem: str | None = None
    buttons: list[tuple[str, str, str]] = field(default_factory=list)
    my_answer: LiveAnswer | None = None
    my_choice: str | None = None  # the label of the button pressed
    reveal: Reveal | None = None
    rank: int | None = None
    players: int = 0


def phone_view(session: LiveSession, participant: LiveParticipant, now: dt.datetime | None = None) -> PhoneView:
    """The phone's page: the question and its buttons; after the reveal, right or wrong, points and rank."""
    now = now or utcnow()
    view = PhoneView(session, participant, len(session.layout), remaining_ms(session, now))
    if session.position and session.phase in ("question", "paused", "reveal"):
        data = question_data(session, session.position)
        view.stem = data["stem"]
        view.buttons = buttons(session, session.position, data)
        view.my_answer = db.session.scalar(
            sa.select(LiveAnswer).filter_by(participant_id=participant.id, position=session.position))
        if view.my_answer is not None:
            chosen = view.my_answer.response
            for label, value, _ in view.buttons:
                if (value == ("true" if chosen is True else "false") if data["type"] == "true_false"
                        else session.layout[session.position - 1]["order"][int(value)] == chosen):
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
                  "points", "time_taken_s", "submitted_at", "total_score", "rank"]


def export_table(session: LiveSession) -> Table:
    """Every answer of the session, one row each (a participant who answered nothing: one row without an answer)."""
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
                yield (*common, None, None, None, None, None, None, None, *tail)
            for a in given:
                q = data[a.position]
                yield (*common, a.position, q["stem"], _describe(q, a.response), a.correct, a.points,
                       a.time_taken_ms / 1000.0, a.submitted_at.strftime("%Y-%m-%dT%H:%M:%SZ"), *tail)

    return Table(EXPORT_HEADERS, rows())


def _describe(data: dict, response: Any) -> str:
    if data["type"] == "true_false":
        return "True" if response else "False"
    try:
        return data["choices"][int(response)]["text"]
    except (IndexError, TypeError, ValueError):
        return str(response)
