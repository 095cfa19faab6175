"""Building quizzes: questions by hand or from a filtered pool, and the rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from quizapp.canonical import slugify
from quizapp.extensions import db
from quizapp.models import Article, Classroom, Question, Quiz, QuizQuestion
from quizapp.models.quiz import FEEDBACK_TIMINGS, GRADING_METHODS
from quizapp.services import ownership
from quizapp.services.drafts import get_own_import
from quizapp.services.errors import InvalidInput, NotFound


@dataclass
class QuizSettings:
    title: str
    description: str = ""
    draw_count: int | None = None
    shuffle_questions: bool = False
    shuffle_choices: bool = True
    attempts_allowed: int | None = None
    grading_method: str = "highest"
    time_limit_s: int | None = None
    feedback_timing: str = "immediately"
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None
    is_published: bool = True


def question_filter(article_id=None, fact_kind=None, qtype=None, tag=None, status=None, search=None):
    """SQL conditions on Question for the bank's filters (None means any)."""
    conditions = []
    if article_id:
        conditions.append(Question.article_id == article_id)
    if fact_kind:
        conditions.append(Question.fact_kind == fact_kind)
    if qtype:
        conditions.append(Question.type == qtype)
    if tag:
        conditions.append(Question.tags.contains(f" {tag.strip().lower()} ", autoescape=True))
    if status:
        conditions.append(Question.status == status)
    if search:
        conditions.append(Question.stem.icontains(search.strip(), autoescape=True))
    return conditions


def pool(article_id=None, fact_kind=None, qtype=None, tag=None) -> list[int]:
    """Ids of the published questions matching a filter, in bank order."""
    return list(
        db.session.scalars(
            sa.select(Question.id)
            .where(*question_filter(article_id, fact_kind, qtype, tag, status="published"))
            .order_by(Question.article_id, Question.id)
        )
    )


def own_quiz(quiz_id: int, teacher_id: int) -> Quiz:
    """:raises NotFound: unless the teacher built this quiz or co-teaches it."""
    quiz = db.session.get(Quiz, quiz_id)
    if quiz is None or not ownership.teaches_quiz(quiz, teacher_id):
        raise NotFound("There is no such quiz of yours.")
    return quiz


def teacher_quizzes(teacher_id: int) -> list[Quiz]:
    """The quizzes a teacher built or co-teaches, newest first."""
    return list(db.session.scalars(
        sa.select(Quiz).where(ownership.taught_quizzes_clause(teacher_id)).order_by(Quiz.created_at.desc(), Quiz.id.desc())
    ))


def _check(settings: QuizSettings, question_ids: list[int], classroom_ids: list[int], teacher_id: int):
    if not settings.title.strip():
        raise InvalidInput("Give the quiz a title.", where="title")
    if settings.grading_method not in GRADING_METHODS:
        raise InvalidInput(f"Choose one of {', '.join(GRADING_METHODS)}.", where="grading_method")
    if settings.feedback_timing not in FEEDBACK_TIMINGS:
        raise InvalidInput(f"Choose one of {', '.join(FEEDBACK_TIMINGS)}.", where="feedback_timing")
    if not question_ids:
        raise InvalidInput("Pick at least one question (or a filter that matches some).", where="questions")
    published = set(
        db.session.scalars(sa.select(Question.id).where(Question.id.in_(question_ids), Question.status == "published"))
    )
    if published != set(question_ids):
        raise InvalidInput("Only published questions can be put in a quiz.", where="questions")
    if settings.draw_count is not None:
        if settings.draw_count < 1:
            raise InvalidInput("Draw at least one question.", where="draw_count")
        if settings.draw_count > len(question_ids):
            raise InvalidInput(
                f"Cannot draw {settings.draw_count} of {len(question_ids)} questions.", where="draw_count"
            )
    if settings.attempts_allowed is not None and settings.attempts_allowed < 1:
        raise InvalidInput("Allow at least one attempt, or leave it empty for unlimited.", where="attempts_allowed")
    if settings.time_limit_s is not None and settings.time_limit_s < 60:
        raise InvalidInput("A time limit is at least one minute.", where="time_limit")
    if settings.opens_at and settings.closes_at and settings.closes_at <= settings.opens_at:
        raise InvalidInput("The quiz must close after it opens.", where="closes_at")
    if settings.feedback_timing == "after_close" and not settings.closes_at:
        raise InvalidInput("Feedback after the quiz closes needs a closing date.", where="closes_at")
    classrooms = list(db.session.scalars(sa.select(Classroom).where(Classroom.id.in_(classroom_ids))))
    if any(not ownership.teaches_class(c, teacher_id) for c in classrooms) or len(classrooms) != len(set(classroom_ids)):
        raise InvalidInput("You can only give a quiz to your own classes.", where="classrooms")
    return classrooms


