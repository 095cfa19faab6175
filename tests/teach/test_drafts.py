"""From an article to reviewed questions, through the real forms (CSRF on)."""

from __future__ import annotations

import datetime as dt
import io
import re
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Article, ArticleImport, Question, QuestionVersion
from quizapp.services import accounts
from quizapp.services import drafts as drafts_service
from tests.conftest import count, csrf_token

ARTICLES = Path(__file__).resolve().parent.parent / "data" / "articles"
SEED = Path(__file__).resolve().parents[2] / "seeds" / "belarus-trainers.txt"
HARBOR_TITLE = "City council approves funding for new harbor bridge"
PASSWORD = "teacher password"


@pytest.fixture
def teacher(app, auth):
    """A logged-in teacher; returns their id."""
    with app.app_context():
        user_id = accounts.create_user("tess", PASSWORD, "teacher").id
    auth.login("tess", PASSWORD)
    return user_id


@pytest.fixture
def inline(app):
    """Generate drafts inside the request, as a single-process deployment could."""
    app.config["DRAFTS_RUN_INLINE"] = True


def start_import(client, title="", published="", text="", upload=None):
    page = client.get("/teach/imports/new")
    assert page.status_code == 200
    data = {"title": title, "published": published, "text": text, "csrf_token": csrf_token(page.text)}
    if upload is not None:
        data["upload"] = upload
    return client.post("/teach/imports/new", data=data, content_type="multipart/form-data")


def import_id_of(response) -> int:
    assert response.status_code == 302, response.text
    prefix = "/teach/imports/"
    location = response.headers["Location"]
    assert location.startswith(prefix)
    return int(location[len(prefix):])


def harbor_text() -> str:
    return (ARTICLES / "teach-harbor-bridge.txt").read_text()


def paste_harbor(client) -> int:
    return import_id_of(start_import(client, HARBOR_TITLE, "2024-05-15", harbor_text()))


def draft_ids(scalar_rows, import_id):
    return [row[0] for row in scalar_rows(
        sa.select(Question.id).where(Question.import_id == import_id, Question.status == "draft",
                                     Question.rejected_at.is_(None)).order_by(Question.id)
    )]


def review(client, import_id, action, ids, token=None):
    if token is None:
        token = csrf_token(client.get(f"/teach/imports/{import_id}").text)
    return client.post(f"/teach/imports/{import_id}/review",
                       data={"action": action, "question_ids": [str(i) for i in ids], "csrf_token": token})


# --- pasting and reviewing -----------------------------------------------

def test_pasted_article_becomes_drafts_beside_highlighted_sentences(client, teacher, inline, app, query):
    import_id = paste_harbor(client)
    page = client.get(f"/teach/imports/{import_id}")
    assert page.status_code == 200
    html = page.text
    assert 'http-equiv="refresh"' not in html
    assert re.search(r"\d+ drafts to review", html)
    # the source sentence with the quotation marked, beside its question
    assert "<mark>This bridge will connect neighborhoods that have been cut off from each other for decades,</mark>" in html
    assert "Who said &#34;This bridge will connect" in html or "Who said &quot;This bridge will connect" in html
    assert "Helen Ortiz" in html and "Distractors" in html
    assert "Likely duplicate" not in html
    assert html.count('name="question_ids"') >= 2 * 5  # a checkbox and a one-draft form each

    with app.app_context():
        job = db.session.get(ArticleImport, import_id)
        assert (job.state, job.teacher_id) == ("done", teacher)
        assert job.done_steps == job.total_steps == 5
        assert "draft questions from 5 paragraphs" in job.message
        article = job.article
        assert article.slug == "city-council-approves-funding-for-new-harbor-bridge"
        assert article.path == f"imports/{article.slug}.txt"
        assert article.published == dt.date(2024, 5, 15)
        assert article.body.startswith("The Portmere City Council on Tuesday")  # headline dropped
        questions = db.session.scalars(sa.select(Question).filter_by(import_id=import_id)).all()
        assert len(questions) >= 5
        for question in questions:
            assert (question.status, question.created_by_id, question.article_id) == ("draft", teacher, article.id)
            assert question.current.number == 1 and question.uid == question.data["id"]
            assert question.data["status"] == "draft"
            source = question.data["source"]
            assert source["article"] == article.path
            if "start" in source:
                assert article.body[source["start"]:source["end"]] == source["sentence"]


