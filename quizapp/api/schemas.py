"""What the API sends, per audience: plain dicts from models and service results.

Learner payloads never carry weights, accepted answers or feedback before the
quiz's feedback is due (:func:`attempt_detail`); a teacher's question is the
canonical question itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from quizapp.models import ApiToken, ArticleImport, Attempt, Classroom, Question, Quiz, User
from quizapp.presentation import stem_text
from quizapp.services import attempts as attempts_service


def when(value: dt.datetime | None) -> str | None:
    """A stored (naive UTC) time as ISO 8601 with ``Z``."""
    return None if value is None else value.replace(microsecond=0).isoformat() + "Z"


def page(pagination, items: list[dict]) -> dict[str, Any]:
    """A page of a list: its items and where it is."""
    return {"items": items, "page": pagination.page, "per_page": pagination.per_page,
            "total": pagination.total, "pages": pagination.pages}


def user(u: User) -> dict[str, Any]:
    return {"id": u.id, "username": u.username, "role": u.role}


def token(t: ApiToken) -> dict[str, Any]:
    return {"id": t.id, "name": t.name, "prefix": t.prefix, "scope": t.scope, "created_at": when(t.created_at),
            "expires_at": when(t.expires_at), "last_used_at": when(t.last_used_at), "state": t.state()}


# --- questions (teachers) -----------------------------------------------------------

def question_summary(q: Question) -> dict[str, Any]:
    return {"id": q.id, "uid": q.uid, "type": q.type, "status": q.status, "stem": q.stem,
            "fact_kind": q.fact_kind, "tags": q.tags.split(), "article_id": q.article_id,
            "version": q.current.number if q.current is not None else None,
            "updated_at": when(q.updated_at)}


def question_detail(q: Question) -> dict[str, Any]:
    return {**question_summary(q), "data": q.data}


# --- quizzes ---------------------------------------------------------------------

def quiz(q: Quiz, *, questions: list[Question] | None = None) -> dict[str, Any]:
    """A quiz; ``questions`` (its entries) only for the teachers who see it."""
    body: dict[str, Any] = {
        "id": q.id, "slug": q.slug, "title": q.title, "description": q.description,
        "is_published": q.is_published, "question_count": q.draw_count or len(q.entries),
        "grading_method": q.grading_method, "feedback_timing": q.feedback_timing,
        "attempts_allowed": q.attempts_allowed, "time_limit_s": q.time_limit_s,
        "opens_at": when(q.opens_at), "closes_at": when(q.closes_at),
    }
    if questions is not None:
        body["questions"] = [{"id": x.id, "uid": x.uid, "type": x.type, "stem": x.stem} for x in questions]
        body["class_ids"] = [c.id for c in q.classrooms]
    return body


# --- classes ---------------------------------------------------------------------

def classroom(c: Classroom, *, roster: list[User] | None = None) -> dict[str, Any]:
    """A class; its join code and roster only for its teachers (``roster`` given)."""
    body: dict[str, Any] = {"id": c.id, "name": c.name, "teacher": c.teacher.username, "created_at": when(c.created_at)}
    if roster is not None:
        body["code"] = c.code
        body["roster"] = [{"id": u.id, "username": u.username} for u in roster]
    return body


def gradebook_row(book, learner: User) -> dict[str, Any]:
    """One learner's row of a class's gradebook (:func:`quizapp.services.statistics.gradebook`)."""
    grades = []
    for q in book.quizzes:
        cell = book.cell(learner.id, q.id)
        grades.append({"quiz": q.slug, "grade": None if cell.grade is None else round(cell.grade, 2),
                       "finished": cell.finished, "in_progress": cell.in_progress})
    return {"learner": {"id": learner.id, "username": learner.username}, "grades": grades}


# --- attempts (a learner's own) ------------------------------------------------------

def attempt_summary(a: Attempt) -> dict[str, Any]:
    """An attempt; its score only once the quiz's feedback is due."""
    visible = attempts_service.feedback_visible(a)
    return {"id": a.id, "quiz": a.quiz.slug, "quiz_title": a.quiz.title, "started_at": when(a.started_at),
            "finished_at": when(a.finished_at), "questions": len(a.layout), "feedback_visible": visible,
            "percent": round(a.percent, 2) if visible and a.finished_at is not None else None}


def attempt_detail(a: Attempt) -> dict[str, Any]:
    """An attempt with its questions; right answers and feedback only when due."""
    visible = attempts_service.feedback_visible(a)
    items = []
    for s in attempts_service.slots(a):
        item: dict[str, Any] = {"position": s.position, "question_id": s.question_id, "type": s.data["type"],
                                "stem": stem_text(s.data), "answered": s.answer is not None, "feedback": None}
        if visible and (s.answer is not None or a.finished_at is not None):
            fb = attempts_service.feedback(s)
            item["feedback"] = {"correct": fb["correct"], "score": fb["score"],
                                "correct_answer": fb["correct_answer"], "explanation": fb["explanation"]}
        items.append(item)
    return {**attempt_summary(a), "items": items}


# --- article imports (teachers) --------------------------------------------------------

def article_import(job: ArticleImport, *, drafts: int | None = None, approved: int | None = None,
                   stalled: bool = False) -> dict[str, Any]:
    body = {"id": job.id, "state": "failed" if stalled and job.state in ("pending", "running") else job.state,
            "title": job.article.title, "done_steps": job.done_steps, "total_steps": job.total_steps,
            "message": job.message, "created_at": when(job.created_at), "updated_at": when(job.updated_at)}
    if drafts is not None:
        body["drafts"] = drafts
        body["approved"] = approved
    return body


def draft(d) -> dict[str, Any]:
    """A draft of an import (:class:`quizapp.services.drafts.Draft`), with what it likely duplicates."""
    return {"id": d.question.id, "uid": d.question.uid, "type": d.question.type, "stem": d.question.stem,
            "answers": d.answers, "distractors": d.distractors, "data": d.data,
            "duplicates": [{"question_id": x.question_id, "reason": x.reason} for x in d.duplicates]}
