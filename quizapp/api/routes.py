"""The API's endpoints: parse, call a service, serialize (see :mod:`quizapp.api` for who may call them)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from flask import current_app, g, request, url_for

from quizapp.api import bp, schemas, teachers_only
from quizapp.api.errors import ApiError
from quizapp.api.openapi import document
from quizapp.canonical import QUESTION_TYPES, STATUSES
from quizapp.downloads import filters_from_args, send_table
from quizapp.services import attempts, authoring, classes, drafts, exports, ownership, statistics

#: the largest page a list gives
MAX_PER_PAGE = 100
#: no list has this many pages (a larger number would overflow the OFFSET)
MAX_PAGE = 1_000_000


def _paging() -> tuple[int, int]:
    """``page`` (from 1) and ``per_page`` (1 to 100, default 25) from the query string."""
    values = {}
    for name, default, top in (("page", 1, MAX_PAGE), ("per_page", 25, MAX_PER_PAGE)):
        raw = request.args.get(name, "")
        if raw == "":
            values[name] = default
            continue
        if not raw.isdigit() or not 1 <= int(raw) <= top:
            raise ApiError(400, f"{name} must be a whole number from 1 to {top}.", where=name)
        values[name] = int(raw)
    return values["page"], values["per_page"]


def _list_page(items: list, page: int, per_page: int) -> dict[str, Any]:
    """A page of a list a service returned whole."""
    total = len(items)
    return {"items": items[(page - 1) * per_page:page * per_page], "page": page, "per_page": per_page,
            "total": total, "pages": -(-total // per_page)}


def _choice(name: str, allowed) -> str:
    value = request.args.get(name, "")
    if value and value not in allowed:
        raise ApiError(400, f"{name} must be one of {', '.join(allowed)}.", where=name)
    return value


def _body() -> dict[str, Any]:
    """The request's JSON object; anything else is a 400 (nothing is changed)."""
    raw = request.get_data(cache=True)  # over MAX_CONTENT_LENGTH: 413
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "The body is not valid JSON.", code="bad_json") from None
    if not isinstance(body, dict):
        raise ApiError(400, "The body must be a JSON object.", code="bad_json")
    return body


# --- who am I ------------------------------------------------------------------------

@bp.get("/me")
def me():
    """The token's user and the token itself."""
    return {"user": schemas.user(g.api_user), "token": schemas.token(g.api_token)}


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 document of this API (no token needed)."""
    return document(request.url_root.rstrip("/") + bp.url_prefix)


# --- questions (the shared bank; teachers) -------------------------------------------------

@bp.get("/questions")
@teachers_only
def question_list():
    """The bank a teacher may see, newest first: ``q`` searches the text; ``status``, ``type`` filter."""
    page, per_page = _paging()
    found = authoring.search_questions(
        (request.args.get("q") or "")[:200], status=_choice("status", STATUSES), qtype=_choice("type", QUESTION_TYPES),
        page=page, per_page=per_page, teacher_id=g.api_user.id)
    return schemas.page(found, [schemas.question_summary(q) for q in found.items])


@bp.post("/questions")
@teachers_only
def question_create():
    """Add a question (a canonical question object; ``status`` defaults to draft)."""
    question = authoring.create_question(_body(), g.api_user.id)
    return schemas.question_detail(question), 201, {"Location": url_for("api.question_get", question_id=question.id)}


@bp.get("/questions/<int:question_id>")
@teachers_only
def question_get(question_id: int):
    """A question with its current version's canonical data."""
    ownership.check_question(question_id, g.api_user.id)  # another teacher's draft is a 404
    return schemas.question_detail(authoring.get_question(question_id))


@bp.put("/questions/<int:question_id>")
@teachers_only
def question_update(question_id: int):
    """Replace a question's content (a canonical question); a change of content is a new version."""
    ownership.check_question(question_id, g.api_user.id)
    body = _body()
    return schemas.question_detail(authoring.update_question(question_id, body, g.api_user.id))


@bp.post("/questions/<int:question_id>/retire")
@teachers_only
def question_retire(question_id: int):
    """Retire a question: it leaves every quiz; past answers keep it."""
    ownership.check_question(question_id, g.api_user.id)
    return schemas.question_detail(authoring.retire_question(question_id, g.api_user.id))


# --- quizzes -------------------------------------------------------------------------

@bp.get("/quizzes")
def quiz_list():
    """The quizzes the user may see (as on the quiz index page)."""
    page, per_page = _paging()
    found = attempts.visible_quizzes(g.api_user, page, per_page)
    return schemas.page(found, [schemas.quiz(q) for q in found.items])


@bp.get("/quizzes/<slug>")
def quiz_get(slug: str):
    """A quiz; its questions' ids and stems (never answers) for the teachers who see it."""
    quiz = attempts.get_quiz(slug, g.api_user)
    teacher = g.api_user.is_teacher and ownership.sees_quiz(quiz, g.api_user.id)
    return schemas.quiz(quiz, questions=[e.question for e in quiz.entries] if teacher else None)


