"""Question images through the bank: imported with their question (reported per question when
they cannot be), exported back to Moodle XML and Anki, left out of GIFT with a word."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
import sqlalchemy as sa

from quizapp import formats
from quizapp.extensions import db
from quizapp.formats import ParseReport
from quizapp.models import Question, QuestionFile, QuestionVersion
from quizapp.services import bank
from quizapp.services.errors import InvalidInput
from tests.conftest import count
from tests.media_helpers import b64, file_element, multichoice, png, quiz
from tests.teach.test_bank_io import PASSWORD, snapshot, upload, upload_id_of
from tests.teach.test_questions import submit

RED, BLUE, GREEN = png(rgb=(200, 0, 0)), png(3, 1, (0, 0, 200)), png(1, 4, (0, 150, 0))
FLAGS = quiz(
    multichoice("flag", '<p>Which flag? <img src="@@PLUGINFILE@@/red%20flag.png" alt="flag"></p>',
                file_element("red flag.png", RED), right_feedback='<img src="@@PLUGINFILE@@/why.png">',
                feedback_files=file_element("why.png", BLUE)),
    multichoice("lost", '<p>And this one? <img src="@@PLUGINFILE@@/lost.png"></p>'),
)


@pytest.fixture
def cli(runner, tmp_path):
    def _invoke(*args):
        return runner.invoke(args=["bank", *args])
    return _invoke


def _images(app, uid: str) -> dict[str, bytes]:
    """name -> bytes of the current version's images, read back from the database."""
    with app.app_context():
        data = db.session.scalar(sa.select(Question).filter_by(uid=uid)).current.data
        return {f["name"]: db.session.get(QuestionFile, f["sha256"]).data for f in data.get("files", [])}


def test_cli_import_stores_the_images_and_names_the_missing_one_with_its_question(app, cli, tmp_path):
    path = tmp_path / "flags.xml"
    path.write_text(FLAGS)
    result = cli("import", str(path))
    assert result.exit_code == 0, result.output
    assert "Imported: 2 new, 0 changed, 0 unchanged." in result.stderr
    assert (f"warning: {path}:13:3: question 'lost': links the file 'lost.png' (@@PLUGINFILE@@), which the file "
            "does not hold: that image is missing") in result.output
    assert _images(app, "flag") == {"red flag.png": RED, "why.png": BLUE}
    assert _images(app, "lost") == {}


def test_a_question_with_a_bad_image_is_skipped_with_its_reason_and_the_rest_imports(app, cli, tmp_path):
    path = tmp_path / "mixed.xml"
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    path.write_text(quiz(multichoice("good", '<img src="@@PLUGINFILE@@/a.png">', file_element("a.png", RED)),
                         multichoice("drawing", '<img src="@@PLUGINFILE@@/d.svg">', file_element("d.svg", svg)),
                         multichoice("broken", '<img src="@@PLUGINFILE@@/b.png">', file_element("b.png", "%%%"))))
    refused = cli("import", str(path))
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert "question 'drawing': file 'd.svg' is an SVG drawing, which quizapp refuses" in refused.output
    assert "question 'broken': file 'b.png' is not valid base64" in refused.output
    with app.app_context():  # nothing is imported without --partial
        assert db.session.scalar(sa.select(Question).filter_by(uid="good")) is None
    result = cli("import", str(path), "--partial")
    assert result.exit_code == 0, result.output
    assert "Imported: 1 new, 0 changed, 0 unchanged, 2 skipped." in result.stderr
    assert _images(app, "good") == {"a.png": RED}


def test_a_bank_file_with_a_forged_image_is_refused_and_changes_nothing(app):
    question = {"id": "forged", "type": "true_false", "stem": "Forged?", "answer": True,
                "files": [{"name": "x.png", "mime": "image/png", "data": b64(b"MZ\x90\x00 not an image")}]}
    with app.app_context():
        before = db.session.scalar(count(QuestionVersion)), db.session.scalar(count(QuestionFile))
        with pytest.raises(InvalidInput, match="file 'x.png' is not a PNG, JPEG, GIF or WebP image"):
            bank.import_questions([question])
        assert (db.session.scalar(count(QuestionVersion)), db.session.scalar(count(QuestionFile))) == before


def _import(app, text: str, source: str = "flags.xml"):
    with app.app_context():
        report = ParseReport()
        return bank.import_questions(formats.parse(text, "xml", source=source, report=report), None, "xml",
                                     parsed=report, source=source)


