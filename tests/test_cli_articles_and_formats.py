"""Issue 14, point 20: drafts cite the article where it is, a one-line article is told why it
has no text, ``generate -o`` names its format as ``bank export`` does, every format is listed."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from quizapp import formats
from quizapp.app import create_app
from quizapp.extensions import db
from quizapp.models import Article, Question
from tests.conftest import make_config

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "belarus-trainers.txt"


def _one_error_line(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].lower().startswith("error: ")  # bank convert writes "error:"
    return lines[0]


def _article_outside_the_project(tmp_path: Path) -> Path:
    story = tmp_path / "articles" / "harbor-story.txt"
    story.parent.mkdir()
    shutil.copy(ROOT / "tests" / "data" / "articles" / "harbor-vote.txt", story)
    return story


def _generate(runner, *args: str) -> list[dict]:
    result = runner.invoke(args=["generate", *args])
    assert result.exit_code == 0, result.output
    return yaml.safe_load(Path(args[args.index("-o") + 1]).read_text("utf-8"))["questions"]


# -- a: the citation -----------------------------------------------------------


def test_generated_drafts_cite_the_article_file_they_came_from(runner, tmp_path):
    story = _article_outside_the_project(tmp_path)
    outside = _generate(runner, str(story), "-o", str(tmp_path / "story.yaml"))
    assert {q["source"]["article"] for q in outside} == {story.resolve().as_posix()}
    seeded = _generate(runner, str(SEED), "-o", str(tmp_path / "seed.yaml"))
    assert {q["source"]["article"] for q in seeded} == {"seeds/belarus-trainers.txt"}


def test_drafts_of_an_article_outside_seeds_load_and_import_linked_to_it(tmp_path):
    story = _article_outside_the_project(tmp_path)
    bank_dir = tmp_path / "question_bank"
    bank_dir.mkdir()
    app = create_app(make_config(tmp_path / "fresh.sqlite", QUESTION_BANK_DIR=str(bank_dir)))
    runner = app.test_cli_runner()
    drafts = bank_dir / "harbor-story.yaml"
    questions = _generate(runner, str(story), "-o", str(drafts))

    loaded = runner.invoke(args=["init-db"])  # reads the article the drafts cite
    assert loaded.exit_code == 0, loaded.output
    again = runner.invoke(args=["bank", "import", str(drafts)])
    assert again.exit_code == 0, again.output
    assert "not in the database" not in again.output
    with app.app_context():
        article = db.session.scalar(sa.select(Article).filter_by(slug="harbor-story"))
        assert article is not None and article.path == story.resolve().as_posix()
        linked = db.session.scalars(sa.select(Question).where(Question.uid.in_([q["id"] for q in questions])))
        assert {q.article_id for q in linked} == {article.id}
        db.engine.dispose()


def test_importing_drafts_of_an_article_never_loaded_says_how_to_load_it(runner, tmp_path):
    story = _article_outside_the_project(tmp_path)
    drafts = tmp_path / "drafts.yaml"
    _generate(runner, str(story), "-o", str(drafts))
    result = runner.invoke(args=["bank", "import", str(drafts)])
    assert result.exit_code == 0, result.output
    note = next(line for line in result.stderr.splitlines() if "not in the database" in line)
    assert story.resolve().as_posix() in note and "quizapp init-db" in note


# -- b: a one-line article -------------------------------------------------------


def test_a_huge_one_line_article_is_told_why_no_text_is_left(runner, tmp_path):
    text = SEED.read_text("utf-8")
    end = text.index("\n---", 3) + 5
    line = " ".join(text[end:].split())
    article = tmp_path / "one-line.txt"
    article.write_text(text[:end] + " ".join([line] * (5_900_000 // len(line))), "utf-8")
    assert article.stat().st_size > 5_800_000
    message = _one_error_line(runner.invoke(args=["generate", str(article)]))
    assert "after the front matter" not in message
    for reason in ("one paragraph", "characters", "audio banner", "blank line between paragraphs"):
        assert reason in message, message


# -- c, d: output formats and the extension lists ----------------------------------


def test_generate_refuses_an_unknown_extension_as_bank_export_does(runner, tmp_path):
    out = tmp_path / "g.docx"
    exported = _one_error_line(runner.invoke(args=["bank", "export", str(out)]))
    generated = _one_error_line(runner.invoke(args=["generate", str(SEED), "-o", str(out)]))
    assert generated == exported
    assert not out.exists()


@pytest.mark.parametrize("ext,looks_like", [
    ("xml", lambda data: data.startswith(b"<?xml")),
    ("csv", lambda data: data.removeprefix(b"\xef\xbb\xbf").startswith(b"id,type,")),
    ("json", lambda data: data.lstrip().startswith((b"{", b"["))),
    ("apkg", lambda data: data.startswith(b"PK")),
])
def test_generate_writes_the_format_its_extension_names(runner, tmp_path, ext, looks_like):
    out = tmp_path / f"drafts.{ext}"
    result = runner.invoke(args=["generate", str(SEED), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert looks_like(out.read_bytes()), out.read_bytes()[:80]
    if ext == "apkg":
        assert "collection.anki2" in zipfile.ZipFile(out).namelist()


def test_extension_lists_name_every_format_quizapp_writes(runner, tmp_path):
    written = [ext for name in formats.OUTPUT_FORMATS
               for ext in (formats.WRITE_ONLY.get(name) or formats.FORMATS[name].EXTENSIONS)]
    assert ".apkg" in written
    for args in (["bank", "export", str(tmp_path / "g.docx")],
                 ["bank", "convert", str(ROOT / "question_bank" / "belarus-trainers.yaml"), str(tmp_path / "g.docx")],
                 ["generate", str(SEED), "-o", str(tmp_path / "g.docx")]):
        message = _one_error_line(runner.invoke(args=args))
        assert all(ext in message for ext in written), message


def test_an_anki_deck_converts_but_is_not_imported(runner, tmp_path):
    deck = tmp_path / "bank.apkg"
    converted = runner.invoke(args=["bank", "convert", str(ROOT / "question_bank" / "belarus-trainers.yaml"),
                                    str(deck)])
    assert converted.exit_code == 0, converted.output
    assert zipfile.is_zipfile(deck)
    refused = _one_error_line(runner.invoke(args=["bank", "import", str(deck)]))
    assert "Anki deck" in refused and "cannot read" in refused and ".yaml" in refused
