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
    for line, kind in ((30, "calculated"), (34, "no <name>"), (38, "ddwtos")):
        assert any(out.startswith(f"skipped: {path}:{line}:") and kind in out for out in result.stderr.splitlines())
    assert "3 question(s) of" in result.stderr and "--partial to import the other 5" in result.stderr
    assert "Traceback" not in result.output
    assert question_count(app) == before


def test_dry_run_shows_what_would_be_imported_skipped_and_warned(app, runner):
    before = question_count(app)
    result = invoke(runner, "import", str(REAL_WORLD / "course-export.xml"), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run: would import: 5 new, 0 changed, 0 unchanged, 3 skipped." in result.stdout
    assert result.stdout.count("skipped: ") == 3
    assert "defaultgrade 2 not kept" in result.stdout and "embedded file" not in result.stdout  # images are kept
    assert question_count(app) == before


def test_partial_import_brings_in_every_question_that_can_be(app, runner):
    start = last_id(app)
    result = invoke(runner, "import", str(REAL_WORLD / "course-export.xml"), "--partial")
    assert result.exit_code == 0, result.output
    assert "Imported: 5 new, 0 changed, 0 unchanged, 3 skipped." in result.stderr
    assert titles(app, start) == ["River", "Gaps", "Language", "Span", "Ferry"]


def test_a_file_with_nothing_importable_is_refused_with_every_reason(app, runner, tmp_path):
    before = question_count(app)
    path = tmp_path / "only-calculated.xml"
    path.write_text("<quiz>\n<question type='calculated'><name><text>a</text></name></question>\n</quiz>\n",
                    encoding="utf-8")
    result = invoke(runner, "import", str(path), "--partial")
    assert result.exit_code == 1
    assert (f"none of the 1 question(s) can be imported: {path}:2:1: unsupported question type 'calculated'"
            in result.stderr)
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
    assert "5 new, 0 changed, 0 unchanged, 3 skipped (cannot be imported)." in html
    assert "course-export.xml:30:3: unsupported question type &#39;calculated&#39;" in html
    assert "course-export.xml:34:3: the question has no &lt;name&gt; element" in html
    assert "penalty 0.1 not kept" in html
    assert last_id(app) == start  # nothing is imported before the teacher confirms
    confirm_url = response.headers["Location"] + "/confirm"
    done = client.post(confirm_url, data={"csrf_token": csrf_token(html)})
    assert done.status_code == 302
    assert titles(app, start) == ["River", "Gaps", "Language", "Span", "Ferry"]


def test_confirming_without_the_csrf_token_imports_nothing(app, client, teacher):
    start = last_id(app)
    response = upload(client, "course-export.xml", (REAL_WORLD / "course-export.xml").read_bytes())
    client.post(response.headers["Location"] + "/confirm", data={})
    assert last_id(app) == start


def test_an_upload_with_nothing_importable_is_refused_with_the_reasons(app, client, teacher):
    start = last_id(app)
    response = upload(client, "only-calculated.xml",
                      b"<quiz>\n<question type='calculated'><name><text>a</text></name></question>\n</quiz>\n")
    assert response.status_code == 422
    assert ("none of the 1 question(s) can be imported: only-calculated.xml:2:1: unsupported question type"
            in response.text)
    assert last_id(app) == start


# --- point 6: ids made from the text never replace another author's question -------------

def gift_file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def stems_by_uid(app) -> dict[str, str]:
    with app.app_context():
        return {q.uid: q.current.data["stem"] for q in db.session.scalars(sa.select(Question))}


def test_another_authors_question_with_the_same_made_up_id_comes_in_as_new(app, runner, tmp_path):
    first = gift_file(tmp_path, "anna.gift", "::Home town:: Where did the ferryman grow up? {=Alder Bend}\n")
    second = gift_file(tmp_path, "ben.gift", "::Home town:: Which town is the ferry named after? {=Harbor Point}\n")
    assert invoke(runner, "import", str(first)).exit_code == 0
    result = invoke(runner, "import", str(second))
    assert result.exit_code == 0, result.output
    assert "Imported: 1 new, 0 changed, 0 unchanged." in result.stderr
    assert ("new: home-town-2: the id 'home-town', made from its text (the file gives none), is taken in the bank: "
            "imported as a new question, 'home-town-2'") in result.stderr
    stems = stems_by_uid(app)
    assert stems["home-town"] == "Where did the ferryman grow up?"
    assert stems["home-town-2"] == "Which town is the ferry named after?"


def test_the_same_question_from_another_file_is_flagged_as_a_likely_duplicate_not_merged(app, runner, tmp_path):
    text = "Where does the Alder river rise? {=In the hills}\n"
    assert invoke(runner, "import", str(gift_file(tmp_path, "a.gift", text))).exit_code == 0
    result = invoke(runner, "import", str(gift_file(tmp_path, "b.gift", text)), "--dry-run")
    assert "Dry run: would import: 1 new, 0 changed, 0 unchanged." in result.stdout
    assert ("new: where-does-the-alder-river-rise-2: likely duplicate of where-does-the-alder-river-rise "
            "(same type and text); not merged") in result.stdout


def test_an_id_of_a_question_of_another_type_no_longer_fails_the_import(app, runner, tmp_path):
    tf = gift_file(tmp_path, "tf.gift", "// [id:bridge-age]\nThe bridge is older than the ferry. {F}\n")
    assert invoke(runner, "import", str(tf)).exit_code == 0
    sa_file = gift_file(tmp_path, "sa.gift", "// [id:bridge-age]\nIn which year did the bridge open? {=1932}\n")
    result = invoke(runner, "import", str(sa_file))
    assert result.exit_code == 0, result.output
    assert "the id 'bridge-age' belongs to a true false question of the bank" in result.stderr
    assert stems_by_uid(app)["bridge-age-2"] == "In which year did the bridge open?"


XML_WITH_IDNUMBER = """<quiz><question type="truefalse"><name><text>Ferry</text></name>
<questiontext><text>{stem}</text></questiontext><idnumber>ferry-first</idnumber>
<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>
</question></quiz>
"""


def test_an_idnumber_matches_again_only_from_the_same_file_or_on_an_explicit_update(app, runner, tmp_path):
    course = tmp_path / "course.xml"
    course.write_text(XML_WITH_IDNUMBER.format(stem="A ferry ran first."), encoding="utf-8")
    assert invoke(runner, "import", str(course)).exit_code == 0
    course.write_text(XML_WITH_IDNUMBER.format(stem="A ferry ran before the bridge."), encoding="utf-8")
    again = invoke(runner, "import", str(course))
    assert "Imported: 0 new, 1 changed, 0 unchanged." in again.stderr  # the same question coming back
    other = tmp_path / "other.xml"
    other.write_text(XML_WITH_IDNUMBER.format(stem="Another author's ferry question."), encoding="utf-8")
    result = invoke(runner, "import", str(other))
    assert "Imported: 1 new, 0 changed, 0 unchanged." in result.stderr
    assert "the id 'ferry-first' belongs to a question imported from course.xml" in result.stderr
    assert stems_by_uid(app)["ferry-first"] == "A ferry ran before the bridge."
    other.write_text(XML_WITH_IDNUMBER.format(stem="An explicit update."), encoding="utf-8")
    updated = invoke(runner, "import", str(other), "--update")
    assert "Imported: 0 new, 1 changed, 0 unchanged." in updated.stderr
    assert stems_by_uid(app)["ferry-first"] == "An explicit update."


def test_the_preview_flags_a_likely_duplicate(app, client, teacher, runner, tmp_path):
    text = "Where does the Alder river rise? {=In the hills}\n"
    assert invoke(runner, "import", str(gift_file(tmp_path, "a.gift", text))).exit_code == 0
    response = upload(client, "b.gift", text.encode())
    html = client.get(response.headers["Location"]).text
    assert "Likely duplicate of <code>where-does-the-alder-river-rise</code>" in html


# --- point 9: honest counts; a whole bank goes to GIFT and back unchanged --------------------

def test_a_gift_export_counts_the_questions_written_and_imports_back_unchanged(app, runner, tmp_path):
    import yaml

    bank_file = tmp_path / "mixed.yaml"
    bank_file.write_text(yaml.safe_dump({"questions": [
        {"id": "cat-week-one", "type": "true_false", "stem": "The ferry ran first.", "answer": True, "stem_format": "plain",
         "category": "Week 1", "status": "published"},
        {"id": "no-category", "type": "true_false", "stem": "The bridge is new.", "answer": False, "stem_format": "plain",
         "status": "published"},
        {"id": "order-events", "type": "ordering", "stem": "Put in order.", "items": ["ferry", "bridge"],
         "status": "published"},
    ]}), encoding="utf-8")
    assert invoke(runner, "import", str(bank_file)).exit_code == 0
    with app.app_context():
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Question))
        orderings = db.session.scalar(sa.select(sa.func.count()).select_from(Question).filter_by(type="ordering"))
    out = tmp_path / "bank.gift"
    result = invoke(runner, "export", str(out))
    assert result.exit_code == 0, result.output
    assert f"{total - orderings} questions written to {out} (gift)." in result.stderr
    back = invoke(runner, "import", str(out), "--dry-run")
    assert f"Dry run: would import: 0 new, 0 changed, {total - orderings} unchanged." in back.stdout, back.stdout


def test_convert_counts_what_gift_holds(runner, tmp_path):
    import yaml

    source = tmp_path / "two.yaml"
    source.write_text(yaml.safe_dump({"questions": [
        {"id": "tf", "type": "true_false", "stem": "Yes?", "answer": True},
        {"id": "order", "type": "ordering", "stem": "Order?", "items": ["a", "b"]},
    ]}), encoding="utf-8")
    result = invoke(runner, "convert", str(source), str(tmp_path / "two.gift"))
    assert result.exit_code == 0 and "1 questions written to" in result.stderr
