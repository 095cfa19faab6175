"""Issue 14, point 16: co-teachers, and a bank that shows no other teacher's drafts.

Teacher A (the owner) names teacher B a co-teacher of quiz QA, class A or an
article import on that thing's page; B can then do what A does with it
(open, edit, export with answers, read the gradebook, review the drafts)
except changing its co-teachers. Removed, B gets 404 again. The bank page
lists published questions and the teacher's own drafts only.
"""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Question, Quiz
from tests.conftest import csrf_token
from tests.security_world import csrf_for, db_path, log_in, world  # noqa: F401  (fixtures)
from tests.test_authorization import OWNER_TEACHER, RULES, outcome, routes, url_values


def _client(app, user_id):
    client = app.test_client()
    log_in(client, app, user_id)
    return client


def _hide_quiz_a(app, ids) -> None:
    with app.app_context():
        db.session.get(Quiz, ids["quiz_a"]).is_published = False
        db.session.commit()


def _add(client, page_url: str, action_url: str, username: str):
    """Add a co-teacher through the form on the page (its own CSRF token)."""
    page = client.get(page_url)
    assert page.status_code == 200
    return client.post(action_url, data={"csrf_token": csrf_token(page.text), "username": username})


def _quiz_form_data(app, ids, client, **changes) -> dict:
    """What the quiz editor posts, filled from the quiz as it is."""
    with app.app_context():
        quiz = db.session.get(Quiz, ids["quiz_a"])
        data = {
            "title": quiz.title, "description": quiz.description, "selection": "hand",
            "questions": [e.question_id for e in quiz.entries], "grading_method": quiz.grading_method,
            "feedback_timing": quiz.feedback_timing, "classrooms": [c.id for c in quiz.classrooms],
            "shuffle_choices": "y", "pool_article": "0",
        }
        if quiz.is_published:
            data["is_published"] = "y"
    data["csrf_token"] = csrf_for(client, app)
    data.update(changes)
    return data


def _draft_stems(app, import_id: int) -> list[tuple[int, str]]:
    from quizapp.services import drafts

    with app.app_context():
        drafts.run_import(import_id)
        rows = db.session.execute(sa.select(Question.id, Question.stem).filter_by(import_id=import_id, status="draft")
                                  .order_by(Question.id)).all()
    assert rows, "the import made no draft"
    return [(qid, stem) for qid, stem in rows]


def test_a_co_teacher_can_open_edit_and_export_the_owners_unpublished_quiz_and_its_class_gradebook(app, world):
    ids = world[1]
    _hide_quiz_a(app, ids)
    owner, other = _client(app, ids["users"]["teacher"]), _client(app, ids["users"]["other_teacher"])
    edit_url, gradebook_url = f"/teach/quizzes/{ids['quiz_a']}/edit", f"/teach/classes/{ids['class_a']}/gradebook"
    export = {"quiz": ids["slug_a"], "format": "json"}
    assert other.get(edit_url).status_code == 404
    assert other.get("/teach/bank/export", query_string=export).status_code == 404

    added = _add(owner, edit_url, f"/teach/quizzes/{ids['quiz_a']}/co-teachers", "teacher-b")
    assert added.status_code == 302 and added.location.endswith(edit_url + "#co-teachers")
    assert "teacher-b is now a co-teacher" in owner.get(edit_url).text

    page = other.get(edit_url)
    assert page.status_code == 200 and "Quiz A for class A" in page.text
    assert "Owner: teacher-a" in page.text and 'name="username"' not in page.text  # no form for a co-teacher
    assert "Class A" in page.text  # the class B does not teach is named, and kept
    assert "Quiz A for class A" in other.get("/teach/quizzes").text
    # B's editor offers no box for class A (B does not teach it), so none is posted
    saved = other.post(edit_url, data=_quiz_form_data(app, ids, other, title="Quiz A, revised by B", classrooms=[]))
    assert saved.status_code == 302, saved.text
    with app.app_context():
        quiz = db.session.get(Quiz, ids["quiz_a"])
        assert quiz.title == "Quiz A, revised by B"
        assert [c.id for c in quiz.classrooms] == [ids["class_a"]]  # B's save left A's class on the quiz
        assert not quiz.is_published
    exported = other.get("/teach/bank/export", query_string=export)
    assert exported.status_code == 200 and '"choices"' in exported.text and '"weight"' in exported.text
    assert other.get(f"/teach/quizzes/{ids['quiz_a']}/statistics").status_code == 200

    # the class's gradebook is the class's: B needs to be named on the class too
    assert other.get(gradebook_url).status_code == 404
    added = _add(owner, f"/teach/classes/{ids['class_a']}", f"/teach/classes/{ids['class_a']}/co-teachers", "teacher-b")
    assert added.status_code == 302
    book = other.get(gradebook_url)
    assert book.status_code == 200 and "learner-one" in book.text and "Quiz A, revised by B" in book.text
    assert other.get(f"/teach/classes/{ids['class_a']}").status_code == 200
    scores = other.get(f"/teach/classes/{ids['class_a']}/export", query_string={"format": "csv"})
    assert scores.status_code == 200 and "learner-one" in scores.text
    assert "Class A" in other.get("/teach/classes").text


