"""Results for teachers: the class gradebook, a learner's attempts, item statistics.

Which attempts count where:

- **Gradebook**: every attempt by a learner on the class roster at a quiz of
  the class; the cell's grade comes from the *finished* ones only, reduced
  with the quiz's grading method (:func:`quizapp.services.grading.final_grade`).
- **Learner's attempts**: every attempt of that learner at that quiz,
  finished or still in progress, with every question it showed.
- **Item statistics**: the *finished* attempts at the quiz by learners
  enrolled in any class of the asking teacher (all of them, not only the
  attempt that makes the grade: Moodle's "all attempts" setting). Nobody
  else's attempts (other teachers' learners, people in no class, teachers
  trying their own quiz) are counted.

Item statistics follow Moodle's quiz statistics report. Every question is
worth 1 mark (an answer's score is the fraction of it earned), so for a
question answered in ``s`` counted attempts with marks ``x`` and, in the
same attempts, rest-of-test marks ``y`` (the attempt's total minus ``x``):

- facility index = 100 · mean(x), the mean mark as a percent of the maximum;
- standard deviation = 100 · sample standard deviation of x (n − 1);
- discrimination index = 100 · Pearson correlation of x and y, i.e.
  100 · Σ(x−x̄)(y−ȳ) / √(Σ(x−x̄)² · Σ(y−ȳ)²); None when s < 2 or either
  spread is zero (everyone scored alike).

A question the attempt showed but the learner left unanswered counts with
mark 0, as the attempt's score does. Descriptions and essays (no automatic
mark) are left out. A quiz that draws questions at random counts each
question over the attempts that showed it.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import (
    Answer, Attempt, Classroom, Enrollment, Question, QuestionVersion, Quiz, QuizQuestion, User,
    quiz_classroom,
)
from quizapp.presentation import describe_response, stem_text
from quizapp.models._common import utcnow
from quizapp.services import marking, ownership, scoring, timing
from quizapp.services.errors import NotFound
from quizapp.services.grading import final_grade

#: thresholds of the flags on the item statistics page (percent)
FACILITY_LOW = 20.0
FACILITY_HIGH = 90.0
DISCRIMINATION_LOW = 20.0
THRESHOLDS = {"facility_low": FACILITY_LOW, "facility_high": FACILITY_HIGH, "discrimination_low": DISCRIMINATION_LOW}
#: how many distinct responses to list for questions without choices
TOP_RESPONSES = 5

CHOICE_TYPES = ("multiple_choice", "multiple_response", "true_false")


# --- gradebook ------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    """One learner's result at one quiz."""

    grade: float | None  # percent by the quiz's grading method; None: nothing finished
    finished: int  # finished attempts
    in_progress: int  # attempts not finished yet
    to_mark: int = 0  # essays of finished attempts waiting for a teacher's mark
    live: int = 0  # finished attempts taken in a live session (issue 20), counted in ``finished`` too

    @property
    def attempts(self) -> int:
        return self.finished + self.in_progress


EMPTY_CELL = Cell(None, 0, 0)


@dataclass(frozen=True)
class Gradebook:
    classroom: Classroom
    learners: list[User]
    quizzes: list[Quiz]
    cells: dict[tuple[int, int], Cell]  # (user id, quiz id) -> cell
    #: the quizzes the asking teacher teaches (owner or co-teacher): they may mark their essays
    markable: set[int] = field(default_factory=set)

    def cell(self, user_id: int, quiz_id: int) -> Cell:
        return self.cells.get((user_id, quiz_id), EMPTY_CELL)

    def quiz_to_mark(self, quiz_id: int) -> int:
        """Essays of the class's learners waiting for a mark in this quiz."""
        return sum(c.to_mark for (_, q), c in self.cells.items() if q == quiz_id)

    def quiz_average(self, quiz_id: int) -> float | None:
        """The mean final grade of the learners who have one."""
        grades = [c.grade for (_, q), c in self.cells.items() if q == quiz_id and c.grade is not None]
        return sum(grades) / len(grades) if grades else None


