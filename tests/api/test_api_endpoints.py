"""Each endpoint's happy path and its refusals, as a script using a token would see them."""

from __future__ import annotations

import csv
import io
import json
import time

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Attempt, Question, QuestionVersion, Quiz, QuizQuestion
from tests.api.conftest import error_of
from tests.conftest import count
from tests.security_world import ARTICLE
from tests.test_query_counts import counting
from tests.test_security_leakage import secrets_of

TRUE_FALSE = {"type": "true_false", "stem": "The council voted to build a new library.", "answer": True}


# --- questions ----------------------------------------------------------------------

def test_question_list_pages_and_searches(api, scalar):
    total = scalar(count(Question).where(Question.status != "draft", Question.rejected_at.is_(None),
                                         Question.current_version_id.is_not(None)))
    first = api.get("/questions?per_page=5&status=published").get_json()
    assert first["page"] == 1 and first["per_page"] == 5 and len(first["items"]) == 5
    second = api.get("/questions?per_page=5&page=2&status=published").get_json()
    assert not {q["id"] for q in first["items"]} & {q["id"] for q in second["items"]}
    assert [q["id"] for q in first["items"]] == sorted((q["id"] for q in first["items"]), reverse=True)
    everything = api.get("/questions?per_page=100").get_json()
    assert everything["total"] >= total >= 1 and everything["pages"] == -(-everything["total"] // 100)
    past_the_end = api.get(f"/questions?per_page=100&page={everything['pages'] + 1}").get_json()
    assert past_the_end["items"] == [] and past_the_end["total"] == everything["total"]
    word = first["items"][0]["stem"].split()[0]
    found = api.get(f"/questions?q={word}&per_page=100").get_json()
    assert found["total"] >= 1 and all(word.lower() in q["stem"].lower() for q in found["items"])
    assert api.get("/questions?q=zzzz-no-question-says-this").get_json()["total"] == 0


def test_question_list_refuses_bad_paging_and_filters(api):
    for query, where in (("page=0", "page"), ("page=x", "page"), ("per_page=101", "per_page"),
                         ("per_page=-1", "per_page"), ("status=lost", "status"), ("type=riddle", "type")):
        assert error_of(api.get(f"/questions?{query}"), 400)["where"] == where


def test_create_get_update_and_retire_a_question(api, app, ids, scalar):
    created = api.post("/questions", json=TRUE_FALSE)
    assert created.status_code == 201
    question = created.get_json()
    assert created.headers["Location"].endswith(f"/api/v1/questions/{question['id']}")
    assert (question["status"], question["version"], question["data"]["answer"]) == ("draft", 1, True)
    assert api.get(f"/questions/{question['id']}").get_json() == question

    same = api.put(f"/questions/{question['id']}", json=question["data"]).get_json()
    assert same["version"] == 1  # no change of content, no new version
    changed = api.put(f"/questions/{question['id']}", json={**question["data"], "answer": False,
                                                             "status": "published"}).get_json()
    assert (changed["version"], changed["status"], changed["data"]["answer"]) == (2, "published", False)
    assert scalar(count(QuestionVersion).where(QuestionVersion.question_id == question["id"])) == 2

    # a question in a quiz leaves it when retired; the world's question is in QA, QB and bank quizzes
    in_quizzes = scalar(count(QuizQuestion).where(QuizQuestion.question_id == ids["question"]))
    assert in_quizzes >= 2
    retired = api.post(f"/questions/{ids['question']}/retire").get_json()
    assert retired["status"] == "retired"
    assert scalar(count(QuizQuestion).where(QuizQuestion.question_id == ids["question"])) == 0


def test_another_teachers_draft_is_404_but_a_published_question_is_shared(api):
    draft = api.post("/questions", json=TRUE_FALSE).get_json()
    assert error_of(api.get(f"/questions/{draft['id']}", as_="other_teacher"), 404)
    assert error_of(api.put(f"/questions/{draft['id']}", as_="other_teacher", json=TRUE_FALSE), 404)
    assert error_of(api.post(f"/questions/{draft['id']}/retire", as_="other_teacher"), 404)
    listed = api.get("/questions?per_page=100&status=draft", as_="other_teacher").get_json()["items"]
    assert draft["id"] not in [q["id"] for q in listed]
    api.put(f"/questions/{draft['id']}", json={**TRUE_FALSE, "status": "published"})
    assert api.get(f"/questions/{draft['id']}", as_="other_teacher").status_code == 200


def test_invalid_questions_and_bodies_change_nothing(api, ids, scalar):
    before = (scalar(count(Question)), scalar(count(QuestionVersion)))
    invalid = error_of(api.post("/questions", json={"type": "multiple_choice", "stem": "Which?",
                                                    "choices": [{"text": "A", "weight": 0}]}), 422)
    assert invalid["code"] == "invalid" and invalid["problems"]
    assert all({"field", "message"} == set(p) for p in invalid["problems"])
    assert error_of(api.post("/questions", data="{oops", content_type="application/json"), 400)["code"] == "bad_json"
    assert error_of(api.post("/questions", json=["a", "list"]), 400)["code"] == "bad_json"
    assert error_of(api.post("/questions", data=b"\xff\xfe", content_type="application/json"), 400)
    current = api.get(f"/questions/{ids['question']}").get_json()
    retyped = error_of(api.put(f"/questions/{ids['question']}", json={**current["data"], "type": "true_false",
                                                                      "answer": True}), 422)
    assert any(p["field"] == "type" for p in retyped["problems"])
    assert (scalar(count(Question)), scalar(count(QuestionVersion))) == before
    assert api.get(f"/questions/{ids['question']}").get_json() == current


# --- quizzes and classes ---------------------------------------------------------------

def test_quizzes_a_learner_sees_and_what_they_show(api, ids):
    slugs = [q["slug"] for q in api.get("/quizzes?per_page=100", as_="learner").get_json()["items"]]
    assert ids["slug_a"] in slugs and ids["slug_b"] not in slugs
    quiz = api.get(f"/quizzes/{ids['slug_a']}", as_="learner").get_json()
    assert quiz["title"] == "Quiz A for class A" and quiz["question_count"] == 3
    assert "questions" not in quiz and "class_ids" not in quiz
    assert error_of(api.get(f"/quizzes/{ids['slug_b']}", as_="learner"), 404)
    paged = api.get("/quizzes?per_page=1&page=2", as_="learner").get_json()
    assert len(paged["items"]) == 1 and paged["total"] == len(slugs)


def test_a_quizs_teachers_see_its_questions(api, ids):
    for teacher in ("teacher", "co_teacher"):
        quiz = api.get(f"/quizzes/{ids['slug_a']}", as_=teacher).get_json()
        assert len(quiz["questions"]) == 3 and quiz["class_ids"] == [ids["class_a"]]
        assert set(quiz["questions"][0]) == {"id", "uid", "type", "stem"}


def test_classes_for_teachers_and_learners(api, ids):
    assert [c["name"] for c in api.get("/classes").get_json()["items"]] == ["Class A"]
    assert [c["name"] for c in api.get("/classes", as_="co_teacher").get_json()["items"]] == ["Class A"]
    assert [c["name"] for c in api.get("/classes", as_="other_learner").get_json()["items"]] == ["Class B"]
    detail = api.get(f"/classes/{ids['class_a']}").get_json()
    assert [u["username"] for u in detail["roster"]] == ["learner-one"] and detail["code"]
    mine = api.get(f"/classes/{ids['class_a']}", as_="learner").get_json()
    assert mine["name"] == "Class A" and mine["teacher"] == "teacher-a"
    assert "roster" not in mine and "code" not in mine
    assert error_of(api.get(f"/classes/{ids['class_b']}", as_="learner"), 404)
    assert error_of(api.get("/classes/999999"), 404)


# --- scores and the stream --------------------------------------------------------------------

def _finish_l1(app, ids):
    from quizapp.services import attempts

    with app.app_context():
        attempt = db.session.get(Attempt, ids["attempt"])
        for position in (2, 3):
            attempts.record_answer(attempt, position, 0, 1000)
        attempts.finish_attempt(db.session.get(Attempt, ids["attempt"]))
        return round(db.session.get(Attempt, ids["attempt"]).percent, 2)


def test_class_scores_paged(api, app, ids):
    percent = _finish_l1(app, ids)
    scores = api.get(f"/classes/{ids['class_a']}/scores").get_json()
    assert scores["total"] == 1 and scores["pages"] == 1
    assert [q["slug"] for q in scores["quizzes"]] == [ids["slug_a"]]
    (row,) = scores["items"]
    assert row["learner"]["username"] == "learner-one"
    assert row["grades"] == [{"quiz": ids["slug_a"], "grade": percent, "finished": 1, "in_progress": 0}]
    assert api.get(f"/classes/{ids['class_a']}/scores?page=2").get_json()["items"] == []
    assert api.get(f"/classes/{ids['class_a']}/scores", as_="co_teacher").get_json()["items"] == [row]


def test_a_whole_class_streams_as_json_lines_and_csv(api, app, ids):
    percent = _finish_l1(app, ids)
    response = api.get(f"/classes/{ids['class_a']}/export")
    assert response.status_code == 200 and response.mimetype == "application/x-ndjson"
    assert response.is_streamed
    lines = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert lines == [{"learner": "learner-one", "classes": "Class A", f"Quiz A for class A ({ids['slug_a']})": percent}]
    responses = api.get(f"/classes/{ids['class_a']}/export?kind=responses&format=csv")
    assert responses.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(responses.get_data(as_text=True))))
    assert len(rows) == 3 and {r["learner"] for r in rows} == {"learner-one"}
    assert error_of(api.get(f"/classes/{ids['class_a']}/export?format=xlsx"), 400)["where"] == "format"
    assert error_of(api.get(f"/classes/{ids['class_a']}/export?kind=everything"), 400)["where"] == "kind"
    assert error_of(api.get(f"/classes/{ids['class_a']}/export?since=yesterday"), 400)["where"] == "since"
    assert error_of(api.get(f"/classes/{ids['class_a']}/export", as_="other_teacher"), 404)


