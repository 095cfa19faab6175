"""The OpenAPI 3.1 document of ``/api/v1``, written by hand to match :mod:`quizapp.api.routes`.

``tests/api/test_openapi.py`` validates it, checks that it names every route
and method of the blueprint, and checks real responses against its schemas.
"""

from __future__ import annotations

import copy
from typing import Any

from quizapp import __version__
from quizapp.api.errors import CODES
from quizapp.canonical import QUESTION_TYPES, STATUSES


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(required: dict[str, Any], optional: dict[str, Any] | None = None, *, open_: bool = False) -> dict:
    """An object with these properties; no others unless ``open_`` (the tests check the API sends no
    field this document does not name)."""
    properties = {**required, **(optional or {})}
    return {"type": "object", "required": sorted(required), "properties": properties,
            **({} if open_ else {"additionalProperties": False})}


def _extend(base: dict, required: dict[str, Any], optional: dict[str, Any] | None = None) -> dict:
    """``base`` (an :func:`_obj`) with more properties."""
    return {**base, "required": sorted({*base["required"], *required}),
            "properties": {**base["properties"], **required, **(optional or {})}}


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
TIME = {"type": "string", "format": "date-time"}
MAYBE_TIME = {"type": ["string", "null"], "format": "date-time"}
MAYBE_STRING = {"type": ["string", "null"]}
MAYBE_INTEGER = {"type": ["integer", "null"]}
MAYBE_NUMBER = {"type": ["number", "null"]}


def _page_of(item: str, extra: dict | None = None) -> dict:
    return _obj({"items": {"type": "array", "items": _ref(item)}, "page": INTEGER, "per_page": INTEGER,
                 "total": INTEGER, "pages": INTEGER, **(extra or {})})


SCHEMAS: dict[str, Any] = {
    "Error": _obj({"error": _obj(
        {"status": INTEGER, "code": {"type": "string", "examples": sorted(set(CODES.values()) | {"insufficient_scope",
                                                                                               "bad_json"})},
         "message": STRING, "where": MAYBE_STRING},
        {"problems": {"type": "array", "items": _obj({"field": STRING, "message": STRING})}},
    )}),
    "User": _obj({"id": INTEGER, "username": STRING, "role": {"enum": ["learner", "teacher"]}}),
    "Token": _obj({"id": INTEGER, "name": STRING, "prefix": STRING, "scope": {"enum": ["read", "write"]},
                   "created_at": TIME, "expires_at": TIME, "last_used_at": MAYBE_TIME,
                   "state": {"enum": ["active", "expired", "revoked"]}}),
    "Me": _obj({"user": _ref("User"), "token": _ref("Token")}),
    "CanonicalQuestion": {
        "type": "object", "description": "A question in the canonical schema (DESIGN.md); `id` is ignored on create.",
        "required": ["type"],
        "properties": {"type": {"enum": list(QUESTION_TYPES)}, "stem": STRING, "status": {"enum": list(STATUSES)}},
        "additionalProperties": True,
    },
    "QuestionSummary": _obj({"id": INTEGER, "uid": STRING, "type": {"enum": list(QUESTION_TYPES)},
                             "status": {"enum": list(STATUSES)}, "stem": STRING, "fact_kind": MAYBE_STRING,
                             "tags": {"type": "array", "items": STRING}, "article_id": MAYBE_INTEGER,
                             "version": MAYBE_INTEGER, "updated_at": TIME}),
    "Question": None,  # QuestionSummary and its data, below
    "QuestionPage": _page_of("QuestionSummary"),
    "Quiz": _obj({"id": INTEGER, "slug": STRING, "title": STRING, "description": STRING, "is_published": BOOLEAN,
                  "question_count": INTEGER, "grading_method": {"enum": ["highest", "latest", "average"]},
                  "feedback_timing": {"enum": ["immediately", "after_attempt", "after_close"]},
                  "attempts_allowed": MAYBE_INTEGER, "time_limit_s": MAYBE_INTEGER,
                  "opens_at": MAYBE_TIME, "closes_at": MAYBE_TIME},
                 {"questions": {"type": "array", "description": "for the quiz's teachers only",
                                "items": _obj({"id": INTEGER, "uid": STRING, "type": STRING, "stem": STRING})},
                  "class_ids": {"type": "array", "items": INTEGER}}),
    "QuizPage": _page_of("Quiz"),
    "Class": _obj({"id": INTEGER, "name": STRING, "teacher": STRING, "created_at": TIME},
                  {"code": {"type": "string", "description": "the join code, for the class's teachers only"},
                   "roster": {"type": "array", "description": "for the class's teachers only",
                              "items": _obj({"id": INTEGER, "username": STRING})}}),
    "ClassList": _obj({"items": {"type": "array", "items": _ref("Class")}}),
    "ScoreRow": _obj({"learner": _obj({"id": INTEGER, "username": STRING}),
                      "grades": {"type": "array", "items": _obj({
                          "quiz": STRING, "grade": MAYBE_NUMBER, "finished": INTEGER, "in_progress": INTEGER})}}),
    "ScorePage": _page_of("ScoreRow", {"quizzes": {"type": "array", "items": _obj(
        {"slug": STRING, "title": STRING, "grading_method": STRING})}}),
    "AttemptSummary": _obj({"id": INTEGER, "quiz": STRING, "quiz_title": STRING, "started_at": TIME,
                            "finished_at": MAYBE_TIME, "questions": INTEGER, "feedback_visible": BOOLEAN,
                            "percent": {**MAYBE_NUMBER, "description": "null until the quiz's feedback is due"}}),
    "AttemptPage": _page_of("AttemptSummary"),
    "Attempt": None,  # AttemptSummary and its items, below
}
SCHEMAS["Question"] = _extend(SCHEMAS["QuestionSummary"], {"data": _ref("CanonicalQuestion")})
SCHEMAS["Attempt"] = _extend(SCHEMAS["AttemptSummary"], {"items": {"type": "array", "items": _obj({
        "position": INTEGER, "question_id": INTEGER, "type": STRING, "stem": STRING, "answered": BOOLEAN,
        "feedback": {"oneOf": [{"type": "null"}, _obj({
            "correct": BOOLEAN, "score": MAYBE_NUMBER, "correct_answer": {"type": "array", "items": STRING},
            "explanation": MAYBE_STRING})],
            "description": "null until the quiz's feedback is due"}})}})