def test_moodle_xml_export_imports_back_with_the_same_image_bytes(app, runner, tmp_path):
    _import(app, FLAGS)
    out = tmp_path / "out.xml"
    result = runner.invoke(args=["bank", "export", str(out), "--status", "draft"])
    assert result.exit_code == 0, result.output
    written = out.read_text()
    assert 'name="red flag.png" path="/" encoding="base64"' in written and "@@PLUGINFILE@@/red%20flag.png" in written
    again = formats.parse(written, "xml")
    assert next(q for q in again if q["id"] == "flag")["files"] == [
        {"name": "red flag.png", "mime": "image/png", "data": b64(RED)},
        {"name": "why.png", "mime": "image/png", "data": b64(BLUE)}]
    report = _import(app, written, source="flags.xml")  # the same questions coming back
    assert "flag" in report.unchanged
    # a new picture is a change of content: a new version, the old one keeps its image
    changed = _import(app, FLAGS.replace(b64(RED), b64(GREEN)))
    assert changed.changed == ["flag"] and "files[1].sha256" in [c.field for c in changed.changes["flag"]]
    assert _images(app, "flag")["red flag.png"] == GREEN
    with app.app_context():
        first = db.session.scalar(sa.select(QuestionVersion).join(Question, QuestionVersion.question_id == Question.id)
                                  .where(Question.uid == "flag", QuestionVersion.number == 1))
        assert db.session.get(QuestionFile, first.data["files"][0]["sha256"]).data == RED


def test_anki_deck_packs_the_stored_images_and_gift_names_what_it_leaves_out(app, client, make_user, auth):
    _import(app, FLAGS)
    make_user("tess", "teacher", PASSWORD)
    auth.login("tess", PASSWORD)
    deck = client.get("/teach/bank/export?format=apkg&status=draft")
    assert deck.status_code == 200
    with zipfile.ZipFile(io.BytesIO(deck.data)) as archive:
        names = json.loads(archive.read("media"))
        assert sorted(archive.read(number) for number in names) == sorted([RED, BLUE])
    with app.app_context():
        exported = bank.export_as("gift", status="draft")
    assert "flag: GIFT cannot carry images; 2 image(s) left out (red flag.png, why.png)" in exported.warnings


def test_the_upload_page_lists_image_problems_per_question_and_imports_the_rest(app, client, make_user, auth):
    make_user("tess", "teacher", PASSWORD)
    auth.login("tess", PASSWORD)
    before = snapshot(app)
    text = quiz(multichoice("good", '<img src="@@PLUGINFILE@@/a.png">', file_element("a.png", RED)),
                multichoice("fake", '<img src="@@PLUGINFILE@@/f.png">', file_element("f.png", b"GIF87 nope")))
    upload_id = upload_id_of(upload(client, "images.xml", text.encode()))
    preview = client.get(f"/teach/bank/import/{upload_id}")
    assert preview.status_code == 200
    assert "1 new, 0 changed, 0 unchanged, 1 skipped" in preview.text
    assert re.search(r"images\.xml:\d+:\d+: question &#39;fake&#39;: file &#39;f\.png&#39; is not a PNG", preview.text)
    assert snapshot(app) == before


@pytest.mark.parametrize("fmt", ["gift", "csv"])
def test_a_gift_or_csv_export_coming_back_keeps_the_banks_images(app, fmt):
    _import(app, FLAGS)
    with app.app_context():
        exported = bank.export_as(fmt, status="draft")
        text = exported.data.decode("utf-8-sig").replace("Which flag?", "Which flag is it?")
        report = ParseReport()
        questions = formats.parse(text, fmt, source=f"flags.{fmt}", report=report)
        result = bank.import_questions(questions, None, fmt, parsed=report, source=f"flags.{fmt}", update=True)
    assert "flag" in result.changed and [c.field for c in result.changes["flag"]] == ["stem"]
    assert any(f"{fmt.upper()} cannot carry" in note and "files" in note for note in result.notes)
    assert _images(app, "flag") == {"red flag.png": RED, "why.png": BLUE}


def test_editing_a_question_in_the_editor_keeps_its_images(app, client, make_user, auth):
    make_user("tess", "teacher", PASSWORD)
    _import(app, FLAGS)
    auth.login("tess", PASSWORD)
    with app.app_context():
        question_id = db.session.scalar(sa.select(Question.id).filter_by(uid="flag"))
    response = submit(client, f"/teach/questions/{question_id}/edit", {"title": "Flags of the world"})
    assert response.status_code == 302, response.text
    with app.app_context():
        assert db.session.get(Question, question_id).current.number == 2
    assert _images(app, "flag") == {"red flag.png": RED, "why.png": BLUE}


def test_init_db_loads_bank_files_with_images_once(app, tmp_path):
    question = {"id": "curated-image", "type": "true_false", "stem_format": "html", "answer": True,
                "stem": '<p>Is the sky blue? <img src="@@PLUGINFILE@@/sky.png" alt="sky"></p>', "status": "published",
                "files": [{"name": "sky.png", "mime": "image/png", "data": b64(BLUE)}]}
    bank_dir = tmp_path / "question_bank"
    bank_dir.mkdir()
    (bank_dir / "images.yaml").write_text(formats.serialize([question], "yaml"))
    with app.app_context():
        assert bank.load_bank_dir(bank_dir, tmp_path).new == ["curated-image"]
        assert bank.load_bank_dir(bank_dir, tmp_path).unchanged == ["curated-image"]  # safe to run twice
    assert _images(app, "curated-image") == {"sky.png": BLUE}