def _get_class(classroom_id: int) -> Classroom:
    classroom = db.session.get(Classroom, classroom_id)
    if classroom is None:
        raise NotFound("There is no such class.")
    return classroom


def _enrolled(classroom_id: int):
    return sa.select(Enrollment.user_id).where(Enrollment.classroom_id == classroom_id)


def _class_quizzes_clause(classroom_id: int):
    """Quizzes assigned to the class, or open to everyone (in no class) and finished by one of its learners."""
    assigned = sa.select(quiz_classroom.c.quiz_id).where(quiz_classroom.c.classroom_id == classroom_id)
    in_any_class = sa.exists().where(quiz_classroom.c.quiz_id == Quiz.id)
    finished_here = sa.exists().where(
        Attempt.quiz_id == Quiz.id,
        Attempt.finished_at.is_not(None),
        Attempt.user_id.in_(_enrolled(classroom_id)),
    )
    return sa.or_(Quiz.id.in_(assigned), sa.and_(~in_any_class, finished_here))


def gradebook(classroom_id: int, teacher_id: int | None = None) -> Gradebook:
    """The class's learners × quizzes grid of final grades and attempt counts.

    Columns are the quizzes assigned to the class, then the quizzes open to
    everyone (bank quizzes and teacher quizzes in no class) that at least one
    learner of the class finished. Four queries whatever the class size.

    :param classroom_id: the class; the caller checks that it is the teacher's
        own (:func:`quizapp.services.classes.get_own_class`).
    :param teacher_id: the asking teacher: the quizzes they teach link to their marking queue.
    :raises NotFound: when there is no such class.
    """
    from quizapp.services.classes import roster

    timing.close_overdue(utcnow())  # attempts left open past a quiz's close count as submitted
    classroom = _get_class(classroom_id)
    learners = roster(classroom_id)
    assigned = sa.select(quiz_classroom.c.quiz_id).where(quiz_classroom.c.classroom_id == classroom_id)
    quizzes = list(
        db.session.scalars(
            sa.select(Quiz)
            .where(_class_quizzes_clause(classroom_id))
            .order_by(sa.case((Quiz.id.in_(assigned), 0), else_=1), Quiz.article_id, Quiz.position, Quiz.id)
        )
    )
    by_cell: dict[tuple[int, int], list[Attempt]] = defaultdict(list)
    if learners and quizzes:
        for attempt in db.session.scalars(
            sa.select(Attempt).where(
                Attempt.user_id.in_([u.id for u in learners]), Attempt.quiz_id.in_([q.id for q in quizzes])
            )
        ):
            by_cell[(attempt.user_id, attempt.quiz_id)].append(attempt)
    to_mark = marking.waiting_counts(sa.and_(
        Attempt.user_id.in_([u.id for u in learners]), Attempt.quiz_id.in_([q.id for q in quizzes])
    )) if learners and quizzes else {}
    methods = {q.id: q.grading_method for q in quizzes}
    cells = {
        key: Cell(
            final_grade(group, methods[key[1]]),
            sum(1 for a in group if a.finished_at is not None),
            sum(1 for a in group if a.finished_at is None),
            to_mark.get(key, 0),
            sum(1 for a in group if a.finished_at is not None and a.live_session_id is not None),
        )
        for key, group in by_cell.items()
    }
    marked_by = set(db.session.scalars(
        sa.select(Quiz.id).where(Quiz.id.in_([q.id for q in quizzes]), ownership.taught_quizzes_clause(teacher_id))
    )) if teacher_id is not None and quizzes else set()
    return Gradebook(classroom, learners, quizzes, cells, marked_by)


# --- one learner's attempts -----------------------------------------------

@dataclass(frozen=True)
class AnswerRow:
    """One question of an attempt as the teacher reviews it."""

    position: int
    stem: str
    type: str
    given: list[str]  # the response as readable lines; empty when unanswered
    correct_answer: list[str]
    score: float | None  # fraction of the question's mark; None: unanswered or waiting for a mark
    correct: bool
    answered: bool


