"""Issue 14, point 16: drafts and unpublished quizzes belong to their teacher.

Teacher A's import drafts and class quiz are not another teacher's to read,
export, edit, publish or retire; the shared bank's published questions stay
shared (and every edit is recorded)."""

from __future__ import annotations

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Question
from quizapp.models.security import AuditEvent
from tests.security_world import csrf_for, db_path, log_in, world  # noqa: F401  (fixtures)


def _draft_of_teacher_a(app, ids) -> int:
    from quizapp.services import drafts

    with app.app_context():
        drafts.run_import(ids["import"])
        draft = db.session.scalar(sa.select(Question.id).filter_by(import_id=ids["import"], status="draft")
                                  .order_by(Question.id))
    assert draft is not None, "the import made no draft"
    return draft


def _client(app, user_id):
    client = app.test_client()
    log_in(client, app, user_id)
    return client


def test_another_teacher_cannot_export_a_class_quiz(app, world):
    ids = world[1]
    other = _client(app, ids["users"]["other_teacher"])
    response = other.get("/teach/bank/export", query_string={"quiz": ids["slug_a"], "format": "json"})
    assert response.status_code == 404
    assert "Quiz A" not in response.text and '"choices"' not in response.text
    own = _client(app, ids["users"]["teacher"]).get("/teach/bank/export",
                                                     query_string={"quiz": ids["slug_a"], "format": "json"})
    assert own.status_code == 200 and '"choices"' in own.text


def test_an_unpublished_quiz_is_its_teachers_alone(app, world):
    from quizapp.models import Quiz

    ids = world[1]
    with app.app_context():
        quiz = db.session.get(Quiz, ids["quiz_a"])
        quiz.is_published = False
        quiz.classrooms = []  # even with no class, a draft quiz stays private
        db.session.commit()
    other = _client(app, ids["users"]["other_teacher"])
    assert other.get("/teach/bank/export", query_string={"quiz": ids["slug_a"]}).status_code == 404
    own = _client(app, ids["users"]["teacher"])
    assert own.get("/teach/bank/export", query_string={"quiz": ids["slug_a"]}).status_code == 200


def test_bank_quizzes_stay_exportable_by_every_teacher(app, world):
    from quizapp.models import Quiz

    ids = world[1]
    with app.app_context():
        slug = db.session.scalar(sa.select(Quiz.slug).filter_by(origin="bank", is_published=True).limit(1))
    other = _client(app, ids["users"]["other_teacher"])
    assert other.get("/teach/bank/export", query_string={"quiz": slug}).status_code == 200


def test_another_teacher_cannot_open_edit_publish_or_retire_import_drafts(app, world):
    ids = world[1]
    draft = _draft_of_teacher_a(app, ids)
    other = _client(app, ids["users"]["other_teacher"])
    for url in (f"/teach/questions/{draft}/edit", f"/teach/questions/{draft}/preview",
                f"/teach/questions/{draft}/history"):
        assert other.get(url).status_code == 404, url
    edit = other.post(f"/teach/questions/{draft}/edit",
                      data={"csrf_token": csrf_for(other, app), "stem": "Taken over", "status": "published"})
    assert edit.status_code == 404
    retire = other.post(f"/teach/questions/{draft}/retire", data={"csrf_token": csrf_for(other, app)})
    assert retire.status_code == 404
    with app.app_context():
        question = db.session.get(Question, draft)
        assert question.status == "draft" and question.current.number == 1
    owner = _client(app, ids["users"]["teacher"])
    assert owner.get(f"/teach/questions/{draft}/edit").status_code == 200


def test_published_questions_stay_shared_and_edits_are_recorded(app, world):
    ids = world[1]
    other = _client(app, ids["users"]["other_teacher"])
    assert other.get(f"/teach/questions/{ids['question']}/edit").status_code == 200
    retire = other.post(f"/teach/questions/{ids['question']}/retire", data={"csrf_token": csrf_for(other, app)})
    assert retire.status_code == 302
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).filter_by(question_id=ids["question"], action="retired"))
        assert event is not None and event.actor_id == ids["users"]["other_teacher"]
