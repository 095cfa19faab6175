"""Score exports: the gradebook and every response, as streamed rows.

Two tables, each a :class:`Table` of headers and a *generator* of rows that
reads the database in batches (``yield_per``: a server-side cursor on
PostgreSQL, SQLite's stepping cursor otherwise) and selects plain columns,
never ORM objects, so memory stays flat however many rows there are. The
writers in :mod:`quizapp.formats.tables` turn them into CSV, XLSX or JSON
lines.

- **Gradebook** (:func:`gradebook_rows`): one row per learner, one column per
  quiz; a cell is the learner's final grade in percent by the quiz's grading
  method (:func:`quizapp.services.grading.final_grade`: highest, latest or
  average of the *finished* attempts), blank when nothing is finished.
- **Responses** (:func:`response_rows`): one row per recorded answer.

Who is in an export (:class:`ExportFilters`):

- a class (``classroom``): the learners enrolled in it; its quizzes are those
  assigned to it and those open to everyone (in no class);
- a teacher (``teacher_id``): only learners of the teacher's own classes,
  and only quizzes assigned to those classes or open to everyone, so a
  learner's work for another teacher's class never shows; a class that is
  not the teacher's is reported as missing;
- a learner (``learner_id``): their own history; right/wrong and scores of
  an answer are left blank until the quiz's feedback timing shows them;
- nobody (the command line): everyone.

``since``/``until`` are inclusive dates (UTC): responses by their
``submitted_at``, the gradebook by the attempts' ``finished_at``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.files import replacing
from quizapp.formats import tables
from quizapp.models import (
    Answer, Attempt, Classroom, Enrollment, Question, QuestionVersion, Quiz, User, quiz_classroom,
)
from quizapp.models._common import utcnow
from quizapp.presentation import describe_response
from quizapp.services import ownership, timing
from quizapp.services.errors import InvalidInput, NotFound
from quizapp.services.grading import final_grade

KINDS = ("gradebook", "responses")
#: rows fetched from the database per batch
BATCH_SIZE = 2000
#: distinct (version, response) descriptions kept while streaming
_DESCRIPTION_CACHE = 20_000

RESPONSE_HEADERS = [
    "learner", "classes", "quiz", "attempt", "question", "version", "type",
    "answer", "correct", "score", "time_taken_s", "submitted_at",
]


class Table(NamedTuple):
    """Column names and a generator of rows (tuples, in the same order)."""

    headers: list[str]
    rows: Iterator[tuple[Any, ...]]


@dataclass(frozen=True)
class ExportFilters:
    """What to export and for whom; every field is optional.

    :param quiz: a quiz slug.
    :param classroom: a class id or join code.
    :param since: first day (inclusive, UTC).
    :param until: last day (inclusive, UTC).
    :param teacher_id: limit to this teacher's classes (web exports by teachers).
    :param learner_id: limit to this learner's own history.
    """

    quiz: str | None = None
    classroom: int | str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    teacher_id: int | None = None
    learner_id: int | None = None


def parse_date(text: str | None, where: str) -> dt.date | None:
    """An ISO date (``YYYY-MM-DD``) from user input; empty means none.

    :raises InvalidInput: naming ``where`` when the text is not such a date.
    """
    if text is None or not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"“{text}” is not a date; write it as YYYY-MM-DD.", where=where) from None


def export_table(kind: str, filters: ExportFilters) -> Table:
    """The ``"gradebook"`` or ``"responses"`` table for ``filters``.

    :raises InvalidInput: for an unknown kind or bad filters.
    :raises NotFound: for a quiz or class that does not exist (or is not the teacher's).
    """
    if kind == "gradebook":
        return gradebook_rows(filters)
    if kind == "responses":
        return response_rows(filters)
    raise InvalidInput(f"Unknown export “{kind}”; choose {' or '.join(KINDS)}.", where="kind")


def write_file(path: str | os.PathLike, fmt: str, table: Table, *, excel: bool = False) -> int:
    """Write ``table`` to the file ``path`` as CSV, XLSX or JSON lines, whole or not at all.

    :returns: the number of rows written.
    """
    with replacing(path) as tmp:
        if fmt == "xlsx":
            return tables.write_xlsx(tmp, table.headers, table.rows)
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            if fmt == "csv":
                return tables.write_csv(handle, table.headers, table.rows, excel=excel)
            return tables.write_jsonl(handle, table.headers, table.rows)


# --- scope ------------------------------------------------------------------

@dataclass(frozen=True)
class _Scope:
    quiz: Quiz | None
    class_ids: list[int] | None  # None: every class
    learner_id: int | None
    start: dt.datetime | None
    end: dt.datetime | None  # exclusive

    def learners_clause(self, user_id):
        """``user_id`` is a learner in scope."""
        if self.learner_id is not None:
            return user_id == self.learner_id
        if self.class_ids is not None:
            return user_id.in_(sa.select(Enrollment.user_id).where(Enrollment.classroom_id.in_(self.class_ids)))
        return sa.true()

    def quizzes_clause(self, quiz_id):
        """``quiz_id`` is a quiz whose results the scope may see."""
        clause = sa.true() if self.quiz is None else quiz_id == self.quiz.id
        if self.class_ids is not None:
            assigned = sa.select(quiz_classroom.c.quiz_id).where(quiz_classroom.c.classroom_id.in_(self.class_ids))
            in_any_class = sa.exists().where(quiz_classroom.c.quiz_id == quiz_id)
            clause = sa.and_(clause, sa.or_(quiz_id.in_(assigned), ~in_any_class))
        return clause

    def period_clause(self, column):
        clauses = []
        if self.start is not None:
            clauses.append(column >= self.start)
        if self.end is not None:
            clauses.append(column < self.end)
        return sa.and_(sa.true(), *clauses)


def _scope(filters: ExportFilters) -> _Scope:
    """Resolve and check the filters before any row is produced."""
    quiz = None
    if filters.quiz:
        quiz = db.session.scalar(sa.select(Quiz).filter_by(slug=filters.quiz.strip()))
        if quiz is None:
            raise NotFound(f"No quiz has the slug “{filters.quiz}”.", where="quiz")
    class_ids = None
    if filters.classroom is not None and str(filters.classroom).strip():
        classroom = _find_class(filters.classroom)
        if classroom is None or (filters.teacher_id is not None
                                 and not ownership.teaches_class(classroom, filters.teacher_id)):
            raise NotFound(f"There is no class “{filters.classroom}”.", where="class")
        class_ids = [classroom.id]
    elif filters.teacher_id is not None:
        class_ids = list(db.session.scalars(ownership.taught_class_ids(filters.teacher_id)))
    if filters.since and filters.until and filters.since > filters.until:
        raise InvalidInput(f"The period starts ({filters.since}) after it ends ({filters.until}).", where="since")
    start = dt.datetime.combine(filters.since, dt.time()) if filters.since else None
    # the last day of the calendar (9999-12-31) has no next day: it means no end (issue 14)
    end = (dt.datetime.combine(filters.until + dt.timedelta(days=1), dt.time())
           if filters.until and filters.until < dt.date.max else None)
    return _Scope(quiz, class_ids, filters.learner_id, start, end)


def _find_class(ref: int | str) -> Classroom | None:
    if isinstance(ref, int):
        return db.session.get(Classroom, ref)
    code = "".join(ref.split()).upper()
    found = db.session.scalar(sa.select(Classroom).filter_by(code=code))
    if found is None and code.isdigit():
        found = db.session.get(Classroom, int(code))
    return found


def _class_names(scope: _Scope) -> dict[int, str]:
    """Learner id -> the names of their classes in scope, joined with "; ".

    One entry per learner (not per row), read in one query.
    """
    query = (
        sa.select(Enrollment.user_id, Classroom.name)
        .join(Classroom, Classroom.id == Enrollment.classroom_id)
        .where(scope.learners_clause(Enrollment.user_id))
        .order_by(Enrollment.user_id, Classroom.name)
    )
    if scope.class_ids is not None:
        query = query.where(Enrollment.classroom_id.in_(scope.class_ids))
    return {
        user_id: "; ".join(name for _, name in group)
        for user_id, group in itertools.groupby(db.session.execute(query), key=lambda r: r[0])
    }


def _batches(query) -> Iterator[list[sa.Row]]:
    """The rows of ``query``, fetched and handed on ``BATCH_SIZE`` at a time.

    Executed on the session's connection, not through the ORM: the query
    selects plain columns, and skipping the ORM's result handling roughly
    halves the cost per row. ``yield_per`` makes it a server-side cursor on
    PostgreSQL; SQLite's cursor steps through the rows as they are fetched.
    """
    result = db.session.connection().execute(query, execution_options={"yield_per": BATCH_SIZE})
    try:
        yield from result.partitions()
    finally:
        result.close()


def _stream(query) -> Iterator[sa.Row]:
    """The rows of ``query`` one by one, read in batches."""
    for batch in _batches(query):
        yield from batch


# --- responses ----------------------------------------------------------------

def response_query(scope: _Scope, now: dt.datetime | None = None):
    """The SELECT behind the response export, in export order.

    It reads ids and values only, no names: the learner, quiz and question
    version of each row are looked up in small dictionaries (one entry per
    learner, quiz and version, not per row), which keeps the database's and
    the driver's work per row to nine mostly numeric columns.
    """
    # read as an integer: SQLite stores 0/1 and skipping the Boolean result
    # processor is a fifth of the fetch cost; rows map it back to True/False
    correct: Any = sa.type_coerce(Answer.correct, sa.Integer).label("correct")
    score: Any = Answer.score
    query = sa.select(Answer).join(Attempt, Attempt.id == Answer.attempt_id)
    if scope.learner_id is not None:
        # a learner sees right/wrong when the quiz's feedback timing allows (attempts.feedback_visible)
        finished = Attempt.finished_at.is_not(None)
        visible = sa.or_(
            Quiz.feedback_timing == "immediately",
            sa.and_(finished, Quiz.feedback_timing == "after_attempt"),
            sa.and_(finished, Quiz.closes_at.is_not(None), Quiz.closes_at <= (now or utcnow())),
        )
        correct = sa.type_coerce(sa.case((visible, Answer.correct), else_=sa.null()), sa.Integer).label("correct")
        score = sa.case((visible, Answer.score), else_=sa.null()).label("score")
        query = query.join(Quiz, Quiz.id == Attempt.quiz_id)
    return (
        query.with_only_columns(
            Attempt.user_id,
            Attempt.quiz_id,
            Answer.attempt_id,
            Answer.version_id,
            sa.cast(Answer.response, sa.Text),  # raw JSON: decoded once per distinct response
            correct,
            score,
            sa.type_coerce(Answer.time_taken_ms, sa.Float) / 1000.0,
            # ISO 8601 in UTC, built by the database: "2024-05-01T09:30:00Z"
            sa.func.replace(sa.func.substr(sa.cast(Answer.submitted_at, sa.String), 1, 19), " ", "T") + "Z",
            maintain_column_froms=True,
        )
        .where(
            scope.learners_clause(Attempt.user_id),
            scope.quizzes_clause(Attempt.quiz_id),
            scope.period_clause(Answer.submitted_at),
        )
        # the order answers were recorded in: a plain scan of the answer table,
        # no sort however many rows (a spreadsheet re-sorts in a click)
        .order_by(Answer.id)
    )


def response_rows(filters: ExportFilters) -> Table:
    """Every recorded answer in scope, one row each, streamed.

    Columns: learner, classes (theirs in scope, "; "-joined), quiz (slug),
    attempt (id), question (stable id) and version (number), type, answer
    (the response as readable text, lines joined with "; "), correct,
    score (fraction of the question's mark; blank while an essay waits for a
    mark), time_taken_s, submitted_at (ISO 8601, UTC). Rows come in the
    order the answers were recorded.

    Filters are checked here, before the first row is read, so a bad one
    raises at once.

    :raises InvalidInput: for a bad period.
    :raises NotFound: for an unknown quiz or class (or another teacher's class).
    """
    scope = _close_overdue(_scope(filters))
    query = response_query(scope)
    return Table(list(RESPONSE_HEADERS), _response_rows(scope, query))


def _close_overdue(scope: _Scope) -> _Scope:
    """Submit the attempts in scope left open past their time limit or their quiz's close, then export."""
    timing.close_overdue(utcnow(), user_id=scope.learner_id, quiz_id=scope.quiz.id if scope.quiz else None)
    return scope


class _Lookup(dict):
    """A dictionary that loads a missing entry with ``load(key)`` and keeps it."""

    def __init__(self, load, entries=()):
        super().__init__(entries)
        self.load = load

    def __missing__(self, key):
        value = self[key] = self.load(key)
        return value


def _response_rows(scope: _Scope, query) -> Iterator[tuple[Any, ...]]:
    connection = db.session.connection()
    classes_of = _class_names(scope).get

    def learner(user_id: int) -> tuple[str, str]:  # someone who joined after the export began
        return connection.execute(sa.select(User.username).where(User.id == user_id)).scalar_one(), classes_of(user_id, "")

    def quiz(quiz_id: int) -> str:
        return connection.execute(sa.select(Quiz.slug).where(Quiz.id == quiz_id)).scalar_one()

    def version(version_id: int) -> tuple[str, int, str, dict]:
        uid, number, qtype, data = connection.execute(
            sa.select(Question.uid, QuestionVersion.number, Question.type, QuestionVersion.data)
            .join(Question, Question.id == QuestionVersion.question_id)
            .where(QuestionVersion.id == version_id)
        ).one()
        data = data if isinstance(data, dict) else {}
        return uid, number, data.get("type", qtype), data  # the type the learner saw

    # one entry per learner, quiz and question version in scope, not per row
    learners = _Lookup(learner, (
        (user_id, (name, classes_of(user_id, "")))
        for user_id, name in connection.execute(sa.select(User.id, User.username).where(scope.learners_clause(User.id)))
    ))
    quizzes = _Lookup(quiz, connection.execute(sa.select(Quiz.id, Quiz.slug).where(scope.quizzes_clause(Quiz.id))).all())
    versions = _Lookup(version)
    as_bool = {0: False, 1: True, None: None}.get  # 0/1 (SQLite) or False/True (PostgreSQL)
    #: (version id, raw response) -> (question uid, version number, type, answer as text)
    described: dict[tuple[int, str | None], tuple[str, int, str, str]] = {}
    for batch in _batches(query):
        for user_id, quiz_id, attempt, version_id, response, correct, score, seconds, submitted in batch:
            key = (version_id, response)
            question = described.get(key)
            if question is None:
                uid, number, qtype, data = versions[version_id]
                if len(described) >= _DESCRIPTION_CACHE:
                    described.clear()
                question = described[key] = (uid, number, qtype, _describe(data, response))
            name, classes = learners[user_id]
            uid, number, qtype, text = question
            yield (name, classes, quizzes[quiz_id], attempt, uid, number, qtype,
                   text, as_bool(correct), score, seconds, submitted)


def _describe(data: dict, raw: str | None) -> str:
    """The response as one line of readable text."""
    if raw is None:
        return ""
    try:
        response = json.loads(raw)
    except ValueError:
        return raw
    try:
        return "; ".join(describe_response(data, response))
    except (IndexError, KeyError, TypeError, ValueError):  # a response that no longer fits its version
        return json.dumps(response, ensure_ascii=False)


# --- gradebook ----------------------------------------------------------------

class _Finished(NamedTuple):
    """The columns of a finished attempt that :func:`final_grade` reads."""

    id: int
    finished_at: dt.datetime
    score: float
    max_score: float
    grade_override: float | None

    @property
    def computed_percent(self) -> float:
        return Attempt.computed_percent.fget(self)

    @property
    def percent(self) -> float:
        return Attempt.percent.fget(self)  # the model's own rule (a teacher's override first)


def gradebook_quizzes(scope: _Scope) -> list[Quiz]:
    """The gradebook's columns: the quizzes assigned to a class in scope, then the
    quizzes in scope that a learner in scope finished in the period."""
    if scope.quiz is not None:
        visible = db.session.scalar(sa.select(Quiz.id).where(Quiz.id == scope.quiz.id, scope.quizzes_clause(Quiz.id)))
        if visible is None:
            raise NotFound(f"There is no quiz “{scope.quiz.slug}” for this class.", where="quiz")
        return [scope.quiz]
    finished_here = sa.exists().where(
        Attempt.quiz_id == Quiz.id,
        Attempt.finished_at.is_not(None),
        scope.learners_clause(Attempt.user_id),
        scope.period_clause(Attempt.finished_at),
    )
    if scope.class_ids is not None:
        assigned_ids = sa.select(quiz_classroom.c.quiz_id).where(quiz_classroom.c.classroom_id.in_(scope.class_ids))
    elif scope.learner_id is None:
        assigned_ids = sa.select(quiz_classroom.c.quiz_id)
    else:
        assigned_ids = None
    assigned = Quiz.id.in_(assigned_ids) if assigned_ids is not None else sa.false()
    return list(
        db.session.scalars(
            sa.select(Quiz)
            .where(scope.quizzes_clause(Quiz.id), sa.or_(assigned, finished_here))
            .order_by(sa.case((assigned, 0), else_=1), Quiz.article_id, Quiz.position, Quiz.id)
        )
    )


def gradebook_rows(filters: ExportFilters) -> Table:
    """One row per learner in scope, one column per quiz, streamed.

    Columns: learner, classes, then one per quiz headed "Title (slug)"
    holding the final grade in percent (two decimals) by that quiz's grading
    method, blank when the learner finished no attempt (in the period).

    :raises InvalidInput: for a bad period.
    :raises NotFound: for an unknown quiz or class (or another teacher's class).
    """
    scope = _close_overdue(_scope(filters))
    quizzes = gradebook_quizzes(scope)
    headers = ["learner", "classes", *(f"{q.title} ({q.slug})" for q in quizzes)]
    return Table(headers, _gradebook_rows(scope, quizzes))


def _gradebook_rows(scope: _Scope, quizzes: list[Quiz]) -> Iterator[tuple[Any, ...]]:
    classes_of = _class_names(scope).get
    columns = {q.id: n for n, q in enumerate(quizzes)}
    methods = [q.grading_method for q in quizzes]
    if scope.learner_id is not None or scope.class_ids is not None:
        learners = scope.learners_clause(User.id)
    else:
        learners = sa.or_(User.role == "learner", User.id.in_(sa.select(Attempt.user_id)))
    attempt_join = sa.and_(
        Attempt.user_id == User.id,
        Attempt.finished_at.is_not(None),
        Attempt.quiz_id.in_(list(columns)) if columns else sa.false(),
        scope.period_clause(Attempt.finished_at),
    )
    query = (
        sa.select(User.id, User.username, Attempt.quiz_id, Attempt.id, Attempt.finished_at,
                  Attempt.score, Attempt.max_score, Attempt.grade_override)
        .select_from(User)
        .outerjoin(Attempt, attempt_join)
        .where(learners)
        .order_by(User.username, User.id, Attempt.quiz_id)
    )
    for (user_id, username), group in itertools.groupby(_stream(query), key=lambda r: (r[0], r[1])):
        attempts: list[list[_Finished]] = [[] for _ in quizzes]
        for _, _, quiz_id, attempt_id, finished_at, score, max_score, override in group:
            if quiz_id is not None:
                attempts[columns[quiz_id]].append(_Finished(attempt_id, finished_at, score, max_score, override))
        grades = (final_grade(found, method) for found, method in zip(attempts, methods))
        yield (username, classes_of(user_id, ""), *(None if g is None else round(g, 2) for g in grades))