def _unique_slug(title: str) -> str:
    base = slugify(title, 60)
    slug, n = base, 2
    while db.session.scalar(sa.select(Quiz.id).filter_by(slug=slug)) is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug


@dataclass
class QuestionGroup:
    """The quiz builder's questions of one article (None: questions of no article)."""

    article: Article | None
    questions: list[Question]
    drafts: int = 0  # the article's drafts this teacher may review: not pickable until approved
    import_id: int | None = None  # where those drafts are reviewed


def question_groups(teacher_id: int, search: str = "") -> list[QuestionGroup]:
    """The published questions a quiz can hold, grouped by article, optionally those whose text holds ``search``.

    Each group counts the article's drafts the teacher may review (own or
    co-taught imports), so the builder can say why they are missing.
    """
    query = sa.select(Question).options(joinedload(Question.article)).where(Question.status == "published")
    if search.strip():
        query = query.where(Question.stem.icontains(search.strip(), autoescape=True))
    groups: dict[int | None, QuestionGroup] = {}
    for question in db.session.scalars(query.order_by(Question.id)):
        groups.setdefault(question.article_id, QuestionGroup(question.article, [])).questions.append(question)
    waiting = db.session.execute(
        sa.select(Question.article_id, sa.func.count(), sa.func.min(Question.import_id))
        .where(Question.status == "draft", Question.rejected_at.is_(None), Question.current_version_id.is_not(None),
               ownership.visible_questions_clause(teacher_id))
        .group_by(Question.article_id)
    ).all()
    for article_id, drafts, import_id in waiting:
        group = groups.get(article_id)
        if group is None and not search.strip():
            group = groups[article_id] = QuestionGroup(
                db.session.get(Article, article_id) if article_id else None, [])
        if group is not None:
            group.drafts, group.import_id = drafts, import_id
    return sorted(groups.values(), key=lambda g: (g.article is None, g.article.title.lower() if g.article else ""))


def quiz_from_import(import_id: int, teacher_id: int, title: str) -> Quiz:
    """A quiz of the questions approved from an article import: not published yet, given to no class yet.

    :param title: the quiz's title (the page offers the article's).
    :raises NotFound: when the import is not this teacher's (nor co-taught).
    :raises InvalidInput: when no question of the article is published yet,
        or the title is empty; nothing is written then.
    """
    job = get_own_import(import_id, teacher_id)
    question_ids = list(db.session.scalars(
        sa.select(Question.id).where(Question.import_id == job.id, Question.status == "published").order_by(Question.id)
    ))
    if not question_ids:
        raise InvalidInput("Approve some drafts first: the quiz holds this article's approved questions.",
                           where="questions")
    return save_quiz(teacher_id, QuizSettings(title=title.strip(), is_published=False), question_ids, [])


def save_quiz(
    teacher_id: int,
    settings: QuizSettings,
    question_ids: list[int],
    classroom_ids: list[int],
    quiz_id: int | None = None,
) -> Quiz:
    """Create or update a teacher's quiz.

    :raises InvalidInput: naming the field at fault; nothing is written then.
    :raises NotFound: when ``quiz_id`` is not this teacher's quiz.
    """
    question_ids = list(dict.fromkeys(question_ids))
    # a co-teacher changes the classes they teach; the others the quiz is given to stay as they are
    kept = [] if quiz_id is None else [c for c in own_quiz(quiz_id, teacher_id).classrooms
                                       if not ownership.teaches_class(c, teacher_id)]
    classroom_ids = [cid for cid in classroom_ids if cid not in {c.id for c in kept}]
    classrooms = kept + _check(settings, question_ids, classroom_ids, teacher_id)
    if quiz_id is None:
        quiz = Quiz(slug=_unique_slug(settings.title), origin="teacher", created_by_id=teacher_id)
        db.session.add(quiz)
    else:
        quiz = own_quiz(quiz_id, teacher_id)
    for field in QuizSettings.__dataclass_fields__:
        setattr(quiz, field, getattr(settings, field))
    quiz.title = settings.title.strip()
    quiz.classrooms = classrooms
    existing = {entry.question_id: entry for entry in quiz.entries}
    quiz.entries = [
        existing.get(qid) or QuizQuestion(question_id=qid, position=position)
        for position, qid in enumerate(question_ids)
    ]
    for position, entry in enumerate(quiz.entries):
        entry.position = position
    db.session.commit()
    return quiz
