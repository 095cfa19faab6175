"""Issue 14, point 7: an article import whose runner died is marked failed, not left "running" forever."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import ArticleImport
from tests.teach.test_drafts import inline, paste_harbor, teacher  # noqa: F401 (fixtures)


def test_an_import_whose_runner_died_is_marked_failed_and_can_be_retried(client, teacher, inline, app, scalar):  # noqa: F811
    import_id = paste_harbor(client)
    with app.app_context():  # a worker killed mid-chunk: the row still says "running", and nothing moves
        job = db.session.get(ArticleImport, import_id)
        job.state, job.done_steps = "running", 0
        job.updated_at = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=11)
        db.session.commit()
    listing = client.get("/teach/imports").text
    assert "running" not in listing and "failed" in listing
    assert scalar(sa.select(ArticleImport.state).where(ArticleImport.id == import_id)) == "failed"
    page = client.get(f"/teach/imports/{import_id}").text
    assert "Try again" in page and "stopped" in page
