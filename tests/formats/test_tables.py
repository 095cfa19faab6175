"""Streaming table writers: CSV, XLSX, JSON lines and the spreadsheet guard."""

from __future__ import annotations

import csv
import datetime as dt
import inspect
import io
import json

import openpyxl
import pytest

from quizapp.formats import tables

HEADERS = ["learner", "answer", "score", "correct", "seconds"]
ROWS = [
    ("ann", "Minsk", 1.0, True, 1.5),
    ("=cmd|' /C calc'!A0", "+1 call me", -0.5, False, None),
    ("@SUM(A1)", "-5 rough spots", 0, False, 2),
    ("\tTabbed", "\rReturn", 3, True, 0.25),
    ("Łukasz", "Лукашенко → Minsk; “quoted”, comma", 0.5, True, 10),
]


def once(rows):
    """A one-shot iterator: a writer that needed a list would see nothing twice."""
    yield from rows


def test_neutralize_text_only():
    assert tables.neutralize("=1+1") == "'=1+1"
    for risky in ("+1", "-1", "@x", "\tx", "\rx"):
        assert tables.neutralize(risky) == "'" + risky
    assert tables.neutralize("plain = text") == "plain = text"
    assert tables.neutralize("") == ""
    assert tables.neutralize(-0.5) == -0.5
    assert tables.neutralize(-3) == -3
    assert tables.neutralize(None) is None
    assert tables.neutralize(False) is False


def test_csv_content_and_guard():
    out = io.StringIO(newline="")
    assert tables.write_csv(out, HEADERS, once(ROWS)) == len(ROWS)
    text = out.getvalue()
    assert not text.startswith("\ufeff") and "\r\n" not in text.replace("\rReturn", "")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == HEADERS
    assert rows[1] == ["ann", "Minsk", "1.0", "True", "1.5"]
    assert rows[2] == ["'=cmd|' /C calc'!A0", "'+1 call me", "-0.5", "False", ""]
    assert rows[3] == ["'@SUM(A1)", "'-5 rough spots", "0", "False", "2"]
    assert rows[4][:2] == ["'\tTabbed", "'\rReturn"]
    assert rows[5][1] == "Лукашенко → Minsk; “quoted”, comma"


def test_csv_excel_option_writes_bom_and_crlf():
    out = io.StringIO(newline="")
    tables.write_csv(out, HEADERS, once(ROWS[:1]), excel=True)
    data = out.getvalue().encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbflearner,")
    assert data.endswith(b"\r\n") and data.count(b"\r\n") == 2


def test_csv_is_streamed_in_chunks():
    many = (("learner", n) for n in range(2000))
    chunks = tables.iter_csv(["who", "n"], many)
    assert inspect.isgenerator(chunks)
    pieces = list(chunks)
    assert len(pieces) > 2  # several chunks, not one big string
    assert "".join(pieces).count("\n") == 2001


def test_csv_empty_table_has_headers():
    out = io.StringIO(newline="")
    assert tables.write_csv(out, ["a", "=b"], iter(())) == 0
    assert out.getvalue() == "a,'=b\n"


def test_jsonl_keeps_values_and_types():
    out = io.StringIO()
    assert tables.write_jsonl(out, HEADERS, once(ROWS)) == len(ROWS)
    lines = out.getvalue().splitlines()
    assert len(lines) == len(ROWS)
    first, second = json.loads(lines[0]), json.loads(lines[1])
    assert first == {"learner": "ann", "answer": "Minsk", "score": 1.0, "correct": True, "seconds": 1.5}
    # JSON is not read as formulas: text stays exactly as given, None is null
    assert second == {"learner": "=cmd|' /C calc'!A0", "answer": "+1 call me", "score": -0.5,
                      "correct": False, "seconds": None}
    assert "Лукашенко" in lines[4]  # UTF-8, not \\u escapes


def test_jsonl_dates_as_iso():
    out = io.StringIO()
    tables.write_jsonl(out, ["when"], [(dt.datetime(2024, 3, 1, 10, 0),)])
    assert json.loads(out.getvalue()) == {"when": "2024-03-01T10:00:00"}


def test_xlsx_cells_types_and_guard(tmp_path):
    path = tmp_path / "scores.xlsx"
    assert tables.write_xlsx(path, HEADERS, once(ROWS)) == len(ROWS)
    sheet = openpyxl.load_workbook(path).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == HEADERS
    assert values[1] == ["ann", "Minsk", 1, True, 1.5]
    assert values[2] == ["'=cmd|' /C calc'!A0", "'+1 call me", -0.5, False, None]
    assert values[3][:3] == ["'@SUM(A1)", "'-5 rough spots", 0]
    assert sheet.cell(3, 3).data_type == "n" and sheet.cell(3, 4).data_type == "b"
    assert sheet.cell(3, 1).data_type == "s"  # text, never a formula
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert values[5][1] == "Лукашенко → Minsk; “quoted”, comma"


def test_xlsx_to_a_binary_file_and_empty(tmp_path):
    with open(tmp_path / "empty.xlsx", "wb") as handle:
        assert tables.write_xlsx(handle, ["a", "b"], iter(())) == 0
    sheet = openpyxl.load_workbook(tmp_path / "empty.xlsx").active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [["a", "b"]]


def test_xlsx_long_tables_continue_on_a_new_sheet(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "XLSX_MAX_ROWS", 4)  # header + 3 rows per sheet
    path = tmp_path / "long.xlsx"
    tables.write_xlsx(path, ["n"], ((n,) for n in range(7)))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Scores", "Scores 2", "Scores 3"]
    assert [[c.value for c in row] for row in book["Scores 3"].iter_rows()] == [["n"], [6]]


def test_xlsx_error_in_rows_propagates(tmp_path):
    def broken():
        yield (1,)
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="went away"):
        tables.write_xlsx(tmp_path / "x.xlsx", ["n"], broken())


@pytest.mark.parametrize("name, fmt", [("a.csv", "csv"), ("A.XLSX", "xlsx"), ("a.json", "json"),
                                       ("a.jsonl", "json"), ("a.ndjson", "json"), ("a.txt", None), ("a", None)])
def test_format_for_path(name, fmt):
    assert tables.format_for_path(name) == fmt


def test_csv_lone_carriage_return_stays_in_its_cell():
    out = io.StringIO(newline="")
    tables.write_csv(out, ["a", "b"], [("line\rbreak", 1), ("x", 2)])
    assert list(csv.reader(io.StringIO(out.getvalue(), newline=""))) == [["a", "b"], ["line\rbreak", "1"], ["x", "2"]]
