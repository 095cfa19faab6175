"""Real-world-style bank files into the database (issue 15): partial imports the teacher confirms,
new questions never replacing another author's, per-question reports in the CLI and the browser."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Question, QuestionVersion
from tests.conftest import csrf_token

REAL_WORLD = Path(__file__).resolve().parent / "data" / "banks" / "real-world"
PASSWORD = "teacher password"


def invoke(runner, *args):
    return runner.invoke(args=["bank", *args])


def question_count(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(sa.select(sa.func.count()).select_from(Question)),
                db.session.scalar(sa.select(sa.func.count()).select_from(QuestionVersion)))


def titles(app, since: int) -> list[str]:
    with app.app_context():
        rows = db.session.scalars(sa.select(Question).where(Question.id > since).order_by(Question.id))
        return [q.current.data.get("title") for q in rows]


def last_id(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.max(Question.id))) or 0


# --- point 1: the command line ---------------------------------------------------

def test_import_without_partial_lists_each_skipped_question_and_imports_nothing(app, runner):
    before = question_count(app)
    path = REAL_WORLD / "course-export.xml"
    result = invoke(runner, "import", str(path))
    assert result.exit_code == 1
    for line, kind in ((19, "cloze"), (30, "calculated"), (34, "no <name>"), (38, "ddwtos")):
        assert any(out.startswith(f"skipped: {path}:{line}:") and kind in out for out in result.stderr.splitlines())
    assert "4 question(s) of" in result.stderr and "--partial to import the other 4" in result.stderr
    assert "Traceback" not in result.output
    assert question_count(app) == before


def test_dry_run_shows_what_would_be_imported_skipped_and_warned(app, runner):
    before = question_count(app)
    result = invoke(runner, "import", str(REAL_WORLD / "course-export.xml"), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run: would import: 4 new, 0 changed, 0 unchanged, 4 skipped." in result.stdout
    assert result.stdout.count("skipped: ") == 4
    assert "defaultgrade 2 not kept" in result.stdout and "1 embedded file(s)" in result.stdout
    assert question_count(app) == before


def test_partial_import_brings_in_every_question_that_can_be(app, runner):
    start = last_id(app)
    result = invoke(runner, "import", str(REAL_WORLD / "course-export.xml"), "--partial")
    assert result.exit_code == 0, result.output
    assert "Imported: 4 new, 0 changed, 0 unchanged, 4 skipped." in result.stderr
    assert titles(app, start) == ["River", "Language", "Span", "Ferry"]


def test_a_file_with_nothing_importable_is_refused_with_every_reason(app, runner, tmp_path):
    before = question_count(app)
    path = tmp_path / "only-cloze.xml"
    path.write_text("<quiz>\n<question type='cloze'><name><text>a</text></name></question>\n</quiz>\n", encoding="utf-8")
    result = invoke(runner, "import", str(path), "--partial")
    assert result.exit_code == 1
    assert f"none of the 1 question(s) can be imported: {path}:2:1: unsupported question type 'cloze'" in result.stderr
    assert question_count(app) == before


def test_a_syntax_error_in_one_gift_question_is_still_refused_by_default_with_its_line(app, runner):
    before = question_count(app)
    path = REAL_WORLD / "teacher-mixed.gift"
    result = invoke(runner, "import", str(path))
    assert result.exit_code == 1 and f"skipped: {path}:10: '{{' is not closed" in result.stderr
    assert question_count(app) == before


# --- point 1: the browser preview --------------------------------------------------

@pytest.fixture
def teacher(make_user, auth):
    user_id = make_user("tess", "teacher", PASSWORD)
    auth.login("tess", PASSWORD)
    return user_id


def upload(client, filename: str, content: bytes):
    page = client.get("/teach/bank/import")
    return client.post("/teach/bank/import", content_type="multipart/form-data",
                       data={"upload": (io.BytesIO(content), filename), "csrf_token": csrf_token(page.text)})


def test_the_preview_lists_skipped_questions_and_confirming_imports_the_rest(app, client, teacher):
    start = last_id(app)
    response = upload(client, "course-export.xml", (REAL_WORLD / "course-export.xml").read_bytes())
    assert response.status_code == 302, response.text
    preview = client.get(response.headers["Location"])
    assert preview.status_code == 200
    html = preview.text
    assert "4 new, 0 changed, 0 unchanged, 4 skipped (cannot be imported)." in html
    assert "course-export.xml:19:3: unsupported question type &#39;cloze&#39;" in html
    assert "course-export.xml:34:3: the question has no &lt;name&gt; element" in html
    assert "penalty 0.1 not kept" in html
    assert last_id(app) == start  # nothing is imported before the teacher confirms
    confirm_url = response.headers["Location"] + "/confirm"
    done = client.post(confirm_url, data={"csrf_token": csrf_token(html)})
    assert done.status_code == 302
    assert titles(app, start) == ["River", "Language", "Span", "Ferry"]


def test_confirming_without_the_csrf_token_imports_nothing(app, client, teacher):
    start = last_id(app)
    response = upload(client, "course-export.xml", (REAL_WORLD / "course-export.xml").read_bytes())
    client.post(response.headers["Location"] + "/confirm", data={})
    assert last_id(app) == start


def test_an_upload_with_nothing_importable_is_refused_with_the_reasons(app, client, teacher):
    start = last_id(app)
    response = upload(client, "only-cloze.xml",
                      b"<quiz>\n<question type='cloze'><name><text>a</text></name></question>\n</quiz>\n")
    assert response.status_code == 422
    assert "none of the 1 question(s) can be imported: only-cloze.xml:2:1: unsupported question type" in response.text
    assert last_id(app) == start
