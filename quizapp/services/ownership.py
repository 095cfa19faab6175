"""Who owns what among teachers.

The shared bank's published (and retired) questions belong to every teacher:
any teacher may edit them, and every edit is versioned and audited. A draft
belongs to the teacher who brought it (the teacher of its article import, or
its author); a quiz a teacher built belongs to that teacher unless it is
published to everyone. Someone else's is reported as missing (404).
"""

from __future__ import annotations

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import ArticleImport, Question, Quiz, quiz_classroom
from quizapp.services.errors import NotFound


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
        raise NotFound(f"There is no question {question_id}.")


def check_quiz_export(slug: str, teacher_id: int) -> None:
    """A teacher exports their own quizzes and those published to everyone (the bank's).

    :raises NotFound: for no such quiz, or another teacher's class or unpublished quiz.
    """
    quiz = db.session.scalar(sa.select(Quiz).filter_by(slug=slug))
    if quiz is None or quiz.created_by_id in (None, teacher_id):
        return  # a missing quiz is reported by the export itself
    has_classes = db.session.scalar(sa.select(sa.exists().where(quiz_classroom.c.quiz_id == quiz.id)))
    if not quiz.is_published or has_classes:
        raise NotFound(f"no quiz is called {slug!r}", where="quiz")