SCHEMAS.update({
    "Import": _obj({"id": INTEGER, "state": {"enum": ["pending", "running", "done", "failed"]}, "title": STRING,
                    "done_steps": INTEGER, "total_steps": INTEGER, "message": MAYBE_STRING,
                    "created_at": TIME, "updated_at": TIME},
                   {"drafts": {"type": "integer", "description": "drafts waiting for review"},
                    "approved": INTEGER}),
    "ImportList": _obj({"items": {"type": "array", "items": _ref("Import")}}),
    "NewImport": _obj({"text": {"type": "string", "description": "the article; YAML front matter may give title and date"}},
                      {"title": STRING, "published": {"type": ["string", "null"], "format": "date"}}, open_=True),
    "Draft": _obj({"id": INTEGER, "uid": STRING, "type": STRING, "stem": STRING,
                   "answers": {"type": "array", "items": STRING}, "distractors": {"type": "array", "items": STRING},
                   "data": _ref("CanonicalQuestion"),
                   "duplicates": {"type": "array", "items": _obj({"question_id": INTEGER, "reason": STRING})}}),
    "DraftList": _obj({"import": _ref("Import"), "items": {"type": "array", "items": _ref("Draft")}}),
})


def _json(schema: str, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def _errors(*statuses: int) -> dict:
    """References to the error responses: 401 and 429 on every route with a token, and ``statuses``."""
    found = {str(s): {"$ref": f"#/components/responses/E{s}"} for s in sorted({401, 429, *statuses})}
    return {**found, "default": {"$ref": "#/components/responses/Error"}}


_ERROR_RESPONSES = {
    f"E{status}": {"description": text, "content": {"application/json": {"schema": _ref("Error")}},
                   **({"headers": {"Retry-After": {"schema": INTEGER, "description": "seconds to wait"}}}
                      if status == 429 else {})}
    for status, text in ((400, "Bad request or bad JSON"), (401, "No valid token"),
                         (403, "Not allowed: a learner on a teachers' route, or a read-only token on a write"),
                         (404, "Not found, or not yours"), (409, "Conflict"), (413, "Body too large"),
                         (422, "Invalid fields"), (429, "Rate limited: see Retry-After"))
}
_ERROR_RESPONSES["Error"] = {"description": "Any other error (405, 500, ...), in the same shape",
                             "content": {"application/json": {"schema": _ref("Error")}}}

PAGING = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 25}},
]


