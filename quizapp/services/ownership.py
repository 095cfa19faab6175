"""Who owns what among teachers.

The shared bank's published (and retired) questions belong to every teacher:
any teacher may edit them, and every edit is versioned and audited. A draft
belongs to the teacher who brought it (the teacher of its article import, or
its author); a quiz a teacher built belongs to that teacher unless it is
published to everyone. Someone else's is reported as missing (404).

An owner may name co-teachers (:mod:`quizapp.services.co_teachers`) on a
quiz, a class or an article import: they are that thing's teachers too, so
the checks below ask "does this teacher teach it?", not "did they make it?".
A class's teachers also see the quizzes given to the class.
"""

from __future__ import annotations

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Article, ArticleImport, Classroom, CoTeacher, Question, Quiz, quiz_classroom
from quizapp.services.errors import NotFound


# --- who teaches what (owner or co-teacher) ------------------------------------

def _co_taught(column, teacher_id: int):
    """Ids (of ``column``: quiz, classroom or import) this teacher co-teaches, as a subquery."""
    return sa.select(column).where(CoTeacher.user_id == teacher_id, column.is_not(None))


def taught_class_ids(teacher_id: int):
    """The classes a teacher runs or co-teaches, as a subquery of ids."""
    return sa.select(Classroom.id).where(sa.or_(
        Classroom.teacher_id == teacher_id, Classroom.id.in_(_co_taught(CoTeacher.classroom_id, teacher_id))))


def taught_import_ids(teacher_id: int):
    """The article imports a teacher brought or co-teaches, as a subquery of ids."""
    return sa.select(ArticleImport.id).where(sa.or_(
        ArticleImport.teacher_id == teacher_id, ArticleImport.id.in_(_co_taught(CoTeacher.import_id, teacher_id))))


def taught_quizzes_clause(teacher_id: int):
    """SQL condition on Quiz: built by this teacher or co-taught by them."""
    return sa.or_(Quiz.created_by_id == teacher_id, Quiz.id.in_(_co_taught(CoTeacher.quiz_id, teacher_id)))


def teaches_class(classroom: Classroom, teacher_id: int) -> bool:
    return classroom.teacher_id == teacher_id or _is_co_teacher(CoTeacher.classroom_id, classroom.id, teacher_id)


def teaches_import(job: ArticleImport, teacher_id: int) -> bool:
    return job.teacher_id == teacher_id or _is_co_teacher(CoTeacher.import_id, job.id, teacher_id)


def teaches_quiz(quiz: Quiz, teacher_id: int) -> bool:
    """The quiz's owner or one of its co-teachers (not a teacher of its classes: they see it, not edit it)."""
    return quiz.created_by_id == teacher_id or _is_co_teacher(CoTeacher.quiz_id, quiz.id, teacher_id)


def sees_quiz(quiz: Quiz, teacher_id: int) -> bool:
    """The quiz's teachers, and the teachers of a class it is given to (statistics, export with answers)."""
    if teaches_quiz(quiz, teacher_id):
        return True
    return db.session.scalar(sa.select(sa.exists().where(
        quiz_classroom.c.quiz_id == quiz.id, quiz_classroom.c.classroom_id.in_(taught_class_ids(teacher_id)))))


def _is_co_teacher(column, thing_id: int, teacher_id: int) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(column == thing_id, CoTeacher.user_id == teacher_id)))


# --- drafts -----------------------------------------------------------------------

def visible_questions_clause(teacher_id: int):
    """SQL condition on Question: what this teacher's bank page, search and exports may show.

    Every published or retired question; a shared draft (from the shipped
    bank: no import, no author); the teacher's own drafts; the drafts of
    imports they brought or co-teach.
    """
    import_gone = ~sa.exists().where(ArticleImport.id == Question.import_id)
    by_author = sa.or_(Question.created_by_id.is_(None), Question.created_by_id == teacher_id)
    return sa.or_(
        Question.status != "draft",
        Question.import_id.in_(taught_import_ids(teacher_id)),
        sa.and_(sa.or_(Question.import_id.is_(None), import_gone), by_author),
    )


def visible_articles_clause(teacher_id: int):
    """SQL condition on Article: not only brought by another teacher's import still in review.

    An article is shown once a question of it is out of draft, when no
    import brought it (the shipped bank), or when the teacher brought or
    co-teaches one of its imports. A link's article is shown once its page
    is fetched (until then it has no text).
    """
    imported = sa.exists().where(ArticleImport.article_id == Article.id)
    mine = sa.exists().where(ArticleImport.article_id == Article.id, ArticleImport.id.in_(taught_import_ids(teacher_id)))
    shared = sa.exists().where(Question.article_id == Article.id, Question.status != "draft")
    return sa.and_(Article.body != "", sa.or_(~imported, mine, shared))


def draft_owner(question: Question) -> int | None:
    """The teacher a draft belongs to (None: a shared draft, e.g. from the shipped bank)."""
    if question.import_id is not None:
        teacher = db.session.scalar(sa.select(ArticleImport.teacher_id).where(ArticleImport.id == question.import_id))
        if teacher is not None:
            return teacher
    return question.created_by_id


def check_question(question_id: int, teacher_id: int) -> None:
    """:raises NotFound: for no such question, or another teacher's draft."""
    question = db.session.get(Question, question_id)
    if question is None:
        raise NotFound(f"There is no question {question_id}.")
    if question.status == "draft" and draft_owner(question) not in (None, teacher_id):
        job = db.session.get(ArticleImport, question.import_id) if question.import_id is not None else None
        if job is None or not teaches_import(job, teacher_id):  # a co-teacher of its import reviews it too
            raise NotFound(f"There is no question {question_id}.")


def check_quiz_export(slug: str, teacher_id: int) -> None:
    """A teacher exports the quizzes they teach or co-teach, those given to a class they
    teach, and those published to everyone (the bank's).

    :raises NotFound: for no such quiz, or another teacher's class or unpublished quiz.
    """
    quiz = db.session.scalar(sa.select(Quiz).filter_by(slug=slug))
    if quiz is None or quiz.created_by_id is None or sees_quiz(quiz, teacher_id):
        return  # a missing quiz is reported by the export itself
    has_classes = db.session.scalar(sa.select(sa.exists().where(quiz_classroom.c.quiz_id == quiz.id)))
    if not quiz.is_published or has_classes:
        raise NotFound(f"no quiz is called {slug!r}", where="quiz")
