"""``extract`` and ``generate`` commands, run with click's CliRunner (no app)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from quizapp.canonical import validate
from quizapp.cli.generator import extract, generate

ROOT = Path(__file__).resolve().parents[2]
SEED = str(ROOT / "seeds" / "belarus-trainers.txt")
HARBOR = str(ROOT / "tests" / "data" / "articles" / "harbor-vote.txt")


@pytest.fixture
def runner():
    return CliRunner()


def test_extract_one_file(runner):
    result = runner.invoke(extract, [SEED])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["article"] == {"slug": "belarus-trainers", "title": doc["article"]["title"], "published": "2022-12-22"}
    kinds = [f["kind"] for f in doc["facts"]]
    assert kinds.count("quote") == 15
    assert {"organization", "person", "date", "place"} <= set(kinds)


def test_extract_many_files_shows_progress_on_stderr(runner):
    result = runner.invoke(extract, [SEED, HARBOR])
    assert result.exit_code == 0
    docs = json.loads(result.stdout)
    assert [d["article"]["slug"] for d in docs] == ["belarus-trainers", "harbor-vote"]
    assert "Extracting" in result.stderr


def test_extract_published_overrides(runner, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text('"We start on Monday," Ann Bell said.', encoding="utf-8")
    doc = json.loads(runner.invoke(extract, [str(path), "--published", "2023-03-15"]).stdout)
    dates = [f for f in doc["facts"] if f["kind"] == "date"]
    assert dates[0]["value"] == "2023-03-13"
    assert [f["speaker"] for f in doc["facts"] if f["kind"] == "quote"] == ["Ann Bell"]


def test_extract_jsonl(runner):
    lines = "\n".join([
        json.dumps({"id": "p1", "text": '"We will win," Warren said on Monday.', "published": "2016-09-30"}),
        "",
        json.dumps({"id": "p2", "text": "No quotes here."}),
    ])
    result = runner.invoke(extract, ["--jsonl"], input=lines)
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["p1", "p2"]
    quote = out[0]["facts"][0]
    assert (quote["text"], quote["speaker"], quote["start"], quote["end"]) == ("We will win,", "Warren", 1, 13)
    assert [f["value"] for f in out[0]["facts"] if f["kind"] == "date"] == ["2016-09-26"]
    assert out[1]["facts"] == []


@pytest.mark.parametrize("line, message", [
    ("not json", "stdin: line 1: not JSON"),
    ('{"id": 1}', 'stdin: line 1: expected an object with a "text" string'),
    ('{"text": "x", "published": "soon"}', "stdin: line 1: published date"),
])
def test_extract_jsonl_bad_lines(runner, line, message):
    result = runner.invoke(extract, ["--jsonl"], input=line + "\n")
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("fmt", ["yaml", "json", "gift"])
def test_generate_formats(runner, fmt):
    result = runner.invoke(generate, [SEED, "--format", fmt])
    assert result.exit_code == 0, result.output
    if fmt == "yaml":
        questions = yaml.safe_load(result.stdout)["questions"]
    elif fmt == "json":
        data = json.loads(result.stdout)
        questions = data["questions"] if isinstance(data, dict) else data
    else:
        assert "::" in result.stdout or "{" in result.stdout
        assert "=Dmitry Peskov" in result.stdout
        assert "GIFT has no place for fact and source" in result.stderr
        return
    # one draft per fact by default (--all-forms gives every form), a speaker twice at most
    assert len(questions) >= 6
    keys = [q["fact"]["key"] for q in questions]
    assert len(keys) == len(set(keys))
    speakers = [q["fact"]["speaker"] for q in questions if "who-said" in q["tags"]]
    assert speakers and max(speakers.count(s) for s in speakers) <= 2
    assert all(q["status"] == "draft" and validate(q) == [] for q in questions)


def test_generate_to_file_from_many_articles(runner, tmp_path):
    out = tmp_path / "drafts.json"
    result = runner.invoke(generate, [SEED, HARBOR, "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text("utf-8"))
    questions = data["questions"] if isinstance(data, dict) else data
    articles = {q["source"]["article"] for q in questions}
    assert articles == {"seeds/belarus-trainers.txt", "tests/data/articles/harbor-vote.txt"}
    assert "Generating" in result.stderr
    assert f"written to {out}" in result.stderr


@pytest.mark.parametrize("data, message", [
    (b"", "the file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    (b"Caf\xe9 society\n", "not UTF-8"),
])
@pytest.mark.parametrize("command", [extract, generate])
def test_bad_input_one_line_and_exit_1(runner, tmp_path, command, data, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    out = tmp_path / "out.yaml"
    args = [str(path)] + (["-o", str(out)] if command is generate else [])
    result = runner.invoke(command, args)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and str(path) in lines[0]
    assert not out.exists()  # nothing half-written


@pytest.mark.parametrize("command", [extract, generate])
def test_missing_file(runner, tmp_path, command):
    result = runner.invoke(command, [str(tmp_path / "nope.txt")])
    assert result.exit_code == 1
    assert "nope.txt: cannot read file" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_commands_do_not_import_flask():
    import quizapp.cli.generator as module

    source = Path(module.__file__).read_text("utf-8")
    assert "flask" not in source.lower().replace("no flask import", "")