@dataclass(frozen=True)
class AttemptReview:
    attempt: Attempt
    number: int  # 1 for the learner's first attempt at the quiz
    rows: list[AnswerRow]


@dataclass(frozen=True)
class LearnerAttempts:
    classroom: Classroom
    learner: User
    quiz: Quiz
    grade: float | None
    attempts: list[AttemptReview]


def learner_attempts(classroom_id: int, user_id: int, quiz_id: int) -> LearnerAttempts:
    """Every attempt of a class's learner at a quiz of the class, with every answer.

    Each row shows the question as the learner saw it (the version fixed in
    the attempt), the answer given, the correct answer and the score. Three
    queries for the attempts, their answers and the versions shown.

    :param classroom_id: the class; the caller checks that it is the teacher's own.
    :raises NotFound: when the class or the quiz does not exist, the user is
        not enrolled in the class, or the quiz is not one of the class's
        gradebook quizzes.
    """
    timing.close_overdue(utcnow(), user_id=user_id, quiz_id=quiz_id)
    classroom = _get_class(classroom_id)
    enrollment = db.session.scalar(sa.select(Enrollment).filter_by(classroom_id=classroom_id, user_id=user_id))
    if enrollment is None:
        raise NotFound("This learner is not in this class.")
    quiz = db.session.scalar(sa.select(Quiz).where(Quiz.id == quiz_id, _class_quizzes_clause(classroom_id)))
    if quiz is None:
        raise NotFound("This class has no such quiz.")
    attempts = list(
        db.session.scalars(
            sa.select(Attempt).filter_by(user_id=user_id, quiz_id=quiz_id).order_by(Attempt.started_at, Attempt.id)
        )
    )
    answers = _answers_by_attempt([a.id for a in attempts])
    version_ids = {entry["version"] for a in attempts for entry in a.layout}
    version_ids |= {ans.version_id for group in answers.values() for ans in group.values()}
    versions = _versions(version_ids)
    reviews = []
    for number, attempt in enumerate(attempts, 1):
        given = answers.get(attempt.id, {})
        rows = []
        for position, entry in enumerate(attempt.layout, 1):
            answer = given.get(entry["question"])
            data = versions[answer.version_id if answer else entry["version"]].data
            rows.append(
                AnswerRow(
                    position=position,
                    stem=stem_text(data),
                    type=data["type"],
                    given=_describe(data, answer.response) if answer else [],
                    correct_answer=scoring.correct_answer(data),
                    score=answer.score if answer else None,
                    correct=bool(answer and answer.correct),
                    answered=answer is not None,
                )
            )
        reviews.append(AttemptReview(attempt, number, rows))
    learner = enrollment.user
    return LearnerAttempts(classroom, learner, quiz, final_grade(attempts, quiz.grading_method), reviews)


def _describe(data: dict, response) -> list[str]:
    try:
        return describe_response(data, response)
    except (IndexError, KeyError, TypeError):  # a response that no longer fits its version
        return [repr(response)]


def _answers_by_attempt(attempt_ids: list[int]) -> dict[int, dict[int, Answer]]:
    """attempt id -> question id -> answer, in one query."""
    found: dict[int, dict[int, Answer]] = defaultdict(dict)
    if attempt_ids:
        for answer in db.session.scalars(sa.select(Answer).where(Answer.attempt_id.in_(attempt_ids))):
            found[answer.attempt_id][answer.question_id] = answer
    return found


def _versions(version_ids: set[int]) -> dict[int, QuestionVersion]:
    if not version_ids:
        return {}
    return {v.id: v for v in db.session.scalars(sa.select(QuestionVersion).where(QuestionVersion.id.in_(version_ids)))}


# --- item statistics ------------------------------------------------------

@dataclass(frozen=True)
class ChoiceStat:
    text: str
    count: int
    percent: float | None  # of the responses to the question
    correct: bool

    @property
    def unused_distractor(self) -> bool:
        return not self.correct and self.count == 0


