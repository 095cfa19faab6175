"""A quiz from an article in one step (issue 16, point 8): its approved questions, the teacher's title."""

from __future__ import annotations

import re

import sqlalchemy as sa

from quizapp.models import Question, Quiz, QuizQuestion
from quizapp.services import accounts
from tests.conftest import count, csrf_token
from tests.teach.test_drafts import PASSWORD, HARBOR_TITLE, draft_ids, inline, paste_harbor, review, teacher  # noqa: F401


def make_quiz(client, import_id, title, token=None):
    if token is None:
        token = csrf_token(client.get(f"/teach/imports/{import_id}").text)
    return client.post(f"/teach/imports/{import_id}/quiz", data={"title": title, "csrf_token": token})


def test_the_approved_questions_become_a_quiz_the_teacher_lands_on(client, teacher, inline, query, scalar):
    import_id = paste_harbor(client)
    ids = draft_ids(query, import_id)
    assert "Make a quiz from this article" not in client.get(f"/teach/imports/{import_id}").text  # nothing approved yet
    review(client, import_id, "approve", ids[:3])
    review(client, import_id, "reject", ids[3:4])
    html = client.get(f"/teach/imports/{import_id}").text
    assert "Make a quiz from this article" in html
    assert re.search(rf'name="title" value="{re.escape(HARBOR_TITLE)}"', html)  # prefilled, editable

    response = make_quiz(client, import_id, "Harbor bridge <b>check</b>")
    assert response.status_code == 302
    quiz_id = int(re.fullmatch(r"/teach/quizzes/(\d+)/edit", response.headers["Location"])[1])
    page = client.get(response.headers["Location"]).text
    assert "made with 3 questions from the article" in page and "not published yet" in page
    assert "Harbor bridge &lt;b&gt;check&lt;/b&gt;" in page and "<b>check</b>" not in page
    entries = [row[0] for row in query(sa.select(QuizQuestion.question_id).where(QuizQuestion.quiz_id == quiz_id)
                                       .order_by(QuizQuestion.question_id))]
    assert entries == ids[:3]  # neither the pending drafts nor the rejected one
    quiz = query(sa.select(Quiz.title, Quiz.is_published, Quiz.created_by_id).where(Quiz.id == quiz_id))[0]
    assert quiz == ("Harbor bridge <b>check</b>", False, teacher)


def test_no_quiz_without_approved_questions_or_a_title(client, teacher, inline, query, scalar):
    import_id = paste_harbor(client)
    response = make_quiz(client, import_id, "Too early")
    assert response.headers["Location"].endswith(f"/teach/imports/{import_id}#make-quiz")
    assert "No quiz was made: Approve some drafts first" in client.get(response.headers["Location"]).text
    review(client, import_id, "approve", draft_ids(query, import_id)[:1])
    response = make_quiz(client, import_id, "   ")
    assert "No quiz was made: Give the quiz a title." in client.get(response.headers["Location"]).text
    response = make_quiz(client, import_id, "x" * 201)
    assert "No quiz was made" in client.get(response.headers["Location"]).text
    assert scalar(count(Quiz).where(Quiz.origin == "teacher")) == 0


def test_another_teacher_and_a_missing_csrf_token_make_nothing(client, teacher, inline, auth, app, query, scalar):
    import_id = paste_harbor(client)
    review(client, import_id, "approve", draft_ids(query, import_id)[:2])
    assert client.post(f"/teach/imports/{import_id}/quiz", data={"title": "No token"}).status_code == 400
    auth.logout()
    with app.app_context():
        accounts.create_user("other", PASSWORD, "teacher")
    auth.login("other", PASSWORD)
    token = csrf_token(client.get("/teach/imports").text)
    assert make_quiz(client, import_id, "Not mine", token).status_code == 404
    assert make_quiz(client, import_id + 99, "Nobody's", token).status_code == 404
    assert scalar(count(Quiz).where(Quiz.origin == "teacher")) == 0


def group_of(html: str, title: str) -> str:
    match = re.search(rf"<legend>{re.escape(title)}</legend>(.*?)</fieldset>", html, re.S)
    assert match, f"no group for {title!r}"
    return match[1]


def test_the_builder_groups_questions_by_article_and_says_which_are_still_drafts(client, teacher, inline, query):
    import_id = paste_harbor(client)
    ids = draft_ids(query, import_id)
    review(client, import_id, "approve", ids[:2])
    review(client, import_id, "reject", ids[2:3])
    stems = dict(query(sa.select(Question.id, Question.stem).where(Question.id.in_(ids))))
    html = client.get("/teach/quizzes/new").text
    harbor = group_of(html, HARBOR_TITLE)
    for question_id in ids[:2]:
        assert f'name="questions" value="{question_id}"' in harbor
    assert f'value="{ids[3]}"' not in harbor  # a draft cannot be picked...
    waiting = len(ids) - 3
    assert f"{waiting} more questions are still Draft and cannot be picked" in harbor  # ...and the page says so
    assert f'href="/teach/imports/{import_id}">review them</a>' in harbor
    other = re.findall(r"<legend>([^<]+)</legend>", html)
    assert len(other) > 2 and other.count(HARBOR_TITLE) == 1  # the seed bank's articles have groups of their own

    word = stems[ids[0]].split()[-1].strip('?".')
    found = client.get("/teach/quizzes/new", query_string={"q": word}).text
    assert f'value="{ids[0]}"' in found
    assert all(word.lower() in stem.lower() for stem in re.findall(r'name="questions" value="\d+"> ([^<]+)</label>', found))
    assert "No published question holds “zzqx”." in client.get("/teach/quizzes/new?q=zzqx").text


def test_a_search_keeps_the_picked_questions_it_hides(client, teacher, inline, query):
    import_id = paste_harbor(client)
    ids = draft_ids(query, import_id)
    review(client, import_id, "approve", ids[:2])
    edit = make_quiz(client, import_id, "Harbor").headers["Location"]
    html = client.get(edit + "?q=zzqx").text
    for question_id in ids[:2]:
        assert f'<input type="hidden" name="questions" value="{question_id}">' in html
    assert "2 picked questions this search hides stay in the quiz." in html
    assert 'form="question-search"' in html and '<form id="question-search" method="get"' in html
