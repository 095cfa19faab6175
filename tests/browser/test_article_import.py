"""Issue 17: a teacher gives a link or uploads a saved page, and a worker process makes the drafts.

The live server is `quizapp serve` with one `quizapp worker` beside it: the
web processes only queue the job (they run none), so the drafts on the page
were made by the worker.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import ArticleImport, Question
from tests.browser.conftest import axe_violations
from tests.browser.test_teacher import login, submit
from tests.teach.test_article_links import PAGE, pages  # noqa: F401 (the pages served on 127.0.0.1)

SAVED = Path(__file__).resolve().parents[1] / "data" / "pages" / "01-wordpress-ferry.html"


def _drafts_made(page, app, server, what: str) -> ArticleImport:
    """Wait on the import page (it refreshes itself) until its drafts are listed; the import, done."""
    assert page.url.rsplit("/", 1)[-1].isdigit(), page.url
    import_id = int(page.url.rsplit("/", 1)[-1])
    deadline = time.monotonic() + 90
    while "drafts to review" not in page.locator("main").inner_text():
        assert time.monotonic() < deadline, f"{what}: no drafts\n{server.output()}"
        page.wait_for_timeout(250)
    assert axe_violations(page) == [], f"{what}: drafts page"
    with app.app_context():
        job = db.session.get(ArticleImport, import_id)
        assert job.state == "done" and job.attempt == 1, (job.state, job.attempt, job.message)
        assert db.session.scalar(sa.select(sa.func.count()).where(Question.import_id == import_id)) > 0
        db.session.expunge(job)
    assert "Executing quizapp.jobs.article_import" in server.whole_log()  # the worker's log: it ran the job
    return job


def test_a_pasted_link_becomes_drafts_made_by_the_worker(page, app, make_user, live_server, pages):  # noqa: F811
    make_user("tess", "teacher")
    login(page, "tess")
    page.goto(page.base + "/teach/imports/new")
    assert axe_violations(page) == [], "new article"
    page.get_by_label("…or give the article's address").fill(pages + "/moved")
    submit(page, "Make draft questions")
    job = _drafts_made(page, app, live_server, "link")
    expected = json.loads(PAGE.with_suffix(".json").read_text("utf-8"))
    assert page.get_by_role("heading", level=1).inner_text() == expected["title"]  # the page's own title
    with app.app_context():
        assert db.session.get(ArticleImport, job.id).article.url == pages + "/story"


def test_an_uploaded_saved_page_becomes_drafts_made_by_the_worker(page, app, make_user, live_server):
    make_user("tess", "teacher")
    login(page, "tess")
    page.goto(page.base + "/teach/imports/new")
    assert axe_violations(page) == [], "new article"
    page.get_by_label("…or upload a saved web page").set_input_files(str(SAVED))
    submit(page, "Make draft questions")
    _drafts_made(page, app, live_server, "saved page")
    expected = json.loads(SAVED.with_suffix(".json").read_text("utf-8"))
    assert page.get_by_role("heading", level=1).inner_text() == expected["title"]
    assert expected["paragraphs"][0][:40] in page.locator("main").inner_text()  # a draft cites the article
