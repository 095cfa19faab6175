"""Audit: who created, changed, approved, retired or rejected each question, and when, is kept
and shown to teachers on the question's history page."""

from __future__ import annotations

import re

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Question
from quizapp.models.security import AuditEvent
from tests.security_world import ARTICLE, csrf_for, log_in


def events(app, question_id: int) -> list[tuple[str, str | None, int | None]]:
    from quizapp.models import User

    with app.app_context():
        rows = db.session.execute(
            sa.select(AuditEvent.action, User.username, AuditEvent.version_number, AuditEvent.at)
            .outerjoin(User, User.id == AuditEvent.actor_id)
            .where(AuditEvent.question_id == question_id).order_by(AuditEvent.id)
        ).all()
    assert all(row.at is not None for row in rows)
    return [(row.action, row.username, row.version_number) for row in rows]


def history_rows(client, question_id: int) -> list[list[str]]:
    page = client.get(f"/teach/questions/{question_id}/history")
    assert page.status_code == 200
    rows = re.findall(r'<tr class="audit-[a-z]+">(.*?)</tr>', page.text, re.S)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)] for row in rows]


QUESTION = {
    "type": "true_false", "stem": "The council voted on Tuesday.", "stem_format": "plain",
    "answer": True, "tags": [], "status": "draft",
}


def test_create_edit_publish_retire_are_kept_and_shown(app, make_user):
    from quizapp.services import authoring

    alice, bob = make_user("alice", role="teacher"), make_user("bob", role="teacher")
    with app.app_context():
        question_id = authoring.create_question(dict(QUESTION), alice).id
        authoring.update_question(question_id, {**QUESTION, "stem": "The council voted on Monday."}, bob)
        authoring.publish_question(question_id, bob)
    client = app.test_client()
    log_in(client, app, alice)
    response = client.post(f"/teach/questions/{question_id}/retire", data={"csrf_token": csrf_for(client, app)})
    assert response.status_code == 302

    assert events(app, question_id) == [
        ("created", "alice", 1), ("edited", "bob", 2), ("published", "bob", 2), ("retired", "alice", 2),
    ]
    rows = history_rows(client, question_id)  # newest first
    assert [(r[1], r[2]) for r in rows] == [("retired", "alice"), ("published", "bob"), ("edited", "bob"),
                                           ("created", "alice")]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", r[0]) for r in rows)
    # the editor links to the history
    assert f'href="/teach/questions/{question_id}/history"' in client.get(f"/teach/questions/{question_id}/edit").text


def test_a_status_change_by_edit_is_kept(app, make_user):
    from quizapp.services import authoring

    alice = make_user("alice", role="teacher")
    with app.app_context():
        question_id = authoring.create_question(dict(QUESTION), alice).id
        authoring.update_question(question_id, {**QUESTION, "status": "retired"}, alice)
    assert events(app, question_id)[-1] == ("retired", "alice", 1)


def test_drafts_generated_approved_and_rejected_are_kept(app, make_user):
    from quizapp.services import drafts

    alice = make_user("alice", role="teacher")
    with app.app_context():
        job = drafts.start_import(alice, "A council votes", None, ARTICLE)
        drafts.run_import(job.id)
        ids = list(db.session.scalars(sa.select(Question.id).filter_by(import_id=job.id).order_by(Question.id)))
        assert len(ids) >= 2, "the article gave too few drafts for this test"
        drafts.approve(job.id, [ids[0]], alice)
        drafts.reject(job.id, [ids[1]], alice)
        drafts.restore(job.id, [ids[1]], alice)
        drafts.reject(job.id, [ids[1]], alice)
    assert events(app, ids[0]) == [("created", "alice", 1), ("approved", "alice", 1)]
    # the rejected draft is kept aside (restorable); its trail names each step
    assert events(app, ids[1]) == [("created", "alice", 1), ("rejected", "alice", 1), ("restored", "alice", 1),
                                   ("rejected", "alice", 1)]
    with app.app_context():
        assert db.session.get(Question, ids[1]).rejected_at is not None


def test_the_seed_bank_history_names_the_bank_loader(app, make_user):
    teacher = make_user("alice", role="teacher")
    with app.app_context():
        question_id = db.session.scalar(sa.select(Question.id).order_by(Question.id).limit(1))
    client = app.test_client()
    log_in(client, app, teacher)
    rows = history_rows(client, question_id)
    assert rows and rows[-1][1] == "created" and rows[-1][2] == "the bank loader"


def test_history_is_for_teachers_only(app, make_user):
    learner = make_user("lena")
    client = app.test_client()
    log_in(client, app, learner)
    assert client.get("/teach/questions/1/history").status_code == 403
    assert app.test_client().get("/teach/questions/1/history").status_code == 302
    teacher = app.test_client()
    log_in(teacher, app, make_user("alice", role="teacher"))
    assert teacher.get("/teach/questions/999999/history").status_code == 404
