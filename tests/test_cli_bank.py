"""``quizapp bank import`` and ``quizapp bank export``: round trips, dry runs, bad files, Anki decks."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from quizapp.extensions import db
from quizapp.formats import anki
from quizapp.models import Article, Question, QuestionVersion, Quiz
from quizapp.services import bank
from quizapp.services.errors import InvalidInput

BANKS = Path(__file__).resolve().parent / "data" / "banks"


def invoke(runner, *args):
    return runner.invoke(args=["bank", *args])


def snapshot(app) -> dict:
    """Every question's current version number, status and content: what an import may change."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(Question.uid, Question.status, QuestionVersion.number, QuestionVersion.data)
            .join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
        ).all()
        versions = db.session.scalar(sa.select(sa.func.count()).select_from(QuestionVersion))
    return {"versions": versions, "questions": {uid: (status, number, data) for uid, status, number, data in rows}}


def question_yaml(qid: str, weight: float = 1.0) -> dict:
    return {"id": qid, "type": "multiple_choice", "stem": f"Which one ({qid})?", "status": "published",
            "choices": [{"text": "Right", "weight": weight}, {"text": "Wrong", "weight": 0.0}]}


def write_bank(path: Path, questions: list[dict]) -> Path:
    path.write_text(yaml.safe_dump({"questions": questions}, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


# --- round trips -------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["yaml", "json", "csv", "xml", "gift"])
def test_export_then_import_leaves_the_bank_unchanged(app, runner, tmp_path, fmt):
    before = snapshot(app)
    out = tmp_path / f"bank.{fmt}"
    exported = invoke(runner, "export", str(out))
    assert exported.exit_code == 0, exported.output
    assert f"written to {out}" in exported.output

    result = invoke(runner, "import", str(out))
    assert result.exit_code == 0, result.output
    carried = len(before["questions"]) - (1 if fmt == "gift" else 0)  # GIFT has no ordering questions
    assert f"0 new, 0 changed, {carried} unchanged" in result.output
    assert snapshot(app) == before  # status too: GIFT and XML keep the bank's status, fact and source


@pytest.mark.parametrize("fmt", ["xml", "gift"])
def test_formats_without_status_warn_on_export_and_say_what_they_kept(runner, tmp_path, fmt):
    out = tmp_path / f"bank.{fmt}"
    exported = invoke(runner, "export", str(out), "-v")  # every warning (without -v: a summary)
    assert "warning: belarus-trainers-who-likely-use: " in exported.stderr
    assert "cannot carry status 'published'" in exported.stderr
    result = invoke(runner, "import", str(out), "--dry-run")
    assert "already in the bank keep theirs; new questions come in as drafts" in result.output


def test_gift_and_xml_questions_new_to_the_bank_come_in_as_drafts(app, runner):
    result = invoke(runner, "import", str(BANKS / "moodle-docs.xml"))
    assert result.exit_code == 0, result.output
    assert "10 new, 0 changed, 0 unchanged" in result.output
    with app.app_context():
        statuses = set(db.session.scalars(sa.select(Question.status).where(Question.uid.in_(["primes", "matching"]))))
    assert statuses == {"draft"}


def test_export_filters_by_status_and_writes_through_a_temporary_file(app, runner, tmp_path):
    with app.app_context():
        question = db.session.scalar(sa.select(Question).order_by(Question.id))
        question.status = "retired"
        uid = question.uid
        db.session.commit()
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "retired.json"
    result = invoke(runner, "export", str(out), "--status", "retired")
    assert result.exit_code == 0, result.output
    questions = json.loads(out.read_text(encoding="utf-8"))["questions"]
    assert [q["id"] for q in questions] == [uid]
    assert list(questions[0])[:2] == ["id", "type"]  # canonical key order
    assert sorted(p.name for p in out.parent.iterdir()) == ["retired.json"]  # no temporary file left


def test_export_refuses_an_unknown_format_and_leaves_the_file_alone(runner, tmp_path):
    out = tmp_path / "bank.docx"
    out.write_text("keep me", encoding="utf-8")
    result = invoke(runner, "export", str(out))
    assert result.exit_code == 1
    assert "cannot tell the bank format from the extension '.docx'" in result.stderr
    assert out.read_text(encoding="utf-8") == "keep me"
    result = invoke(runner, "export", str(out), "--to", "pdf")
    assert result.exit_code == 1 and "unknown bank format 'pdf'" in result.stderr


# --- dry run and changes ----------------------------------------------------------

def edited_export(runner, tmp_path) -> tuple[Path, str]:
    """The bank exported as YAML with its first stem edited and one question added."""
    out = tmp_path / "bank.yaml"
    assert invoke(runner, "export", str(out)).exit_code == 0
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    first = data["questions"][0]
    first["stem"] += " (edited)"
    data["questions"].append(question_yaml("brand-new-question"))
    out.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return out, first["id"]


def test_dry_run_tells_what_would_happen_and_writes_nothing(app, runner, tmp_path):
    before = snapshot(app)
    path, edited = edited_export(runner, tmp_path)
    result = invoke(runner, "import", str(path), "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"1 new, 1 changed, {len(before['questions']) - 1} unchanged" in result.output
    assert "new: brand-new-question" in result.output
    assert f"changed: {edited} (stem)" in result.output
    assert "Nothing was written." in result.output
    assert snapshot(app) == before


def test_import_adds_new_questions_and_versions_changed_ones(app, runner, tmp_path):
    path, edited = edited_export(runner, tmp_path)
    result = invoke(runner, "import", str(path))
    assert result.exit_code == 0, result.output
    assert "Imported: 1 new, 1 changed" in result.output
    with app.app_context():
        question = db.session.scalar(sa.select(Question).filter_by(uid=edited))
        assert question.current.number == 2 and question.stem.endswith("(edited)")
        assert question.article is not None  # still linked to its seed article
        new = db.session.scalar(sa.select(Question).filter_by(uid="brand-new-question"))
        assert new.status == "published" and new.current.number == 1
    again = invoke(runner, "import", str(path))
    assert "0 new, 0 changed" in again.output


def test_a_status_change_alone_keeps_the_current_version(app, runner, tmp_path):
    out = tmp_path / "bank.csv"
    assert invoke(runner, "export", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8-sig")
    header, first, *rest = text.splitlines(keepends=True)
    out.write_text(header + first.replace("published", "retired") + "".join(rest), encoding="utf-8")
    result = invoke(runner, "import", str(out), "--dry-run")
    assert "0 new, 1 changed" in result.output and "(status)" in result.output
    assert invoke(runner, "import", str(out)).exit_code == 0
    with app.app_context():
        question = db.session.scalar(sa.select(Question).order_by(Question.id))
        assert question.status == "retired" and question.current.number == 1
        assert question.current.data["status"] == "retired"
        assert not db.session.scalar(sa.select(sa.func.count()).select_from(Quiz).join(Quiz.entries)
                                     .where(Quiz.entries.any(question_id=question.id)))


def test_an_article_not_in_the_database_keeps_the_source_without_a_link(app, runner, tmp_path):
    question = question_yaml("cites-a-missing-article")
    question["source"] = {"article": "seeds/not-here.txt", "sentence": "Something was said.", "start": 0, "end": 19}
    path = write_bank(tmp_path / "bank.yaml", [question])
    result = invoke(runner, "import", str(path))
    assert result.exit_code == 0, result.output
    assert "note: 1 question(s) cite seeds/not-here.txt, which is not in the database" in result.output
    with app.app_context():
        stored = db.session.scalar(sa.select(Question).filter_by(uid="cites-a-missing-article"))
        assert stored.article_id is None
        assert stored.current.data["source"]["article"] == "seeds/not-here.txt"


def test_a_question_cannot_change_its_type(app, runner, tmp_path):
    before = snapshot(app)
    uid = next(iter(before["questions"]))
    question = question_yaml(uid)
    question["type"] = "multiple_response"
    question["choices"] = [{"text": "A", "weight": 0.5}, {"text": "B", "weight": 0.5}]
    assert before["questions"][uid][2]["type"] != "multiple_response", "pick a question of another type"
    result = invoke(runner, "import", str(write_bank(tmp_path / "bank.yaml", [question])))
    assert result.exit_code == 1 and "a question keeps its type" in result.stderr
    assert snapshot(app) == before


# --- bad files --------------------------------------------------------------

def test_a_bad_file_names_file_and_line_and_imports_nothing(app, runner, tmp_path):
    before = snapshot(app)
    path = tmp_path / "broken.gift"
    path.write_text("::A:: Fine? {T}\n\n::B:: Broken {=yes ~no\n", encoding="utf-8")
    result = invoke(runner, "import", str(path))
    assert result.exit_code == 1
    assert f"{path}:3" in result.stderr and "nothing was imported" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert snapshot(app) == before


def test_a_bad_tenth_question_imports_none_of_the_first_nine(app, runner, tmp_path):
    before = snapshot(app)
    questions = [question_yaml(f"good-{n}") for n in range(1, 10)] + [question_yaml("bad-10", weight=3)]
    path = write_bank(tmp_path / "ten.yaml", questions)
    line = path.read_text(encoding="utf-8").splitlines().index("- id: bad-10") + 1
    result = invoke(runner, "import", str(path))
    assert result.exit_code == 1
    assert f"{path}:{line}:" in result.stderr and "weight" in result.stderr
    assert snapshot(app) == before


def test_a_failure_while_writing_the_tenth_question_rolls_back_the_first_nine(app, monkeypatch):
    questions = [{**question_yaml(f"good-{n}")} for n in range(1, 11)]
    before = snapshot(app)
    calls = []
    real_columns = bank._columns

    def failing_columns(data):
        calls.append(data["id"])
        if len(calls) == 10:
            raise RuntimeError("disk full")
        return real_columns(data)

    monkeypatch.setattr(bank, "_columns", failing_columns)
    with app.app_context():
        with pytest.raises(RuntimeError):
            bank.import_questions(questions)
    assert len(calls) == 10
    assert snapshot(app) == before


def test_the_service_refuses_invalid_questions_before_writing(app):
    before = snapshot(app)
    with app.app_context():
        with pytest.raises(InvalidInput, match="choices"):
            bank.import_questions([question_yaml("ok"), {"id": "no-choices", "type": "multiple_choice", "stem": "?"}])
    assert snapshot(app) == before


def test_an_anki_deck_cannot_be_imported(runner, tmp_path):
    path = tmp_path / "deck.apkg"
    path.write_bytes(b"PK")
    result = invoke(runner, "import", str(path))
    assert result.exit_code == 1 and "deck.apkg" in result.stderr


# --- Moodle's documentation examples ------------------------------------------------

def current_data(app, uid: str) -> dict:
    with app.app_context():
        return db.session.scalar(sa.select(Question).filter_by(uid=uid)).current.data


def test_moodle_gift_documentation_examples_import_with_types_weights_and_feedback(app, runner):
    result = invoke(runner, "import", str(BANKS / "moodle-docs.gift"))
    assert result.exit_code == 0, result.output
    assert "37 new, 0 changed, 0 unchanged" in result.output
    q2 = current_data(app, "q2")
    assert q2["type"] == "multiple_choice"
    assert [(c["text"], c["weight"], c["feedback"]) for c in q2["choices"]] == [
        ("yellow", 1.0, "right; good!"), ("red", 0.0, "wrong, it's yellow"), ("blue", 0.0, "wrong, it's yellow")]
    q7 = current_data(app, "q7")
    assert q7["type"] == "numerical"
    assert [(n["value"], n["tolerance"], n["weight"]) for n in q7["numeric"]] == [(1822, 0, 1.0), (1822, 2, 0.5)]
    assert q7["numeric"][1]["feedback"].startswith("He was born in 1822")
    entombed = current_data(app, "what-two-people-are-entombed-in-grant-s-tomb")
    assert entombed["type"] == "multiple_response"
    assert [c["weight"] for c in entombed["choices"]] == [-1.0, 0.5, 0.5, -1.0]
    assert current_data(app, "q1")["type"] == "true_false" and current_data(app, "q1")["answer"] is True
    assert current_data(app, "q4")["type"] == "matching"
    assert current_data(app, "q8")["type"] == "essay"
    assert current_data(app, "q1-in-category")["category"] == "tom/dick/harry"


def test_moodle_xml_documentation_examples_import_with_types_weights_and_feedback(app, runner):
    result = invoke(runner, "import", str(BANKS / "moodle-docs.xml"))
    assert result.exit_code == 0, result.output
    types = {uid: current_data(app, uid)["type"] for uid in
             ("name-of-question", "primes", "true-or-false", "short-answer", "numerical", "matching",
              "essay", "description", "ordering")}
    assert types == {"name-of-question": "multiple_choice", "primes": "multiple_response", "true-or-false": "true_false",
                     "short-answer": "short_answer", "numerical": "numerical", "matching": "matching",
                     "essay": "essay", "description": "description", "ordering": "ordering"}
    primes = current_data(app, "primes")
    assert [(c["text"], c["weight"]) for c in primes["choices"]] == [("2", 0.5), ("3", 0.5), ("4", -1.0)]
    assert primes["choices"][2]["feedback"] == "4 = 2 × 2"
    assert primes["tags"] == ["maths", "primes"]
    tf = current_data(app, "true-or-false")
    assert (tf["answer"], tf["feedback_true"], tf["feedback_false"]) == (True, "Correct!", "Ooops!")
    pi = current_data(app, "numerical-with-tolerance")
    assert pi["numeric"][0] == {"value": 3.14, "tolerance": 0.005, "weight": 1.0, "feedback": "Right."}
    assert pi["numeric"][2]["value"] is None and pi["numeric"][2]["feedback"] == "Pi is a little more than three."


# --- Anki --------------------------------------------------------------------------

def read_deck(path: Path, tmp_path: Path) -> tuple[list[tuple], dict, dict]:
    """The notes (fields split, tags, guid), the decks and the note types of an .apkg."""
    with zipfile.ZipFile(path) as archive:
        assert "collection.anki2" in archive.namelist()
        collection = tmp_path / "collection.anki2"
        collection.write_bytes(archive.read("collection.anki2"))
    connection = sqlite3.connect(collection)
    try:
        notes = [(flds.split("\x1f"), tags.split(), guid, mid)
                 for flds, tags, guid, mid in connection.execute("SELECT flds, tags, guid, mid FROM notes ORDER BY id")]
        decks, models = (json.loads(v) for v in connection.execute("SELECT decks, models FROM col").fetchone())
    finally:
        connection.close()
    return notes, decks, models


def test_the_bank_as_an_anki_deck(app, runner, tmp_path):
    out = tmp_path / "deck.apkg"
    result = invoke(runner, "export", str(out))
    assert result.exit_code == 0, result.output
    notes, decks, models = read_deck(out, tmp_path)
    with app.app_context():
        published = db.session.scalar(sa.select(sa.func.count()).select_from(Question).filter_by(status="published"))
        first = db.session.scalar(sa.select(Question).order_by(Question.id)).current.data
    assert len(notes) == published
    deck = next(d for d in decks.values() if d["name"] == "quizapp question bank")
    assert int(deck["id"]) == anki.stable_id("quizapp deck: quizapp question bank")
    assert str(anki.stable_id(anki.MODEL_NAME)) in models
    front, back, qid = next(n[0] for n in notes if n[0][2] == first["id"])
    assert "Who said that the &quot;likely use&quot;" in front
    assert "<li>NATO</li>" in front  # the choices are on the front
    assert "A. The British Ministry of Defense" in back
    assert first["general_feedback"].split(":")[0].replace('"', "&quot;") in back
    assert '<blockquote class="source">The British Ministry of Defense (MOD)' in back
    tags = next(n[1] for n in notes if n[0][2] == first["id"])
    assert "who-said-what" in tags


def test_a_quiz_as_an_anki_deck_with_stable_ids(app, runner, tmp_path):
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz).filter_by(slug="belarus-trainers-quotes"))
        title, expected = quiz.title, [entry.question.uid for entry in quiz.entries]
    first, second = tmp_path / "one.apkg", tmp_path / "two.apkg"
    assert invoke(runner, "export", str(first), "--quiz", "belarus-trainers-quotes").exit_code == 0
    assert invoke(runner, "export", str(second), "--quiz", "belarus-trainers-quotes").exit_code == 0
    notes, decks, _ = read_deck(first, tmp_path)
    assert [n[0][2] for n in notes] == expected
    assert any(d["name"] == title for d in decks.values())
    again, decks_again, _ = read_deck(second, tmp_path)
    assert [n[2] for n in again] == [n[2] for n in notes]  # same GUIDs: Anki updates the cards
    assert {d["name"]: d["id"] for d in decks.values()} == {d["name"]: d["id"] for d in decks_again.values()}
    missing = invoke(runner, "export", str(tmp_path / "x.apkg"), "--quiz", "no-such-quiz")
    assert missing.exit_code == 1 and "no quiz is called 'no-such-quiz'" in missing.stderr


def test_anki_plain_text_is_escaped_and_html_keeps_only_safe_markup(app, runner, tmp_path):
    risky = {"id": "risky", "type": "short_answer", "stem": "Is <script>alert(1)</script> & <b>bold</b> safe?",
             "stem_format": "plain", "accepted": [{"text": "<no>", "weight": 1.0}], "status": "published"}
    html_stem = {"id": "html-stem", "type": "true_false", "stem": "<p>The <b>sky</b> is blue.</p>",
                 "stem_format": "html", "answer": True, "status": "published"}
    path = write_bank(tmp_path / "risky.yaml", [risky, html_stem])
    assert invoke(runner, "import", str(path)).exit_code == 0
    out = tmp_path / "deck.apkg"
    assert invoke(runner, "export", str(out), "--status", "published").exit_code == 0
    notes = {n[0][2]: n[0] for n in read_deck(out, tmp_path)[0]}
    front, back, _ = notes["risky"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in front and "<script>" not in front
    assert "&lt;no&gt;" in back
    front, back, _ = notes["html-stem"]
    assert "<p>The <b>sky</b> is blue.</p>" in front  # issue 15: rendered, sanitised
    assert "True" in back


def test_anki_leaves_out_descriptions_and_says_so():
    questions = [{"id": "intro", "type": "description", "stem": "Read this first."},
                 {"id": "tf", "type": "true_false", "stem": "Yes?", "answer": True}]
    deck, warnings = anki.build_deck(questions, "Test")
    assert len(deck.notes) == 1
    assert warnings == ["intro: a description has no answer; left out of the deck"]
