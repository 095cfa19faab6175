"""Issue 14, point 17: bank imports write audit events (who imported what, and when)."""

from __future__ import annotations

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Question
from quizapp.models.security import AuditEvent

BANK = """questions:
  - id: audit-import-one
    type: true_false
    stem: The council voted on Tuesday.
    answer: true
    status: published
  - id: audit-import-two
    type: true_false
    stem: The library opens next year.
    answer: true
    status: draft
"""


def _events(app, uid):
    with app.app_context():
        return [(e.action, e.actor_id, e.version_number, e.detail)
                for e in db.session.scalars(sa.select(AuditEvent).filter_by(question_uid=uid).order_by(AuditEvent.id))]


def test_a_teachers_import_is_recorded_with_its_author(app, make_user):
    from quizapp.formats import get_format
    from quizapp.services import bank

    teacher = make_user("tess", "teacher")
    with app.app_context():
        questions = get_format("yaml").parse(BANK)
        bank.import_questions(questions, author_id=teacher, fmt="yaml")
    assert _events(app, "audit-import-one") == [("imported", teacher, 1, "new, from a YAML file")]
    changed = BANK.replace("voted on Tuesday", "voted on Wednesday")
    with app.app_context():
        bank.import_questions(get_format("yaml").parse(changed), author_id=teacher, fmt="yaml")
    assert _events(app, "audit-import-one")[-1] == ("imported", teacher, 2, "changed, from a YAML file")
    assert len(_events(app, "audit-import-two")) == 1  # unchanged: no new event


def test_cli_import_shows_on_the_question_history(app, runner, tmp_path, make_user):
    path = tmp_path / "bank.yaml"
    path.write_text(BANK, encoding="utf-8")
    result = runner.invoke(args=["bank", "import", str(path)])
    assert result.exit_code == 0, result.output
    teacher = make_user("tess", "teacher")
    with app.app_context():
        qid = db.session.scalar(sa.select(Question.id).filter_by(uid="audit-import-one"))
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(teacher)
    page = client.get(f"/teach/questions/{qid}/history")
    assert page.status_code == 200 and "imported" in page.text and "from a YAML file" in page.text