# --- a learner's attempts ------------------------------------------------------------------------

def test_a_learner_sees_own_attempts_and_feedback_only_when_due(api, app, ids):
    listed = api.get("/attempts", as_="learner").get_json()
    assert [a["id"] for a in listed["items"]] == [ids["attempt"]] and listed["total"] == 1
    assert api.get("/attempts", as_="other_learner").get_json()["items"] == []
    detail = api.get(f"/attempts/{ids['attempt']}", as_="learner").get_json()
    assert [i["answered"] for i in detail["items"]] == [True, False, False]
    assert detail["items"][0]["feedback"]["correct_answer"]  # "immediately": the answered question's feedback
    assert detail["items"][1]["feedback"] is None and detail["items"][2]["feedback"] is None
    with app.app_context():
        unanswered = [db.session.get(QuestionVersion, e["version"]).data
                      for e in db.session.get(Attempt, ids["attempt"]).layout[1:]]
    text = json.dumps(detail)
    assert all(secret not in text for data in unanswered for secret in secrets_of(data))

    with app.app_context():  # feedback after the attempt: nothing before it is finished
        db.session.scalar(sa.select(Quiz).where(Quiz.id == ids["quiz_a"])).feedback_timing = "after_attempt"
        db.session.commit()
    hidden = api.get(f"/attempts/{ids['attempt']}", as_="learner").get_json()
    assert hidden["feedback_visible"] is False and hidden["percent"] is None
    assert all(item["feedback"] is None for item in hidden["items"])
    _finish_l1(app, ids)
    shown = api.get(f"/attempts/{ids['attempt']}", as_="learner").get_json()
    assert shown["feedback_visible"] is True and shown["percent"] is not None
    assert all(item["feedback"] is not None for item in shown["items"])