def test_approve_one_reject_one_then_bulk_approve_the_rest(client, teacher, inline, app, query):
    import_id = paste_harbor(client)
    ids = draft_ids(query, import_id)
    first, second, rest = ids[0], ids[1], ids[2:]

    response = review(client, import_id, "approve", [first])
    assert response.status_code == 302
    assert "1 question published" in client.get(response.headers["Location"]).text
    response = review(client, import_id, "reject", [second])
    assert "1 draft rejected" in client.get(response.headers["Location"]).text
    response = review(client, import_id, "approve", rest)
    html = client.get(response.headers["Location"]).text
    assert f"{len(rest)} questions published" in html
    assert "No drafts are waiting for review" in html

    with app.app_context():
        published = db.session.scalars(sa.select(Question).filter_by(import_id=import_id, status="published")).all()
        assert sorted(q.id for q in published) == sorted([first, *rest])
        for question in published:
            assert question.status == "published" and question.data["status"] == "published"
            assert question.current.number == 1  # the status is not content: no new version
        rejected = db.session.get(Question, second)  # kept aside, to be restored
        assert rejected.status == "draft" and rejected.rejected_at is not None
    listing = client.get("/teach/imports").text
    assert HARBOR_TITLE in listing


def test_review_refuses_an_empty_selection_and_foreign_questions(client, teacher, inline, app, query):
    import_id = paste_harbor(client)
    response = review(client, import_id, "approve", [])
    assert response.status_code == 302
    assert "Select at least one draft first." in client.get(response.headers["Location"]).text
    response = review(client, import_id, "publish", draft_ids(query, import_id)[:1])
    assert "Choose approve or reject." in client.get(response.headers["Location"]).text
    seed_question = query(sa.select(Question.id).where(Question.import_id.is_(None)).limit(1))[0][0]
    assert review(client, import_id, "reject", [seed_question]).status_code == 404
    assert query(sa.select(Question.status).where(Question.id == seed_question))[0][0] == "published"


def test_pasting_the_seed_article_again_flags_likely_duplicates(client, teacher, inline, app):
    import_id = import_id_of(start_import(client, text=SEED.read_text()))  # title and date from front matter
    html = client.get(f"/teach/imports/{import_id}").text
    assert "Likely duplicate of" in html
    assert "same fact" in html
    with app.app_context():
        job = db.session.get(ArticleImport, import_id)
        assert job.article.title.startswith("Weakened Russian Military")
        assert job.article.published == dt.date(2022, 12, 22)
        drafts = db.session.scalars(sa.select(Question).filter_by(import_id=import_id)).all()
        flagged = drafts_service.find_duplicates(drafts)
        assert flagged
        likely_use = next(d for d in drafts if (d.data.get("fact") or {}).get("text") == "likely use")
        assert any(dup.uid == "belarus-trainers-who-likely-use" for dup in flagged[likely_use.id])


def test_fact_keys_and_answers():
    assert drafts_service.fact_key({"kind": "quote", "text": "Likely use."}) == ("quote", frozenset({"likely use"}))
    assert drafts_service.fact_key({"kind": "date", "text": "Monday", "value": "2022-12-19"}) == \
        ("date", frozenset({"2022 12 19"}))
    assert drafts_service.fact_key({"kind": "quote", "texts": ["a b", "c"]}) == ("quote", frozenset({"a b", "c"}))
    assert drafts_service.fact_key(None) is None
    question = {"type": "multiple_choice", "choices": [{"text": "Yes", "weight": 1.0}, {"text": "No", "weight": 0.0}]}
    assert drafts_service.answer_summary(question) == (["Yes"], ["No"])
    assert drafts_service.answer_summary({"type": "true_false", "answer": False}) == (["False"], [])


# --- uploads -------------------------------------------------------------

@pytest.mark.parametrize(("filename", "title", "first_words", "absent"), [
    ("teach-harbor-bridge.txt", HARBOR_TITLE, "The Portmere City Council", None),
    ("teach-library-reopens.md", "", "The Riverside Public Library reopened on Monday", "**"),
    ("teach-wind-farm.html", "Coastal wind farm wins approval", "The National Energy Board", "tracking"),
])
def test_upload_txt_md_and_html(client, teacher, inline, app, filename, title, first_words, absent):
    upload = (io.BytesIO((ARTICLES / filename).read_bytes()), filename)
    import_id = import_id_of(start_import(client, title=title, published="2024-09-12", upload=upload))
    html = client.get(f"/teach/imports/{import_id}").text
    assert "drafts to review" in html and "<mark>" in html
    with app.app_context():
        article = db.session.get(ArticleImport, import_id).article
        assert article.body.startswith(first_words)
        assert "\n\n" in article.body  # paragraphs kept
        assert "<" not in article.body and "](" not in article.body
        if absent:
            assert absent not in article.body
        assert db.session.scalar(count(Question).where(Question.import_id == import_id)) > 0


