"""``bank convert`` (quizapp.cli.convert.convert), run through click's CliRunner."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizapp.cli.convert import convert
from quizapp.formats import ordered, read_bank

BANKS = Path(__file__).parent.parent / "data" / "banks"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.parametrize("ext", ["json", "csv", "yaml"])
def test_convert_lossless_formats(runner, tmp_path, ext):
    out = tmp_path / f"bank.{ext}"
    result = runner.invoke(convert, [str(BANKS / "sample.yaml"), str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "warning" not in result.stderr
    assert f"9 questions written to {out} ({ext})" in result.stderr
    original = read_bank(BANKS / "sample.yaml")
    converted = read_bank(out)
    assert [q["id"] for q in converted] == [q["id"] for q in original]
    if ext != "csv":  # CSV reads default weights back as explicit values
        assert converted == [ordered(q) for q in original]


def test_convert_to_gift_warns_on_stderr(runner, tmp_path):
    out = tmp_path / "bank.gift"
    result = runner.invoke(convert, [str(BANKS / "sample.yaml"), str(out)])
    assert result.exit_code == 0
    assert "warning: belarus-order: GIFT has no ordering questions; question left out" in result.stderr
    assert "warning: belarus-who-said: GIFT cannot carry 'fact'; left out" in result.stderr
    assert [q["id"] for q in read_bank(out)] == [
        q["id"] for q in read_bank(BANKS / "sample.yaml") if q["type"] != "ordering"
    ]


def test_convert_with_explicit_formats_and_stdout(runner, tmp_path):
    src = tmp_path / "bank.data"
    src.write_text((BANKS / "moodle-docs.gift").read_text(encoding="utf-8"), encoding="utf-8")
    result = runner.invoke(convert, [str(src), "-", "--from", "gift", "--to", "moodle"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')


def test_convert_reads_stdin(runner):
    result = runner.invoke(
        convert, ["-", "-", "--from", "gift", "--to", "json"], input="Who? {=a ~b}\n"
    )
    assert result.exit_code == 0, result.stderr
    assert '"id": "who"' in result.stdout


def test_bad_input_exits_1_and_writes_nothing(runner, tmp_path):
    src = tmp_path / "bad.gift"
    src.write_text("Q1 {T}\n\nWho? {=a ~b\n", encoding="utf-8")
    out = tmp_path / "out.json"
    result = runner.invoke(convert, [str(src), str(out)])
    assert result.exit_code == 1
    assert result.stderr == f"error: {src}:3: '{{' is not closed with '}}' (escape a literal brace as \\{{)\n"
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [src]


def test_bad_input_keeps_an_existing_output(runner, tmp_path):
    src = tmp_path / "bad.json"
    src.write_bytes(b'[{"id": "q", "type": "essay", "stem": "caf\xe9"}]')
    out = tmp_path / "out.yaml"
    out.write_text("questions: []\n", encoding="utf-8")
    result = runner.invoke(convert, [str(src), str(out)])
    assert result.exit_code == 1
    assert "not UTF-8 text (byte 0xe9)" in result.stderr
    assert out.read_text(encoding="utf-8") == "questions: []\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bank.docx", "out.json"], "cannot tell the bank format from the extension '.docx'"),
        (["in.yaml", "out.json", "--to", "pdf"], "unknown bank format 'pdf'"),
        (["-", "out.json"], "give --from when reading or writing '-'"),
    ],
)
def test_bad_formats(runner, args, message):
    result = runner.invoke(convert, args)
    assert result.exit_code == 1
    assert message in result.stderr


def test_missing_input_file(runner, tmp_path):
    result = runner.invoke(convert, [str(tmp_path / "none.yaml"), str(tmp_path / "out.json")])
    assert result.exit_code == 1
    assert "No such file or directory" in result.stderr


def test_formats_and_cli_import_no_flask_or_database():
    code = (
        "import sys, quizapp.formats, quizapp.cli.convert; "
        "bad = [m for m in ('flask', 'sqlalchemy', 'flask_sqlalchemy') if m in sys.modules]; "
        "print(bad)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