# --- article -> drafts -------------------------------------------------------------------------------

def test_an_article_becomes_a_job_then_drafts(api, ids):
    submitted = api.post("/imports", json={"title": "A council votes", "text": ARTICLE, "published": "2023-03-01"})
    assert submitted.status_code == 202
    job = submitted.get_json()
    assert submitted.headers["Location"].endswith(f"/api/v1/imports/{job['id']}")
    deadline = time.monotonic() + 30
    while (state := api.get(f"/imports/{job['id']}").get_json())["state"] in ("pending", "running"):
        assert time.monotonic() < deadline, "the import never finished"
        time.sleep(0.05)
    assert state["state"] == "done" and state["drafts"] >= 1 and state["approved"] == 0
    drafts = api.get(f"/imports/{job['id']}/drafts").get_json()
    assert len(drafts["items"]) == state["drafts"]
    assert all(d["data"]["status"] == "draft" and d["answers"] for d in drafts["items"])
    assert job["id"] in [j["id"] for j in api.get("/imports").get_json()["items"]]
    # the import is teacher A's: a co-teacher of it is someone else
    assert error_of(api.get(f"/imports/{job['id']}", as_="other_teacher"), 404)
    assert error_of(api.get(f"/imports/{job['id']}/drafts", as_="co_teacher"), 404)
    assert error_of(api.get(f"/imports/{job['id']}", as_="learner"), 403)


def test_a_co_teacher_polls_the_import_they_co_teach(api, ids):
    assert api.get(f"/imports/{ids['import']}", as_="co_teacher").get_json()["title"] == "A council votes"
    assert ids["import"] in [j["id"] for j in api.get("/imports", as_="co_teacher").get_json()["items"]]


def test_bad_article_submissions_change_nothing(api, scalar):
    from quizapp.models import ArticleImport

    before = scalar(count(ArticleImport))
    assert error_of(api.post("/imports", json={"title": "Empty", "text": "   "}), 400)["where"] == "text"
    assert error_of(api.post("/imports", json={"title": "No text"}), 422)["where"] == "text"
    assert error_of(api.post("/imports", json={"title": ["x"], "text": ARTICLE}), 422)["where"] == "title"
    assert error_of(api.post("/imports", json={"text": ARTICLE, "published": "March"}), 422)["where"] == "published"
    assert error_of(api.post("/imports", data="title=x", content_type="application/x-www-form-urlencoded"), 400)
    assert scalar(count(ArticleImport)) == before


def test_a_page_of_quizzes_costs_the_same_statements_for_one_quiz_as_for_all(app, api):
    """The list counts each quiz's questions without a query per quiz."""
    def statements_for(per_page: int) -> int:
        with counting(app) as statements:
            response = api.get(f"/quizzes?per_page={per_page}", as_="teacher")
        assert response.status_code == 200
        assert len(response.get_json()["items"]) == min(per_page, response.get_json()["total"])
        return len(statements)

    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Quiz)) > 5  # the seed bank's quizzes and more
    statements_for(1)  # the token's first use of the day also notes when it was used
    assert statements_for(100) == statements_for(1)
