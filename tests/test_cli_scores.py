"""``quizapp scores export``: formats, filters, stdout and bad options."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest

from tests.export_helpers import INJECTION, build_school


@pytest.fixture
def school(app):
    return build_school(app)


def export(runner, *args):
    return runner.invoke(args=["scores", "export", *map(str, args)])


@pytest.fixture
def outdir(tmp_path):
    """An empty folder for the exports (tmp_path also holds the test database)."""
    path = tmp_path / "out"
    path.mkdir()
    return path


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_gradebook_csv_from_the_extension(runner, school, tmp_path):
    out = tmp_path / "book.csv"
    result = export(runner, out)
    assert result.exit_code == 0, result.output
    assert "4 row(s) written" in result.stderr
    rows = read_csv(out)
    assert [r["learner"] for r in rows] == ["ann", "bob", "cat", "dan"]
    assert rows[0]["Alpha Quiz (alpha-quiz)"] == "75.0" and rows[3]["Omega Quiz (omega-quiz)"] == "0.0"
    assert not list(tmp_path.glob(".*.part"))


def test_responses_in_xlsx_and_json(runner, school, tmp_path):
    result = export(runner, tmp_path / "answers.xlsx", "--kind", "responses", "--class", "ALPHA23")
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(tmp_path / "answers.xlsx").active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "learner" and {v[0] for v in values[1:]} == {"ann", "bob"}
    assert "'" + INJECTION in {v[7] for v in values[1:]}
    assert sheet.cell(2, 4).data_type == "n" and sheet.cell(2, 10).data_type == "n"  # attempt id, score
    assert sheet.cell(2, 9).data_type == "b"  # correct

    out = tmp_path / "answers.data"
    result = export(runner, out, "--format", "json", "--kind", "responses", "--quiz", "omega-quiz",
                    "--since", "2024-03-03", "--until", "2024-03-06")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["learner"], r["submitted_at"]) for r in records] == [
        ("ann", "2024-03-03T10:00:00Z"), ("dan", "2024-03-06T10:00:00Z")]


def test_stdout_and_excel_csv(runner, school):
    result = export(runner, "-", "--format", "csv", "--kind", "responses", "--class", "OMEGA23")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["learner"] for r in rows} == {"ann", "dan"}
    result = export(runner, "-", "--format", "csv", "--excel")
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbflearner,") and b"\r\n" in result.stdout_bytes
    result = export(runner, "-", "--format", "json", "--quiz", "alpha-quiz")
    assert [json.loads(line)["learner"] for line in result.stdout.splitlines()] == ["ann", "bob", "cat", "dan"]


@pytest.mark.parametrize("args, message", [
    (["out.txt"], "cannot tell the format"),
    (["-"], "cannot tell the format"),
    (["out.csv", "--format", "pdf"], "unknown format"),
    (["out.json", "--excel"], "--excel applies to CSV only"),
    (["-", "--format", "xlsx"], "binary"),
    (["out.csv", "--kind", "everything"], "Unknown export"),
    (["out.csv", "--quiz", "no-such-quiz"], "no-such-quiz"),
    (["out.xlsx", "--class", "NOPE999"], "NOPE999"),
    (["out.csv", "--since", "March"], "--since"),
    (["out.csv", "--since", "2024-03-05", "--until", "2024-03-01"], "starts"),
    (["missing/out.csv"], "folder does not exist"),
])
def test_bad_options_exit_1_and_leave_no_file(runner, school, outdir, monkeypatch, args, message):
    monkeypatch.chdir(outdir)
    result = export(runner, *args)
    assert result.exit_code == 1, result.output
    assert message in result.stderr and "Traceback" not in result.output
    assert list(outdir.iterdir()) == []


def test_a_failure_midway_leaves_no_partial_file(runner, school, outdir, monkeypatch):
    from quizapp.services import exports

    def broken(*_args, **_kwargs):
        yield ("ann",) + (None,) * 11
        raise OSError(28, "No space left on device")

    real = exports.response_rows
    monkeypatch.setattr(exports, "response_rows",
                        lambda filters: exports.Table(real(filters).headers, broken()))
    out = outdir / "answers.csv"
    out.write_text("the previous export\n")
    result = export(runner, out, "--kind", "responses")
    assert result.exit_code == 1 and "No space left" in result.stderr
    assert out.read_text() == "the previous export\n"  # untouched
    assert sorted(p.name for p in outdir.iterdir()) == ["answers.csv"]