def _path_int(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def _op(summary: str, ok: dict, *errors: int, params: list | None = None, body: str | None = None,
        status: str = "200", public: bool = False) -> dict:
    operation: dict[str, Any] = {"summary": summary, "responses": {status: ok, **({} if public else _errors(*errors))}}
    if params:
        operation["parameters"] = params
    if body:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": _ref(body)}}}
    if public:
        operation["security"] = []
    return operation


PATHS: dict[str, Any] = {
    "/openapi.json": {"get": _op("This document", {"description": "OpenAPI 3.1", "content": {
        "application/json": {"schema": {"type": "object"}}}}, public=True)},
    "/me": {"get": _op("The token's user and the token", _json("Me"))},
    "/questions": {
        "get": _op("The question bank the teacher may see, newest first", _json("QuestionPage"), 400, 403, params=[
            {"name": "q", "in": "query", "schema": STRING, "description": "words in the question text"},
            {"name": "status", "in": "query", "schema": {"enum": list(STATUSES)}},
            {"name": "type", "in": "query", "schema": {"enum": list(QUESTION_TYPES)}},
            *PAGING]),
        "post": _op("Add a question (write scope)", _json("Question", "Created"), 400, 403, 409, 413, 422,
                    body="CanonicalQuestion", status="201"),
    },
    "/questions/{question_id}": {
        "parameters": [_path_int("question_id")],
        "get": _op("A question and its current version", _json("Question"), 403, 404),
        "put": _op("Replace a question's content: a new version when it changes (write scope)", _json("Question"),
                   400, 403, 404, 409, 413, 422, body="CanonicalQuestion"),
    },
    "/questions/{question_id}/retire": {
        "parameters": [_path_int("question_id")],
        "post": _op("Retire a question: it leaves every quiz (write scope)", _json("Question"), 403, 404),
    },
    "/quizzes": {"get": _op("The quizzes the user may see", _json("QuizPage"), 400, params=PAGING)},
    "/quizzes/{slug}": {
        "parameters": [{"name": "slug", "in": "path", "required": True, "schema": STRING}],
        "get": _op("A quiz (its question list for its teachers)", _json("Quiz"), 404),
    },
    "/classes": {"get": _op("A teacher's classes, or a learner's", _json("ClassList"))},
    "/classes/{class_id}": {
        "parameters": [_path_int("class_id")],
        "get": _op("A class (code and roster for its teachers)", _json("Class"), 404),
    },
    "/classes/{class_id}/scores": {
        "parameters": [_path_int("class_id")],
        "get": _op("The class's gradebook, a page of learners at a time", _json("ScorePage"), 400, 403, 404,
                   params=PAGING),
    },
    "/classes/{class_id}/export": {
        "parameters": [_path_int("class_id")],
        "get": _op("The whole class's gradebook or responses, streamed", {
            "description": "A stream of JSON lines (one object per row) or CSV (a header row, then rows)",
            "content": {"application/x-ndjson": {"schema": {"type": "string"}},
                        "text/csv": {"schema": {"type": "string"}}}}, 400, 403, 404, params=[
            {"name": "kind", "in": "query", "schema": {"enum": ["gradebook", "responses"], "default": "gradebook"}},
            {"name": "format", "in": "query", "schema": {"enum": ["json", "csv"], "default": "json"}},
            {"name": "quiz", "in": "query", "schema": STRING, "description": "one quiz's slug"},
            {"name": "since", "in": "query", "schema": {"type": "string", "format": "date"}},
            {"name": "until", "in": "query", "schema": {"type": "string", "format": "date"}}]),
    },
    "/attempts": {"get": _op("The user's own attempts, newest first", _json("AttemptPage"), 400, params=PAGING)},
    "/attempts/{attempt_id}": {
        "parameters": [_path_int("attempt_id")],
        "get": _op("One of the user's own attempts", _json("Attempt"), 404),
    },
    "/imports": {
        "get": _op("The teacher's article imports", _json("ImportList"), 403),
        "post": _op("Submit an article as a job that makes draft questions (write scope)",
                    {**_json("Import", "Accepted: poll the Location"),
                     "headers": {"Location": {"schema": STRING}}}, 400, 403, 409, 413, 422,
                    body="NewImport", status="202"),
    },
    "/imports/{import_id}": {
        "parameters": [_path_int("import_id")],
        "get": _op("An import's state and progress", _json("Import"), 403, 404),
    },
    "/imports/{import_id}/drafts": {
        "parameters": [_path_int("import_id")],
        "get": _op("The import's drafts waiting for review", _json("DraftList"), 403, 404),
    },
}


def document(server_url: str = "/api/v1") -> dict[str, Any]:
    """The OpenAPI document, with ``server_url`` as its one server."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "quizapp JSON API", "version": __version__,
                 "description": "Personal access tokens (account page → API tokens) as `Authorization: Bearer`. "
                                "Every error is `{\"error\": {\"status\", \"code\", \"message\", \"where\"}}`."},
        "servers": [{"url": server_url}],
        "security": [{"bearer": []}],
        "paths": copy.deepcopy(PATHS),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "a personal access token, qz_…"}},
            "schemas": copy.deepcopy(SCHEMAS),
            "responses": copy.deepcopy(_ERROR_RESPONSES),
        },
    }
