"""Issue 4's whole journey, each step through the real pages with CSRF on:
a teacher made by `quizapp user create` creates a class, pastes an article,
approves drafts, builds a quiz for the class; a learner joins and takes it;
the teacher reads the gradebook and the item statistics."""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Question, Quiz
from tests.conftest import csrf_token
from tests.quiz.test_taking import answer_fields, attempt_id_of, layout, post_answer
from tests.teach.test_quizzes import build_quiz, create_class, join, switch

ARTICLE = Path(__file__).resolve().parent.parent / "data" / "articles" / "teach-harbor-bridge.txt"


def test_teacher_journey_from_user_create_to_item_statistics(app, client, auth, runner, make_user):
    app.config["DRAFTS_RUN_INLINE"] = True
    created = runner.invoke(args=["user", "create", "tess", "--role", "teacher", "--password-stdin"],
                            input="correct horse\n")
    assert created.exit_code == 0, created.output
    make_user("lea")
    auth.login("tess")

    code, class_id = create_class(client, "Civics 9")

    page = client.get("/teach/imports/new")
    response = client.post("/teach/imports/new", content_type="multipart/form-data", data={
        "title": "City council approves funding for new harbor bridge", "published": "2024-05-15",
        "text": ARTICLE.read_text(encoding="utf-8"), "csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    import_url = response.location
    review_page = client.get(import_url)
    assert "<mark>" in review_page.text  # each draft beside its highlighted sentence
    ids = [int(i) for i in re.findall(r'name="question_ids" value="(\d+)"', review_page.text)]
    assert len(set(ids)) >= 4
    approved = sorted(set(ids))[:4]
    result = client.post(import_url + "/review", data={
        "action": "approve", "question_ids": [str(i) for i in approved], "csrf_token": csrf_token(review_page.text)})
    assert result.status_code == 302
    with app.app_context():
        statuses = db.session.scalars(sa.select(Question.status).where(Question.id.in_(approved))).all()
    assert statuses == ["published"] * 4

    built = build_quiz(client, title="Harbor bridge", questions=[str(i) for i in approved],
                       classrooms=[str(class_id)])
    assert built.status_code == 302, built.text
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz).filter_by(title="Harbor bridge"))
        slug, quiz_id = quiz.slug, quiz.id

    switch(client, auth, "lea")
    assert join(client, code).status_code == 302
    assert "Harbor bridge" in client.get("/").text
    page = client.get(f"/quizzes/{slug}")
    start = client.post(f"/quizzes/{slug}/start", data={"csrf_token": csrf_token(page.text)})
    attempt_id = attempt_id_of(start.location)
    for position, (data, order) in enumerate(layout(app, attempt_id), 1):
        post_answer(client, f"/attempts/{attempt_id}/q/{position}", answer_fields(data, order, right=position != 1))
    client.post(f"/attempts/{attempt_id}/finish", data={"csrf_token": csrf_token(client.get("/").text)})
    assert "75%" in client.get(f"/attempts/{attempt_id}/review").text

    switch(client, auth, "tess")
    gradebook = client.get(f"/teach/classes/{class_id}/gradebook")
    assert gradebook.status_code == 200
    assert "lea" in gradebook.text and "Harbor bridge" in gradebook.text and "75%" in gradebook.text
    cell = re.search(rf'href="(/teach/classes/{class_id}/learners/\d+/quizzes/{quiz_id})"', gradebook.text)
    assert cell and "Attempt" in client.get(cell.group(1)).text
    stats = client.get(f"/teach/quizzes/{quiz_id}/statistics")
    assert stats.status_code == 200 and "Facility" in stats.text and "Discrimination" in stats.text


def test_gradebook_links_to_mastery_and_every_download(app, client, auth, make_user):
    make_user("tess", "teacher")
    auth.login("tess")
    _, class_id = create_class(client, "Civics 9")
    page = client.get(f"/teach/classes/{class_id}/gradebook").text
    assert f"/teach/classes/{class_id}/mastery" in page
    links = re.findall(rf'href="(/teach/classes/{class_id}/export\?[^"]+)"', page)
    assert len(links) == 8
    for link in links:
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, link
        response.close()