@pytest.mark.parametrize(("filename", "content", "message"), [
    ("notes.rtf", b"{\\rtf1 some article}", "notes.rtf: only .txt, .md, .html, .docx and .pdf files can be imported"),
    ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.txt: this looks like a binary file"),
    ("latin1.txt", "Caf\u00e9 society\nNa\u00efve art".encode("latin-1"), "latin1.txt: line 1: the file is not UTF-8"),
    ("empty.md", b"", "empty.md: the file is empty"),
    ("blank.html", b"<html><body><script>x()</script></body></html>", "blank.html: no article text was found"),
])
def test_bad_uploads_say_why_and_create_nothing(client, teacher, inline, scalar, filename, content, message):
    before = scalar(count(Article)), scalar(count(ArticleImport)), scalar(count(Question))
    response = start_import(client, title="Anything", upload=(io.BytesIO(content), filename))
    assert response.status_code == 422
    assert message in response.text
    assert (scalar(count(Article)), scalar(count(ArticleImport)), scalar(count(Question))) == before


def test_form_needs_one_article_and_a_title(client, teacher, inline, scalar):
    response = start_import(client, title="A title")
    assert response.status_code == 422 and "Paste the article&#39;s text, upload a file or give its address." in response.text
    upload = (io.BytesIO(harbor_text().encode()), "teach-harbor-bridge.txt")
    response = start_import(client, title="A title", text="Some text.", upload=upload)
    assert response.status_code == 422 and "Paste the article, upload a file or give its address: one of the three." in response.text
    response = start_import(client, text=harbor_text())
    assert response.status_code == 422 and "Give the article a title." in response.text
    assert scalar(count(ArticleImport)) == 0


def test_same_title_twice_gets_two_articles(client, teacher, inline, app):
    first, second = paste_harbor(client), paste_harbor(client)
    with app.app_context():
        slugs = [db.session.get(ArticleImport, i).article.slug for i in (first, second)]
    assert slugs[1] == slugs[0] + "-2"


# --- progress of long articles -----------------------------------------------

def long_article(paragraphs: int = 45) -> str:
    people = ["Maria Keller", "Tom Ashby", "Priya Raman", "Jonas Berg", "Elena Soto", "Samuel Okafor",
              "Hannah Weiss", "Luis Ortega", "Grace Tan"]
    topics = ["the new ferry timetable", "the price of season tickets", "the late-night bus routes",
              "the repairs to the central station", "the cycle lanes on Mill Road"]
    body = []
    for n in range(paragraphs):
        person, topic = people[n % len(people)], topics[n % len(topics)]
        body.append(
            f'"We heard {n + 3} complaints about {topic} this week alone," said {person}, '
            f"who chairs residents' group number {n + 1} in Lakeside. The Lakeside Transport Authority "
            f"promised an answer by Friday."
        )
    return "\n\n".join(body)


def wait_for(client, url, text, seconds=20.0) -> str:
    """Poll a page until ``text`` appears (bounded)."""
    deadline = time.monotonic() + seconds
    while True:
        html = client.get(url).text
        if text in html:
            return html
        assert time.monotonic() < deadline, f"{text!r} never appeared on {url}:\n{html}"
        time.sleep(0.05)


def test_long_article_shows_progress_then_drafts(client, teacher, app, monkeypatch, scalar):
    assert not app.config.get("DRAFTS_RUN_INLINE")
    gates = [threading.Event(), threading.Event()]
    calls = []
    real = drafts_service.generate_questions

    def gated(article, **options):
        calls.append(len(article.paragraphs))
        if len(calls) <= len(gates):
            gates[len(calls) - 1].wait(20)
        return real(article, **options)

    monkeypatch.setattr(drafts_service, "generate_questions", gated)
    try:
        import_id = import_id_of(start_import(client, "Lakeside transport complaints", "2024-03-06", long_article()))
        url = f"/teach/imports/{import_id}"
        html = wait_for(client, url, "Reading paragraph 1 of 45")
        assert '<meta http-equiv="refresh" content="2">' in html
        assert "drafts to review" not in html
        gates[0].set()
        html = wait_for(client, url, "Reading paragraph 21 of 45")  # the first chunk is committed
        assert '<meta http-equiv="refresh" content="2">' in html
        assert scalar(count(Question).where(Question.import_id == import_id)) > 0
        gates[1].set()
        html = wait_for(client, url, "drafts to review")
        assert 'http-equiv="refresh"' not in html
    finally:
        for gate in gates:
            gate.set()
        wait_for(client, f"/teach/imports/{import_id}", "drafts to review")
    assert calls == [20, 22, 7]  # chunks of 20 paragraphs, each after 2 paragraphs of context
    assert scalar(sa.select(ArticleImport.state).where(ArticleImport.id == import_id)) == "done"
    assert scalar(sa.select(ArticleImport.done_steps).where(ArticleImport.id == import_id)) == 45