def test_a_removed_co_teacher_gets_404_again_and_both_changes_are_recorded(app, world):
    ids = world[1]
    _hide_quiz_a(app, ids)
    owner, other = _client(app, ids["users"]["teacher"]), _client(app, ids["users"]["other_teacher"])
    edit_url = f"/teach/quizzes/{ids['quiz_a']}/edit"
    assert _add(owner, edit_url, f"/teach/quizzes/{ids['quiz_a']}/co-teachers", "teacher-b").status_code == 302
    assert other.get(edit_url).status_code == 200

    page = owner.get(edit_url)
    action = f"/teach/quizzes/{ids['quiz_a']}/co-teachers/{ids['users']['other_teacher']}/remove"
    assert f'action="{action}"' in page.text
    removed = owner.post(action, data={"csrf_token": csrf_token(page.text)})
    assert removed.status_code == 302
    assert "teacher-b is no longer a co-teacher" in owner.get(edit_url).text

    assert other.get(edit_url).status_code == 404
    assert other.get("/teach/bank/export", query_string={"quiz": ids["slug_a"]}).status_code == 404
    assert other.get(f"/teach/quizzes/{ids['quiz_a']}/statistics").status_code == 404
    assert "Quiz A for class A" not in other.get("/teach/quizzes").text
    from quizapp.models import CoTeacherEvent

    with app.app_context():
        events = db.session.scalars(sa.select(CoTeacherEvent).order_by(CoTeacherEvent.id)).all()
        assert [(e.kind, e.thing_id, e.action, e.teacher_id, e.actor_id) for e in events] == [
            ("quiz", ids["quiz_a"], "added", ids["users"]["other_teacher"], ids["users"]["teacher"]),
            ("quiz", ids["quiz_a"], "removed", ids["users"]["other_teacher"], ids["users"]["teacher"]),
        ]
    history = owner.get(edit_url).text
    assert "teacher-a added teacher-b" in history and "teacher-a removed teacher-b" in history


def test_only_the_owner_names_co_teachers_and_the_form_needs_its_csrf_token(app, world):
    from quizapp.models import CoTeacher
    from quizapp.services import co_teachers

    ids = world[1]
    owner, other = _client(app, ids["users"]["teacher"]), _client(app, ids["users"]["other_teacher"])
    add_url = f"/teach/quizzes/{ids['quiz_a']}/co-teachers"

    # another teacher cannot even see the quiz
    response = other.post(add_url, data={"csrf_token": csrf_for(other, app), "username": "teacher-b"})
    assert response.status_code == 404
    # without the form's token nothing happens, even for the owner
    response = owner.post(add_url, data={"username": "teacher-b"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CoTeacher)) == 0

    # a co-teacher sees the list but may not change it
    with app.app_context():
        co_teachers.add_co_teacher("quiz", ids["quiz_a"], ids["users"]["teacher"], "teacher-b")
        third = _make_teacher("teacher-c")
    response = other.post(add_url, data={"csrf_token": csrf_for(other, app), "username": "teacher-c"})
    assert response.status_code == 403
    remove = f"{add_url}/{ids['users']['other_teacher']}/remove"
    assert other.post(remove, data={"csrf_token": csrf_for(other, app)}).status_code == 403
    with app.app_context():
        rows = db.session.scalars(sa.select(CoTeacher.user_id).filter_by(quiz_id=ids["quiz_a"])).all()
        assert rows == [ids["users"]["other_teacher"]] and third not in rows


def _make_teacher(name: str) -> int:
    from tests.security_world import PASSWORD
    from quizapp.services import accounts

    return accounts.create_user(name, PASSWORD, "teacher").id


@pytest.mark.parametrize("username", ["nobody-at-all", "learner-one"])
def test_an_unknown_name_and_a_learner_get_the_same_clear_message(app, world, username):
    from quizapp.models import CoTeacher

    ids = world[1]
    owner = _client(app, ids["users"]["teacher"])
    class_url = f"/teach/classes/{ids['class_a']}"
    response = _add(owner, class_url, f"{class_url}/co-teachers", username)
    assert response.status_code == 302
    page = owner.get(class_url).text
    assert f"There is no teacher called “{username}”" in page
    assert "learner" not in page.split("Co-teachers")[-1].replace(f"“{username}”", "")  # nothing about learners
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CoTeacher)) == 0


def test_a_typed_username_is_shown_escaped(app, world):
    ids = world[1]
    owner = _client(app, ids["users"]["teacher"])
    class_url = f"/teach/classes/{ids['class_a']}"
    _add(owner, class_url, f"{class_url}/co-teachers", "<b>x</b>")
    page = owner.get(class_url).text
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page


