"""Authoring the question bank: create, edit, publish and retire questions.

Every write checks the whole question first (:func:`check_question`:
``canonical.validate`` plus the rules a teacher's form needs) and raises
:class:`InvalidQuestion` with located problems before anything is written.

Editing never rewrites what learners saw: a change of content makes a new
:class:`QuestionVersion`, and answers keep the version they were given. The
status is not content (it says where a question may appear, not what it
asks), so publishing or retiring keeps the current version.
"""

from __future__ import annotations

import math
import random
import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from quizapp import canonical
from quizapp.canonical import Problem
from quizapp.extensions import db
from quizapp.models import Article, Question, QuestionVersion, QuizQuestion, User
from quizapp.services.bank import content_hash, sync_columns
from quizapp.services import audit, ownership
from quizapp.services.errors import Conflict, Forbidden, InvalidQuestion, NotFound
from quizapp.services.scoring import cloze_order, match_options

PER_PAGE = 25
_TAGS_LIMIT = 500  # the length of Question.tags


# --- reading ------------------------------------------------------------

def get_question(question_id: int) -> Question:
    """:raises NotFound: when there is no such question."""
    question = db.session.get(Question, question_id)
    if question is None or question.current is None:
        raise NotFound(f"There is no question {question_id}.")
    return question


def list_articles(teacher_id: int | None = None) -> list[Article]:
    """Every article a question can cite, by title.

    :param teacher_id: leave out articles only another teacher's import in
        review has brought (:func:`~quizapp.services.ownership.visible_articles_clause`).
    """
    query = sa.select(Article).order_by(Article.title, Article.id)
    if teacher_id is not None:
        query = query.where(ownership.visible_articles_clause(teacher_id))
    return list(db.session.scalars(query))


def tags_in_use(teacher_id: int | None = None) -> list[str]:
    """Every tag of the bank (of the questions ``teacher_id`` may see), sorted."""
    query = sa.select(Question.tags).distinct()
    if teacher_id is not None:
        query = query.where(ownership.visible_questions_clause(teacher_id))
    found: set[str] = set()
    for tags in db.session.scalars(query.where(Question.current_version_id.is_not(None))):
        found.update(tags.split())
    return sorted(found)


def search_questions(
    text: str = "",
    *,
    article_id: int | None = None,
    fact_kind: str = "",
    qtype: str = "",
    tag: str = "",
    status: str = "",
    page: int = 1,
    per_page: int = PER_PAGE,
    teacher_id: int | None = None,
):
    """One page of the bank, newest first, filtered.

    :param text: words to find in the stem (case-insensitive substring).
    :param fact_kind: a fact kind, or ``"none"`` for questions without one.
    :param teacher_id: only what this teacher may see: published and retired
        questions, and the drafts that are theirs (issue 14, point 16).
    :returns: a Flask-SQLAlchemy ``Pagination`` of :class:`Question`.
    """
    query = (sa.select(Question).options(joinedload(Question.article), joinedload(Question.current))
             .where(Question.current_version_id.is_not(None),  # not the questions of an import under way
                    Question.rejected_at.is_(None)))  # nor drafts rejected on their article's review page
    if teacher_id is not None:
        query = query.where(ownership.visible_questions_clause(teacher_id))
    if text.strip():
        query = query.where(Question.stem.icontains(text.strip(), autoescape=True))
    if article_id:
        query = query.where(Question.article_id == article_id)
    if fact_kind == "none":
        query = query.where(Question.fact_kind.is_(None))
    elif fact_kind:
        query = query.where(Question.fact_kind == fact_kind)
    if qtype:
        query = query.where(Question.type == qtype)
    if tag.strip():
        query = query.where(Question.tags.contains(f" {tag.strip().lower()} ", autoescape=True))
    if status:
        query = query.where(Question.status == status)
    query = query.order_by(Question.id.desc())
    return db.paginate(query, page=max(page, 1), per_page=per_page, error_out=False, count=True)