def test_failed_import_is_reported_and_retried(client, teacher, app, monkeypatch, scalar, caplog):
    real = drafts_service.generate_questions

    def broken(article):
        raise RuntimeError("boom")

    monkeypatch.setattr(drafts_service, "generate_questions", broken)
    import_id = paste_harbor(client)  # in a background thread: it must not raise there
    url = f"/teach/imports/{import_id}"
    html = wait_for(client, url, "Making the drafts failed")
    assert "stopped at paragraph 1 of 5" in html and "boom" not in html
    assert "Try again" in html and 'http-equiv="refresh"' not in html
    assert "article import" in caplog.text

    monkeypatch.setattr(drafts_service, "generate_questions", real)
    app.config["DRAFTS_RUN_INLINE"] = True
    response = client.post(f"{url}/retry", data={"csrf_token": csrf_token(html)})
    assert response.status_code == 302
    assert "drafts to review" in client.get(url).text
    assert scalar(sa.select(ArticleImport.state).where(ArticleImport.id == import_id)) == "done"


def test_stalled_import_offers_a_retry_that_resumes(client, teacher, inline, app, scalar):
    import_id = paste_harbor(client)
    made = scalar(count(Question).where(Question.import_id == import_id))
    with app.app_context():
        job = db.session.get(ArticleImport, import_id)
        job.state, job.done_steps = "running", 0
        job.updated_at = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=11)
        db.session.commit()
    url = f"/teach/imports/{import_id}"
    html = client.get(url).text
    assert "This article stalled" in html and "Try again" in html
    assert 'http-equiv="refresh"' not in html
    client.post(f"{url}/retry", data={"csrf_token": csrf_token(html)})
    assert "drafts to review" in client.get(url).text
    assert scalar(count(Question).where(Question.import_id == import_id)) == made  # no draft twice
    # a retry of an import that is done changes nothing
    client.post(f"{url}/retry", data={"csrf_token": csrf_token(html)})
    assert scalar(sa.select(ArticleImport.state).where(ArticleImport.id == import_id)) == "done"


# --- who may do what -------------------------------------------------------

def test_another_teacher_gets_404(client, teacher, inline, app, auth, query):
    import_id = paste_harbor(client)
    ids = draft_ids(query, import_id)
    auth.logout()
    with app.app_context():
        accounts.create_user("other", PASSWORD, "teacher")
    auth.login("other", PASSWORD)
    assert client.get(f"/teach/imports/{import_id}").status_code == 404
    token = csrf_token(client.get("/teach/imports").text)
    assert review(client, import_id, "approve", ids[:1], token=token).status_code == 404
    assert review(client, import_id, "approve", [], token=token).status_code == 404
    assert client.post(f"/teach/imports/{import_id}/retry", data={"csrf_token": token}).status_code == 404
    assert HARBOR_TITLE not in client.get("/teach/imports").text
    assert draft_ids(query, import_id) == ids


def test_learners_get_403_and_visitors_the_login_page(client, auth, app):
    for url in ("/teach/imports", "/teach/imports/new", "/teach/imports/1"):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    auth.register("leo", "learner password")
    for url in ("/teach/imports", "/teach/imports/new", "/teach/imports/1"):
        assert client.get(url).status_code == 403
    token = csrf_token(client.get("/").text)
    assert client.post("/teach/imports/new", data={"text": "x", "title": "x", "csrf_token": token}).status_code == 403
    assert client.post("/teach/imports/1/review",
                       data={"action": "approve", "question_ids": "1", "csrf_token": token}).status_code == 403


def test_posts_without_csrf_are_refused(client, teacher, inline, query, scalar):
    response = client.post("/teach/imports/new", data={"title": "T", "text": harbor_text()})
    assert response.status_code == 400
    assert scalar(count(ArticleImport)) == 0
    import_id = paste_harbor(client)
    ids = draft_ids(query, import_id)
    response = client.post(f"/teach/imports/{import_id}/review", data={"action": "reject", "question_ids": ids[0]})
    assert response.status_code == 400
    assert draft_ids(query, import_id) == ids