@dataclass(frozen=True)
class ResponseStat:
    text: str
    count: int
    percent: float | None
    correct: bool


@dataclass(frozen=True)
class GapStat:
    """One gap of a cloze question: its facility over the attempts that showed the question."""

    number: int  # 1-based
    type: str
    mark: int
    responses: int  # answers that filled this gap
    facility: float | None  # 100 · mean gap score (a gap left blank, or the question unanswered, scores 0)
    right_answer: str


@dataclass
class ItemStats:
    question_id: int
    position: int
    stem: str
    type: str
    attempts: int = 0  # counted attempts that showed the question
    responses: int = 0  # of those, how many answered it
    facility: float | None = None
    sd: float | None = None
    discrimination: float | None = None
    choices: list[ChoiceStat] = field(default_factory=list)
    top_responses: list[ResponseStat] = field(default_factory=list)
    other_responses: int = 0  # responses beyond the listed top ones
    gaps: list[GapStat] = field(default_factory=list)  # a cloze question's gaps

    @property
    def too_hard(self) -> bool:
        return self.facility is not None and self.facility < FACILITY_LOW

    @property
    def too_easy(self) -> bool:
        return self.facility is not None and self.facility > FACILITY_HIGH

    @property
    def weak_discrimination(self) -> bool:
        return self.discrimination is not None and self.discrimination < DISCRIMINATION_LOW

    @property
    def unused_distractors(self) -> list[ChoiceStat]:
        return [c for c in self.choices if c.unused_distractor] if self.responses else []

    @property
    def flagged(self) -> bool:
        return self.too_hard or self.too_easy or self.weak_discrimination or bool(self.unused_distractors)


@dataclass(frozen=True)
class QuizStatistics:
    quiz: Quiz
    attempts: int  # finished attempts counted
    learners: int  # distinct learners behind them
    items: list[ItemStats]


def visible_quiz(quiz_id: int, teacher_id: int) -> Quiz:
    """A quiz whose statistics this teacher may read.

    That is a bank quiz, a quiz the teacher built or co-teaches, a quiz
    assigned to one of the classes they teach, or a published quiz in no
    class (open to everyone).

    :raises NotFound: for any other quiz, or none.
    """
    quiz = db.session.get(Quiz, quiz_id)
    if quiz is None:
        raise NotFound("There is no such quiz.")
    if quiz.origin == "bank":
        return quiz
    class_ids = [c.id for c in quiz.classrooms]
    if not class_ids and quiz.is_published:
        return quiz
    if ownership.sees_quiz(quiz, teacher_id):
        return quiz
    raise NotFound("There is no such quiz.")


def _teacher_learners(teacher_id: int, quiz: Quiz):
    """Learners of the classes the teacher teaches, and (for the quiz's own teachers) of the quiz's classes."""
    class_ids = ownership.taught_class_ids(teacher_id)
    if ownership.teaches_quiz(quiz, teacher_id):
        class_ids = class_ids.union(sa.select(quiz_classroom.c.classroom_id).where(quiz_classroom.c.quiz_id == quiz.id))
    return sa.select(Enrollment.user_id).where(Enrollment.classroom_id.in_(class_ids))