def test_a_co_teacher_of_an_import_reviews_its_drafts(app, world):
    ids = world[1]
    drafts = _draft_stems(app, ids["import"])
    draft_id = drafts[0][0]
    owner, other = _client(app, ids["users"]["teacher"]), _client(app, ids["users"]["other_teacher"])
    import_url = f"/teach/imports/{ids['import']}"
    assert other.get(import_url).status_code == 404
    assert other.get(f"/teach/questions/{draft_id}/edit").status_code == 404

    assert _add(owner, import_url, f"{import_url}/co-teachers", "teacher-b").status_code == 302
    page = other.get(import_url)
    assert page.status_code == 200 and "A council votes" in page.text
    assert "A council votes" in other.get("/teach/imports").text
    assert other.get(f"/teach/questions/{draft_id}/edit").status_code == 200
    approved = other.post(f"{import_url}/review", data={"csrf_token": csrf_token(page.text), "action": "approve",
                                                          "question_ids": [draft_id]})
    assert approved.status_code == 302
    with app.app_context():
        assert db.session.get(Question, draft_id).status == "published"


def test_the_bank_never_shows_another_teachers_draft_titles(app, world):
    ids = world[1]
    drafts = _draft_stems(app, ids["import"])
    owner, other = _client(app, ids["users"]["teacher"]), _client(app, ids["users"]["other_teacher"])
    word = "library"
    assert any(word in stem for _, stem in drafts)

    def listed(client, **args) -> str:
        response = client.get("/teach/questions", query_string=args)
        assert response.status_code == 200
        return response.text

    def count(html: str) -> int:
        return int(re.search(r'<p class="count">(\d+) question', html).group(1))

    mine = listed(owner, q=word)
    assert count(mine) >= 1 and any(_escaped(stem)[:60] in mine for _, stem in drafts)
    for args in ({}, {"q": word}, {"status": "draft"}, {"q": word, "status": "draft"}):
        page = listed(other, **args)
        for _, stem in drafts:
            assert _escaped(stem)[:60] not in page, (args, stem)
    assert count(listed(other, q=word)) == 0
    assert count(listed(other, status="draft")) == count(listed(owner, status="draft")) - len(drafts)
    # the filters do not offer what only the drafts have (their article)
    assert "A council votes" not in listed(other) and "A council votes" in listed(owner)
    # nor does the bank export
    export = other.get("/teach/bank/export", query_string={"format": "json"})
    assert export.status_code == 200
    assert not {stem for _, stem in drafts} & _exported_stems(export.text)
    own_export = owner.get("/teach/bank/export", query_string={"format": "json"})
    assert {stem for _, stem in drafts} <= _exported_stems(own_export.text)

    # a co-teacher of the import sees them like the owner
    from quizapp.services import co_teachers

    with app.app_context():
        co_teachers.add_co_teacher("import", ids["import"], ids["users"]["teacher"], "teacher-b")
    assert count(listed(other, q=word)) == count(mine)


def _exported_stems(text: str) -> set[str]:
    data = json.loads(text)
    questions = data["questions"] if isinstance(data, dict) else data
    return {q["stem"] for q in questions}


def _escaped(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


#: what a co-teacher of teacher A's quiz, class and import gets on each route only an owner may use
CO_TEACHER_RULES = {
    # bank uploads belong to the teacher who uploaded them: no co-teachers
    ("teach.bank_import_preview", "GET"): "404",
    ("teach.bank_import_confirm", "POST"): "404",
    # so does the work a teacher started in the background (an export of all their classes)
    ("teach.job_detail", "GET"): "404",
    ("teach.job_download", "GET"): "404",
    ("teach.job_delete", "POST"): "404",
    # only the owner changes co-teachers
    ("teach.quiz_co_teacher_add", "POST"): "403",
    ("teach.quiz_co_teacher_remove", "POST"): "403",
    ("teach.class_co_teacher_add", "POST"): "403",
    ("teach.class_co_teacher_remove", "POST"): "403",
    ("teach.import_co_teacher_add", "POST"): "403",
    ("teach.import_co_teacher_remove", "POST"): "403",
}


def test_a_co_teacher_may_use_every_owner_route_but_the_co_teacher_forms(app, world):
    """The authorization matrix's owner-only routes, walked as teacher B named on A's quiz, class and import."""
    from flask import url_for

    from quizapp.services import co_teachers

    ids = world[1]
    owner_routes = sorted(key for key, rule in RULES.items() if rule == OWNER_TEACHER)
    assert set(CO_TEACHER_RULES) <= set(owner_routes)
    with app.app_context():
        for kind, thing in (("quiz", ids["quiz_a"]), ("class", ids["class_a"]), ("import", ids["import"])):
            co_teachers.add_co_teacher(kind, thing, ids["users"]["teacher"], "teacher-b")
    got, expected = {}, {}
    for endpoint, method in owner_routes:
        rule = routes(app)[(endpoint, method)]
        with app.test_request_context():
            values = url_values(ids)
            url = url_for(endpoint, **{arg: values[arg] for arg in rule.arguments})
        client = _client(app, ids["users"]["other_teacher"])
        if method == "GET":
            response = client.get(url)
        else:
            response = client.open(url, method=method, data={"csrf_token": csrf_for(client, app)})
        got[(endpoint, method)] = outcome(response)
        expected[(endpoint, method)] = CO_TEACHER_RULES.get((endpoint, method), "ok")
        response.close()
    assert got == expected
