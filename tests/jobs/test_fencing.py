"""Issue 17: a run of an import that a later run took over can neither commit nor fail it."""

from __future__ import annotations

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import ArticleImport, Question
from quizapp.services import accounts
from quizapp.services import drafts as drafts_service
from tests.teach.test_drafts import long_article


def _take_over(app, import_id: int) -> None:
    """What a second worker does to a stalled import: requeued, then claimed under the next attempt."""
    with app.app_context():
        db.session.execute(sa.update(ArticleImport).where(ArticleImport.id == import_id)
                           .values(state="running", attempt=ArticleImport.attempt + 1))
        db.session.commit()


def _import(app) -> int:
    with app.app_context():
        teacher = accounts.create_user("tess", "correct horse", "teacher").id
        return drafts_service.start_import(teacher, "Harbour ferries", None, long_article(45)).id


def _row(app, import_id: int):
    with app.app_context():
        return db.session.execute(sa.select(ArticleImport.state, ArticleImport.attempt, ArticleImport.message)
                                  .where(ArticleImport.id == import_id)).one()


def test_an_old_run_that_fails_after_a_takeover_leaves_the_new_run_alone(app, monkeypatch):
    import_id = _import(app)
    real = drafts_service.generate_questions

    def taken_over_then_broken(article, **options):
        _take_over(app, import_id)
        raise RuntimeError("the old run's worker fell over")

    monkeypatch.setattr(drafts_service, "generate_questions", taken_over_then_broken)
    drafts_service.run_in_app(app, import_id)  # the old run: attempt 1
    state, attempt, message = _row(app, import_id)
    assert (state, attempt, message) == ("running", 2, None)  # not failed: attempt 2 is still at work
    monkeypatch.setattr(drafts_service, "generate_questions", real)


def test_an_old_run_that_comes_back_after_a_takeover_stores_no_chunk(app, monkeypatch):
    import_id = _import(app)
    real = drafts_service.generate_questions
    calls = []

    def slow_then_taken_over(article, **options):
        calls.append(1)
        made = real(article, **options)
        if len(calls) == 1:
            _take_over(app, import_id)  # while the old run was busy with its first chunk
        return made

    monkeypatch.setattr(drafts_service, "generate_questions", slow_then_taken_over)
    with app.app_context():
        assert drafts_service.run_import(import_id) is None  # it sees the takeover and stops
        stored = db.session.scalar(sa.select(sa.func.count()).where(Question.import_id == import_id))
    assert stored == 0 and calls == [1]
    assert _row(app, import_id)[:2] == ("running", 2)