def learner_order(data: dict, seed: int) -> list:
    """A shown order of choices, match options or items, as an attempt would shuffle them.

    Ordering items never come in their correct order, so that a preview
    gives nothing away.
    """
    qtype = data["type"]
    if qtype == "cloze":
        return cloze_order(data, True, random.Random(seed))
    if qtype in ("multiple_choice", "multiple_response"):
        count = len(data.get("choices", []))
    elif qtype == "matching":
        count = len(match_options(data))
    elif qtype == "ordering":
        count = len(data.get("items", []))
    else:
        return []
    rng = random.Random(seed)
    order = list(range(count))
    rng.shuffle(order)
    if qtype == "ordering" and count > 1 and order == sorted(order):
        order = order[1:] + order[:1]
    return order


# --- checking -----------------------------------------------------------

def _text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def check_question(data: dict) -> list[Problem]:
    """Every problem with ``data``: the canonical rules plus the authoring ones."""
    problems = canonical.validate(data)
    add = lambda field, message: problems.append(Problem(field, message))  # noqa: E731
    qtype = data.get("type")
    if qtype == "description" and not (_text(data.get("stem")) or _text(data.get("title"))):
        add("stem", "write the text to show")
    tags = data.get("tags", [])
    if isinstance(tags, list):
        if any(isinstance(t, str) and re.search(r"\s", t.strip()) for t in tags):
            add("tags", "a tag is one word; join words with '-'")
        if len(" ".join(str(t) for t in tags)) + 2 > _TAGS_LIMIT:
            add("tags", f"the tags may take at most {_TAGS_LIMIT - 2} characters")
    # Files follow Moodle (only identical answers are duplicates, and only a
    # warning); the editor is stricter: choices a reader can tell apart, and
    # accepted answers that grading tells apart (case and spacing aside, as
    # Moodle matches them), so "U.K." and "UK" may both be accepted.
    for key, noun in (("choices", "choice"), ("accepted", "accepted answer")):
        seen: set[str] = set()
        for index, item in enumerate(data.get(key) or []):
            text = item.get("text") if isinstance(item, dict) else None
            if not _text(text):
                continue
            folded = canonical.normalize_answer(text)
            if key == "accepted" and "*" not in text and not folded:
                add(f"accepted[{index}]", "has no letters or digits a learner could type")
            if key == "accepted":  # typed answers: the same when graded the same (case, spacing)
                key_text = " ".join(text.split()) if data.get("usecase") else " ".join(text.split()).lower()
            else:  # choices a learner picks: the same when a reader cannot tell them apart
                key_text = folded or text
            if key_text in seen:
                add(f"{key}[{index}]", f"duplicate {noun} {text!r}")
            seen.add(key_text)
    items = data.get("items")
    if qtype == "ordering" and isinstance(items, list) and all(_text(i) for i in items) and len(items) >= 2:
        if len({canonical.normalize_answer(i) for i in items}) != len(items) and not any(
                p.field == "items" for p in problems):
            add("items", "items must all differ")
    for key in ("choices", "accepted", "numeric"):
        for index, row in enumerate(data.get(key) or []):
            for name, value in (row.items() if isinstance(row, dict) else ()):
                if isinstance(value, float) and not math.isfinite(value):
                    add(f"{key}[{index}].{name}", "must be a finite number")
    if qtype == "matching":
        pairs = [p for p in data.get("pairs") or [] if isinstance(p, dict)]
        matches = {p.get("match") for p in pairs if _text(p.get("match"))}
        if len(pairs) >= 2 and len(matches) == 1:
            add("pairs", "give at least two different matches, or every answer is the same")
    return problems


def locate_source(article: Article, sentence: str) -> dict[str, Any] | None:
    """The canonical ``source`` for ``sentence`` in ``article``'s body, or None when absent.

    Spacing may differ from the body (a copied sentence loses its line
    breaks); the stored sentence is the body's own text.
    """
    words = sentence.split()
    if not words:
        return None
    match = re.search(r"\s+".join(re.escape(w) for w in words), article.body)
    if match is None:
        return None
    return {"article": article.path, "sentence": match.group(0), "start": match.start(), "end": match.end()}