def item_statistics(quiz_id: int, teacher_id: int) -> QuizStatistics:
    """Facility, spread, discrimination and response frequencies per question of a quiz.

    Counts the finished attempts at the quiz by learners enrolled in any of
    the classes this teacher teaches, or, for a teacher or co-teacher of the
    quiz, in a class it is given to (see the module docstring for the definitions).
    Questions come in the quiz's order, then any question that counted
    attempts showed but the quiz no longer holds. A fixed handful of
    queries, whatever the number of attempts.

    :raises NotFound: when the teacher may not see this quiz (:func:`visible_quiz`).
    """
    quiz = visible_quiz(quiz_id, teacher_id)
    timing.close_overdue(utcnow(), quiz_id=quiz.id)
    attempts = list(
        db.session.scalars(
            sa.select(Attempt)
            .where(
                Attempt.quiz_id == quiz.id,
                Attempt.finished_at.is_not(None),
                Attempt.user_id.in_(_teacher_learners(teacher_id, quiz)),
            )
            .order_by(Attempt.id)
        )
    )
    answers = _answers_by_attempt([a.id for a in attempts])
    entries = db.session.execute(
        sa.select(QuizQuestion.question_id, Question.current_version_id)
        .join(Question, Question.id == QuizQuestion.question_id)
        .where(QuizQuestion.quiz_id == quiz.id)
        .order_by(QuizQuestion.position)
    ).all()
    in_quiz = {qid for qid, _ in entries}
    order = [qid for qid, _ in entries]
    # a question is listed as its current version, or (gone from the quiz) as the newest version shown
    reference: dict[int, int] = {qid: vid for qid, vid in entries if vid is not None}
    for attempt in attempts:
        for entry in attempt.layout:
            qid = entry["question"]
            if qid not in in_quiz:
                if qid not in reference:
                    order.append(qid)
                reference[qid] = max(reference.get(qid, 0), entry["version"])
    version_ids = set(reference.values()) | {e["version"] for a in attempts for e in a.layout}
    version_ids |= {ans.version_id for group in answers.values() for ans in group.values()}
    versions = _versions(version_ids)

    marks: dict[int, list[tuple[int, float]]] = defaultdict(list)  # question -> [(attempt id, mark)]
    given: dict[int, list[tuple[Answer, dict]]] = defaultdict(list)  # question -> [(answer, version data)]
    gap_scores: dict[int, list[list[scoring.GapGrade] | None]] = defaultdict(list)  # cloze: per attempt
    totals: dict[int, float] = {}
    for attempt in attempts:
        got = answers.get(attempt.id, {})
        totals[attempt.id] = sum(a.score for a in got.values() if a.score is not None)
        for entry in attempt.layout:
            qid = entry["question"]
            answer = got.get(qid)
            data = versions[answer.version_id if answer else entry["version"]].data
            if not scoring.is_graded(data):
                continue
            if data["type"] == "cloze":
                gap_scores[qid].append(_graded_gaps(data, answer))
            if answer is None:
                marks[qid].append((attempt.id, 0.0))
                continue
            given[qid].append((answer, data))
            if answer.score is not None:
                marks[qid].append((attempt.id, answer.score))

    items = []
    for qid in order:
        if qid not in reference:
            continue
        data = versions[reference[qid]].data
        if not scoring.is_graded(data):
            continue  # descriptions and essays carry no automatic mark
        item = ItemStats(qid, len(items) + 1, stem_text(data), data["type"])
        x = [m for _, m in marks.get(qid, [])]
        y = [totals[aid] - m for aid, m in marks.get(qid, [])]
        item.attempts = len(x)
        item.responses = len(given.get(qid, []))
        item.facility, item.sd, item.discrimination = _facility_sd_discrimination(x, y)
        if data["type"] == "cloze":
            item.gaps = _gap_stats(data, gap_scores.get(qid, []))
        if data["type"] in CHOICE_TYPES:
            item.choices = _choice_stats(data, given.get(qid, []))
        else:
            item.top_responses, item.other_responses = _top_responses(given.get(qid, []))
        items.append(item)
    return QuizStatistics(quiz, len(attempts), len({a.user_id for a in attempts}), items)


def _graded_gaps(data: dict, answer: Answer | None) -> list[scoring.GapGrade] | None:
    """Each gap of a cloze answer graded (None: not answered, or not gradable any more)."""
    if answer is None:
        return None
    try:
        return scoring.grade_gaps(data, scoring.check_response(data, answer.response))
    except scoring.InvalidResponse:
        return None


