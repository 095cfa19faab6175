"""Cloze questions into and out of the database: `quizapp bank` and the upload page."""

from __future__ import annotations

import shutil
from pathlib import Path

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Question
from tests.conftest import csrf_token

CLOZE_XML = Path(__file__).resolve().parent / "data" / "banks" / "cloze.xml"


def invoke(runner, *args):
    return runner.invoke(args=["bank", *args])


def test_a_moodle_file_with_cloze_imports_and_exports_back_unchanged(app, runner, tmp_path):
    source = tmp_path / "cloze.xml"
    shutil.copy(CLOZE_XML, source)
    refused = invoke(runner, "import", str(source))
    assert refused.exit_code == 1
    assert f"skipped: {source}:43: cloze question text: gap 2, answer 1: 'three' is not a number" in refused.stderr
    assert f"skipped: {source}:55: cloze question text: gap 1 is not closed" in refused.stderr
    assert "Traceback" not in refused.output

    result = invoke(runner, "import", str(source), "--partial")
    assert result.exit_code == 0, result.output
    assert "Imported: 5 new, 0 changed, 0 unchanged, 2 skipped." in result.stderr
    with app.app_context():
        clozes = db.session.scalars(sa.select(Question).filter_by(type="cloze").order_by(Question.id)).all()
        assert [q.uid for q in clozes] == ["bridge-cloze", "case-cloze", "several-cloze"]
        assert [len(q.data["gaps"]) for q in clozes] == [3, 4, 3]

    # the bank exported to Moodle XML (under the file's name) reads back as the same questions
    shutil.move(source, tmp_path / "original.xml")
    exported = invoke(runner, "export", str(source))
    assert exported.exit_code == 0, exported.output
    again = invoke(runner, "import", str(source), "--dry-run")
    assert again.exit_code == 0, again.output
    with app.app_context():
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Question))
    assert f"Dry run: would import: 0 new, 0 changed, {total} unchanged." in again.stdout

    gift = tmp_path / "bank.gift"
    to_gift = invoke(runner, "export", str(gift), "-v")
    assert to_gift.exit_code == 0, to_gift.output
    for qid in ("bridge-cloze", "case-cloze", "several-cloze"):
        assert f"warning: {qid}: GIFT has no cloze (embedded answers) questions; question left out" in to_gift.stderr
    assert "{#1}" not in gift.read_text(encoding="utf-8") and "NUMERICAL" not in gift.read_text(encoding="utf-8")


def test_the_upload_preview_lists_a_broken_cloze_with_its_line_and_imports_the_rest(app, client, make_user, auth):
    from tests.test_bank_real_world import PASSWORD, upload

    make_user("tess", "teacher", PASSWORD)
    auth.login("tess", PASSWORD)
    response = upload(client, "cloze.xml", CLOZE_XML.read_bytes())
    assert response.status_code == 302, response.text
    preview = client.get(response.headers["Location"]).text
    assert "5 new, 0 changed, 0 unchanged, 2 skipped (cannot be imported)." in preview
    assert "cloze.xml:43: cloze question text: gap 2, answer 1: &#39;three&#39; is not a number" in preview
    assert "cloze.xml:55: cloze question text: gap 1 is not closed" in preview
    done = client.post(response.headers["Location"] + "/confirm", data={"csrf_token": csrf_token(preview)})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Question).filter_by(type="cloze")) == 3