def _with_source(
    data: dict, article_id: int | None, sentence: str | None, problems: list[Problem]
) -> tuple[dict, Article | None]:
    """Fill ``data["source"]`` from the chosen article and pasted sentence."""
    data = dict(data)
    sentence = (sentence or "").strip()
    if article_id is None:
        if sentence:
            problems.append(Problem("source.article", "choose the article this sentence comes from"))
        path = (data.get("source") or {}).get("article") if isinstance(data.get("source"), dict) else None
        article = db.session.scalar(sa.select(Article).filter_by(path=path)) if path else None
        return data, article
    article = db.session.get(Article, article_id)
    if article is None:
        problems.append(Problem("source.article", "there is no such article"))
        return data, None
    if not sentence:
        data["source"] = {"article": article.path}
        return data, article
    source = locate_source(article, sentence)
    if source is None:
        problems.append(Problem(
            "source.sentence", f"this sentence is not in “{article.title}”; paste it exactly as the article has it"
        ))
    else:
        data["source"] = source
    return data, article


def _teacher(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not user.is_teacher:
        raise Forbidden("Only teachers edit the question bank.")
    return user


def _unique_uid(data: dict) -> str:
    base = canonical.slugify(data.get("stem") or data.get("title") or data["type"])
    taken = set(db.session.scalars(
        sa.select(Question.uid).where(sa.or_(Question.uid == base, Question.uid.like(f"{base}-%")))
    ))
    uid, n = base, 2
    while uid in taken:
        uid, n = f"{base}-{n}", n + 1
    return uid


#: weights a row has when none is written (as the graders read them)
_ROW_DEFAULTS = {"choices": {"weight": 0.0}, "accepted": {"weight": 1.0}, "numeric": {"tolerance": 0.0}}


def _plain(value: Any) -> Any:
    """``value`` with what does not change its meaning folded away.

    Keys set to None are dropped (every reader uses ``.get``), numbers are
    floats and text is stripped, so that saving an unchanged form (which
    writes ``1.0`` for ``1`` and leaves out empty feedback) is no change.
    """
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        return value.strip()
    return value


def _content(data: dict) -> dict:
    """What a version is made of: the meaning of everything but the status."""
    content = _plain({k: v for k, v in data.items() if k != "status"})
    for key, defaults in _ROW_DEFAULTS.items():
        rows = content.get(key)
        if isinstance(rows, list):
            content[key] = [{**defaults, **row} if isinstance(row, dict) else row for row in rows]
    if isinstance(content.get("numeric"), list):
        content["numeric"] = [
            {"weight": 1.0 if "value" in row else 0.0, **row} if isinstance(row, dict) else row
            for row in content["numeric"]
        ]
    return content


def _leave_quizzes(question_id: int) -> int:
    """Take the question out of every quiz; answers and attempts keep it."""
    return db.session.execute(
        sa.delete(QuizQuestion).where(QuizQuestion.question_id == question_id)
    ).rowcount


def _commit() -> None:
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("Someone saved a question at the same moment; save again.") from None


# --- writing ------------------------------------------------------------

def create_question(
    data: dict, author_id: int, *, article_id: int | None = None, sentence: str | None = None
) -> Question:
    """Add a question to the bank with a new id made from its stem.

    :param data: a canonical question; its ``id`` is ignored.
    :param article_id: the article the question cites; ``sentence`` is looked
        up in its body to fill ``source``. Without it, ``data["source"]`` is kept.
    :raises Forbidden: when ``author_id`` is not a teacher.
    :raises InvalidQuestion: with every problem; nothing is written.
    """
    _teacher(author_id)
    problems: list[Problem] = []
    data, article = _with_source(data, article_id, sentence, problems)
    data = {"id": _unique_uid(data), **{k: v for k, v in data.items() if k != "id"}}
    data.setdefault("status", "draft")
    problems = check_question(data) + problems
    if problems:
        raise InvalidQuestion(problems)
    question = Question(uid=data["id"], article=article, created_by_id=author_id)
    sync_columns(question, data)
    db.session.add(question)
    version = QuestionVersion(
        question=question, number=1, data=data, content_hash=content_hash(data), created_by_id=author_id
    )
    db.session.add(version)
    question.current = version
    audit.record(question, "created", author_id, version_number=1)  # the audit trail (issue 9)
    _commit()
    return question


def update_question(
    question_id: int, data: dict, editor_id: int, *, article_id: int | None = None, sentence: str | None = None
) -> Question:
    """Save an edit; a change of content becomes a new version, numbered on.

    Answers already given keep the version they answered, so their scores
    stay explainable. Setting the status to retired takes the question out
    of every quiz (see :func:`retire_question`).

    :raises NotFound: when there is no such question.
    :raises Forbidden: when ``editor_id`` is not a teacher.
    :raises InvalidQuestion: with every problem; nothing is written.
    """
    _teacher(editor_id)
    question = get_question(question_id)
    problems: list[Problem] = []
    data, article = _with_source(data, article_id, sentence, problems)
    data = {"id": question.uid, **{k: v for k, v in data.items() if k != "id"}}
    data.setdefault("status", question.status)
    if data.get("type") != question.type:
        problems.append(Problem("type", "a question keeps its type; make a new question instead"))
    problems = check_question(data) + problems
    if problems:
        raise InvalidQuestion(problems)
    old_status = question.status
    if content_hash(_content(data)) != content_hash(_content(question.current.data)):
        number = db.session.scalar(
            sa.select(sa.func.max(QuestionVersion.number)).where(QuestionVersion.question_id == question.id)
        ) or 0
        version = QuestionVersion(
            question=question, number=number + 1, data=data, content_hash=content_hash(data),
            created_by_id=editor_id,
        )
        db.session.add(version)
        question.current = version
        audit.record(question, "edited", editor_id, version_number=version.number)  # the audit trail (issue 9)
    else:
        _set_status_in_place(question, data.get("status", "draft"))
    question.article = article
    sync_columns(question, data)
    if question.status != old_status:  # the audit trail (issue 9): status changes by edit
        action = question.status if question.status in ("published", "retired") else "edited"
        audit.record(question, action, editor_id, version_number=question.current.number,
                     detail=f"status {old_status} → {question.status}")
    if question.status == "retired":
        _leave_quizzes(question.id)
    _commit()
    return question


def _set_status_in_place(question: Question, status: str) -> None:
    version = question.current
    if version.data.get("status") != status:
        version.data = {**version.data, "status": status}  # a new dict, so the JSON column is saved
        version.content_hash = content_hash(version.data)
    question.status = status


def publish_question(question_id: int, teacher_id: int) -> Question:
    """Make a question available to quizzes (its current version, checked again).

    :raises NotFound: when there is no such question.
    :raises Forbidden: when ``teacher_id`` is not a teacher.
    :raises InvalidQuestion: when the current version breaks a rule.
    """
    _teacher(teacher_id)
    question = get_question(question_id)
    problems = check_question({**question.current.data, "status": "published"})
    if problems:
        raise InvalidQuestion(problems)
    _set_status_in_place(question, "published")
    audit.record(question, "published", teacher_id, version_number=question.current.number)  # audit (issue 9)
    _commit()
    return question


def retire_question(question_id: int, teacher_id: int) -> Question:
    """Retire a question: it leaves every quiz, its answers and versions stay.

    :raises NotFound: when there is no such question.
    :raises Forbidden: when ``teacher_id`` is not a teacher.
    """
    _teacher(teacher_id)
    question = get_question(question_id)
    _set_status_in_place(question, "retired")
    _leave_quizzes(question.id)
    audit.record(question, "retired", teacher_id, version_number=question.current.number)  # audit (issue 9)
    _commit()
    return question
