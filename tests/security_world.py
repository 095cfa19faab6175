"""A small school for the security tests: two teachers, their classes and learners.

``build_world()`` runs inside an app context on a seeded database and returns
the ids the authorization matrix and the leakage tests fill URLs with:

* teacher A runs class A (learner L1) and built quiz QA for it;
* teacher B runs class B (learner L2) and built quiz QB for it;
* L1 has an open attempt at QA with its first question answered, and one
  answer on the Review page and an API token; teacher A has an article import and a finished export.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from itsdangerous import URLSafeTimedSerializer

from quizapp.app import create_app
from quizapp.extensions import db
from quizapp.models import Question
from tests.conftest import POSTGRES, make_config

ROLES = ("visitor", "learner", "other_learner", "teacher", "other_teacher")
#: who each role is: teacher A / learner L1 own the world's objects
USERNAMES = {
    "learner": "learner-one",
    "other_learner": "learner-two",
    "teacher": "teacher-a",
    "other_teacher": "teacher-b",
}
PASSWORD = "correct horse battery"

ARTICLE = """---
title: A council votes on the new library
published: 2023-03-01
---
The town council voted on Tuesday to build a new library, the mayor said.
"It will open next year," said Mayor Jane Doe, speaking in Springfield.
"""


def published_ids(qtype: str, limit: int) -> list[int]:
    return list(db.session.scalars(
        sa.select(Question.id).filter_by(status="published", type=qtype).order_by(Question.id).limit(limit)
    ))


def build_world() -> dict:
    """Create the users, classes, quizzes, attempt, review answer and import; return their ids."""
    from quizapp.services import (
        accounts, api_tokens, attempts, background, classes, drafts, quizzes, scheduling, scoring,
    )

    users = {role: accounts.create_user(name, PASSWORD, "teacher" if "teacher" in role else "learner").id
             for role, name in USERNAMES.items()}
    class_a = classes.create_class(users["teacher"], "Class A")
    class_b = classes.create_class(users["other_teacher"], "Class B")
    classes.join_class(users["learner"], class_a.code)
    classes.join_class(users["other_learner"], class_b.code)
    questions = published_ids("multiple_choice", 3)
    _give_an_image(questions[0])
    quiz_a = quizzes.save_quiz(users["teacher"], quizzes.QuizSettings(title="Quiz A for class A"), questions,
                               [class_a.id])
    quiz_b = quizzes.save_quiz(users["other_teacher"], quizzes.QuizSettings(title="Quiz B for class B"), questions,
                               [class_b.id])
    attempt = attempts.start_attempt(quiz_a, users["learner"])
    first = attempts.slot(attempt, 1)
    answer, _new = attempts.record_answer(attempt, 1, 0, 1000)
    # one answer given on the Review page (a log of source "review")
    data = first.data
    log = scheduling.review_answer(
        users["learner"], first.question_id, scoring.grade(data, 0).score, 1000,
        dt.datetime.now(dt.UTC).replace(tzinfo=None), source="review", question_type=data["type"],
        version_id=first.version_id, response=0,
    )
    db.session.commit()
    job = drafts.start_import(users["teacher"], "A council votes", None, ARTICLE)
    export = background.BackgroundJob(teacher_id=users["teacher"], kind="score_export", title="Export A",
                                      params={"kind": "gradebook", "fmt": "csv", "file": "world"})
    db.session.add(export)
    db.session.commit()
    background.run_job(export.id)  # teacher A's finished export, with its file
    token, _secret = api_tokens.create_token(users["learner"], "L1's script", "read", 30)  # L1's API token
    from quizapp.services import live

    run = live.start_session(quiz_a, users["teacher"], 20)  # teacher A's live session, a phone in it (issue 20)
    player = live.join(run, nickname="Visitor")
    return {
        "token": token.id,
        "job": export.id,
        "upload": _bank_upload(users["teacher"], first.data),
        "users": users,
        "class_a": class_a.id, "class_b": class_b.id,
        "quiz_a": quiz_a.id, "quiz_b": quiz_b.id, "slug_a": quiz_a.slug, "slug_b": quiz_b.slug,
        "attempt": attempt.id, "log": log.id, "import": job.id,
        "question": first.question_id, "answer": answer.id,
        "live_session": run.id, "live_code": run.code, "live_participant": player.id,
    }


#: The image the world's first question shows (its URL variable ``name``).
IMAGE_NAME = "world.png"


def _give_an_image(question_id: int) -> None:
    """A new version of the question whose stem shows an image (routes that serve images need one)."""
    from quizapp.services import bank
    from tests.media_helpers import b64, png

    data = db.session.get(Question, question_id).data
    stem = f'<p>{data["stem"]}</p><p><img src="@@PLUGINFILE@@/{IMAGE_NAME}" alt="a picture"></p>'
    bank.import_questions([{**data, "stem": stem, "stem_format": "html",
                            "files": [{"name": IMAGE_NAME, "mime": "image/png", "data": b64(png())}]}])


def _bank_upload(teacher_id: int, data: dict) -> int | None:
    """Teacher A's uploaded bank file, waiting for confirmation (when bank uploads exist)."""
    from quizapp.formats import get_format
    from quizapp.services import bank

    if not hasattr(bank, "stage_upload"):
        return None
    question = {**{k: v for k, v in data.items() if k != "files"}, "id": "security-upload-question", "status": "draft"}
    text = get_format("yaml").serialize([question])
    return bank.stage_upload(teacher_id, "one.yaml", text.encode()).id


def clone_database(source: Path, target: Path) -> None:
    """Copy a test database file (or clone the PostgreSQL database standing for it) and its job files."""
    if POSTGRES is not None:
        POSTGRES.for_key(str(target), template=POSTGRES.by_key[str(source)])
    else:
        shutil.copy(source, target)
    if (source.parent / "job-files").is_dir():  # the world's export files go with it
        shutil.copytree(source.parent / "job-files", target.parent / "job-files", dirs_exist_ok=True)


def log_in(client, app: Flask, user_id: int | None) -> None:
    """Sign ``client`` in as ``user_id`` (None: stay a visitor) without the password hash's cost."""
    if user_id is None:
        return
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True


def csrf_for(client, app: Flask) -> str:
    """A valid CSRF token for the client's session, as a form on a page would carry."""
    raw = "security-tests-" + str(id(client))
    with client.session_transaction() as session:
        session["csrf_token"] = raw
    return URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)


# --- fixtures: import them into a test module to use the world there -------------

@pytest.fixture(scope="module")
def world(tmp_path_factory, seeded_db):
    """(template path, ids): the world, built once per module into a template database."""
    path = tmp_path_factory.mktemp("world") / "world.sqlite"
    clone_database(seeded_db, path)
    app = create_app(make_config(path))
    with app.app_context():
        ids = build_world()
        db.session.remove()  # return the connection, so dispose() closes it and SQLite checkpoints its WAL
        db.engine.dispose()
    return path, ids


@pytest.fixture
def db_path(tmp_path, world):
    """Each test gets its own copy of the world (overrides conftest's seeded copy)."""
    path = tmp_path / "quizapp.sqlite"
    clone_database(world[0], path)
    return path