def _gap_stats(reference: dict, rows: list[list[scoring.GapGrade] | None]) -> list[GapStat]:
    """Facility per gap, over the attempts that showed the question (answers to a version with
    other gaps are left out)."""
    gaps = reference["gaps"]
    rows = [row for row in rows if row is None or len(row) == len(gaps)]
    stats = []
    for index, gap in enumerate(gaps):
        scores = [row[index].score if row else 0.0 for row in rows]
        stats.append(GapStat(
            number=index + 1, type=gap["type"], mark=gap.get("mark", 1),
            responses=sum(1 for row in rows if row and row[index].answered),
            facility=100.0 * sum(scores) / len(scores) if scores else None,
            right_answer="; ".join(scoring.correct_answer(gap)),
        ))
    return stats


def _facility_sd_discrimination(x: list[float], y: list[float]) -> tuple[float | None, float | None, float | None]:
    """Moodle's facility index, standard deviation and discrimination index, in percent."""
    n = len(x)
    if n == 0:
        return None, None, None
    mean_x = sum(x) / n
    facility = 100.0 * mean_x
    if n < 2:
        return facility, None, None
    mean_y = sum(y) / n
    sxx = sum((a - mean_x) ** 2 for a in x)
    syy = sum((b - mean_y) ** 2 for b in y)
    sxy = sum((a - mean_x) * (b - mean_y) for a, b in zip(x, y))
    sd = 100.0 * math.sqrt(sxx / (n - 1))
    eps = 1e-12
    discrimination = 100.0 * sxy / math.sqrt(sxx * syy) if sxx > eps and syy > eps else None
    return facility, sd, discrimination


def _choice_texts(data: dict) -> list[tuple[str, bool]]:
    """(text, correct) for every choice a choice question offers, in canonical order."""
    if data["type"] == "true_false":
        return [("True", data["answer"] is True), ("False", data["answer"] is False)]
    choices = data["choices"]
    if data["type"] == "multiple_choice":
        best = max(float(c.get("weight", 0)) for c in choices)
        return [(c["text"], float(c.get("weight", 0)) >= best and best > 0) for c in choices]
    return [(c["text"], float(c.get("weight", 0)) > 0) for c in choices]


def _picked(data: dict, response) -> list[str]:
    """The texts of the choices a response picked, looked up in the version answered."""
    if data["type"] == "true_false":
        return ["True" if response else "False"]
    indexes = [response] if data["type"] == "multiple_choice" else list(response or [])
    choices = data["choices"]
    return [choices[i]["text"] for i in indexes if isinstance(i, int) and 0 <= i < len(choices)]


def _choice_stats(reference: dict, given: list[tuple[Answer, dict]]) -> list[ChoiceStat]:
    """How often each choice was picked; choices of older versions answered come after the reference's."""
    offered: dict[str, bool] = dict(_choice_texts(reference))
    counts: Counter[str] = Counter()
    for answer, data in given:
        for text, correct in _choice_texts(data):
            offered.setdefault(text, correct)
        counts.update(_picked(data, answer.response))
    total = len(given)
    return [
        ChoiceStat(text, counts[text], 100.0 * counts[text] / total if total else None, correct)
        for text, correct in offered.items()
    ]


def _response_key(data: dict, response) -> tuple[str, str]:
    """(grouping key, display text) for a response without choices."""
    lines = _describe(data, response)
    text = "; ".join(lines)
    if data["type"] == "short_answer":  # grouped as the grader compares them (case and spacing, as Moodle)
        return scoring.moodle_text(str(response), bool(data.get("usecase"))), text
    return text, text


def _top_responses(given: list[tuple[Answer, dict]]) -> tuple[list[ResponseStat], int]:
    """The most frequent responses (short answers grouped as the grader compares them)."""
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    correct: dict[str, bool] = {}
    for answer, data in given:
        key, text = _response_key(data, answer.response)
        counts[key] += 1
        spellings[key][text] += 1
        correct[key] = correct.get(key, False) or answer.correct
    total = len(given)
    top = [
        ResponseStat(spellings[key].most_common(1)[0][0], n, 100.0 * n / total, correct[key])
        for key, n in counts.most_common(TOP_RESPONSES)
    ]
    return top, total - sum(r.count for r in top)