# --- classes -------------------------------------------------------------------------

@bp.get("/classes")
def class_list():
    """A teacher's classes (run or co-taught), or the classes a learner is in."""
    found = (classes.teacher_classes(g.api_user.id) if g.api_user.is_teacher
             else classes.learner_classes(g.api_user.id))
    return {"items": [schemas.classroom(c) for c in found]}


@bp.get("/classes/<int:class_id>")
def class_get(class_id: int):
    """A class; its join code and roster for its teachers."""
    if g.api_user.is_teacher:
        classroom = classes.get_own_class(class_id, g.api_user.id)
        return schemas.classroom(classroom, roster=classes.roster(classroom.id))
    return schemas.classroom(classes.get_learner_class(class_id, g.api_user.id))


@bp.get("/classes/<int:class_id>/scores")
@teachers_only
def class_scores(class_id: int):
    """The class's gradebook, a page of learners at a time (final grades by each quiz's grading method)."""
    page, per_page = _paging()
    classroom = classes.get_own_class(class_id, g.api_user.id)
    book = statistics.gradebook(classroom.id, g.api_user.id)
    body = _list_page([schemas.gradebook_row(book, learner) for learner in book.learners], page, per_page)
    return {**body, "quizzes": [{"slug": q.slug, "title": q.title, "grading_method": q.grading_method}
                                for q in book.quizzes]}


@bp.get("/classes/<int:class_id>/export")
@teachers_only
def class_export(class_id: int):
    """The whole class's gradebook or responses, streamed as CSV or JSON lines (the teacher's export)."""
    classroom = classes.get_own_class(class_id, g.api_user.id)
    kind = request.args.get("kind", "gradebook")
    fmt = request.args.get("format", "json")
    if fmt not in ("csv", "json"):
        raise ApiError(400, "format must be csv or json (JSON lines).", where="format")
    table = exports.export_table(kind, filters_from_args(classroom=classroom.id, teacher_id=g.api_user.id))
    return send_table(table, fmt, f"{classroom.name}-{kind}")


# --- a learner's own attempts ---------------------------------------------------------------

@bp.get("/attempts")
def attempt_list():
    """The user's own attempts, newest first; a score once the quiz's feedback is due."""
    page, per_page = _paging()
    found = attempts.own_attempts(g.api_user.id, page, per_page)
    return schemas.page(found, [schemas.attempt_summary(a) for a in found.items])


@bp.get("/attempts/<int:attempt_id>")
def attempt_get(attempt_id: int):
    """One of the user's own attempts, question by question; right answers only once feedback is due."""
    attempt = attempts.get_attempt(attempt_id, g.api_user.id)
    attempts.expire_if_late(attempt)
    return schemas.attempt_detail(attempt)


# --- article imports: an article's text becomes draft questions (teachers) ------------------------

@bp.get("/imports")
@teachers_only
def import_list():
    """The teacher's article imports (brought or co-taught), newest first, with their draft counts."""
    return {"items": [schemas.article_import(job, drafts=d, approved=a, stalled=drafts.is_stalled(job))
                      for job, d, a in drafts.list_imports(g.api_user.id)]}


def _text_field(body: dict, name: str, required: bool) -> str:
    value = body.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ApiError(422, f"{name} must be a string.", where=name)
    return value


@bp.post("/imports")
@teachers_only
def import_create():
    """Submit an article's text (``title``, ``text``, optional ``published`` date) as a job that makes drafts."""
    body = _body()
    title, text = _text_field(body, "title", False), _text_field(body, "text", True)
    published = None
    if body.get("published") is not None:
        try:
            published = dt.date.fromisoformat(_text_field(body, "published", True))
        except ValueError:
            raise ApiError(422, "published must be a date, YYYY-MM-DD.", where="published") from None
    job = drafts.start_import(g.api_user.id, title, published, text)
    drafts.launch(current_app._get_current_object(), job.id)
    job = drafts.get_own_import(job.id, g.api_user.id)  # as it stands after launching (inline: done)
    return (schemas.article_import(job), 202, {"Location": url_for("api.import_get", import_id=job.id)})


@bp.get("/imports/<int:import_id>")
@teachers_only
def import_get(import_id: int):
    """An import's state and progress; once done, how many drafts wait for review."""
    view = drafts.import_page(import_id, g.api_user.id)
    return schemas.article_import(view.job, drafts=view.pending, approved=view.approved, stalled=view.stalled)


@bp.get("/imports/<int:import_id>/drafts")
@teachers_only
def import_drafts(import_id: int):
    """The import's drafts waiting for review, each fact's best form first, then its other forms."""
    view = drafts.import_page(import_id, g.api_user.id)
    listed = [form for d in view.drafts for form in (d, *d.alternatives)] + list(view.more)
    return {"import": schemas.article_import(view.job, drafts=view.pending, approved=view.approved,
                                             stalled=view.stalled),
            "items": [schemas.draft(d) for d in listed]}
