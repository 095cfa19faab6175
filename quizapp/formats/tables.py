"""Streaming table writers for score exports: CSV, XLSX and JSON lines.

Every writer takes ``headers`` (a sequence of column names) and ``rows`` (any
iterable of sequences, typically a generator reading a database cursor) and
consumes the rows one at a time, so memory stays flat however many there are.

Spreadsheet safety (CSV and XLSX): a *text* cell that begins with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return could be read as a formula by
a spreadsheet ("CSV injection"), so it is written with a leading ``'``.
Numbers are never touched: a score of ``-0.5`` stays the number -0.5. JSON
lines carry values as they are (no spreadsheet reads them as formulas).

Pure: no Flask, no database.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "XLSX_MAX_ROWS",
    "format_for_path",
    "iter_csv",
    "iter_jsonl",
    "neutralize",
    "write_csv",
    "write_jsonl",
    "write_xlsx",
]

#: format name -> file extension written by default
FORMATS = {"csv": ".csv", "xlsx": ".xlsx", "json": ".jsonl"}
#: format name -> media type of a download
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/x-ndjson; charset=utf-8",
}
_EXTENSIONS = {".csv": "csv", ".xlsx": "xlsx", ".json": "json", ".jsonl": "json", ".ndjson": "json"}

#: characters that make a spreadsheet read a text cell as a formula
FORMULA_STARTS = frozenset("=+-@\t\r")
#: rows per worksheet in XLSX (Excel's limit, header row included)
XLSX_MAX_ROWS = 1_048_576
#: CSV rows buffered before a chunk is handed on
_CHUNK_ROWS = 512


def format_for_path(path: str) -> str | None:
    """The table format a file name implies (``.csv``, ``.xlsx``, ``.json``/``.jsonl``), or None."""
    return _EXTENSIONS.get(os.path.splitext(path)[1].lower())


def neutralize(value: Any) -> Any:
    """``value`` made safe for a spreadsheet: text that could start a formula gets a leading ``'``.

    :param value: any cell value; only ``str`` is ever changed.
    """
    if value.__class__ is str and value and value[0] in FORMULA_STARTS:
        return "'" + value
    return value


def _safe_rows(rows: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """Rows with every risky text cell neutralized.

    Most rows need no change, so a row is only copied when one of its text
    cells starts with a formula character (the check is one pass per row).
    """
    starts = FORMULA_STARTS
    for row in rows:
        for value in row:
            if value.__class__ is str and value and value[0] in starts:
                row = [neutralize(v) for v in row]
                break
        yield row


def iter_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, excel: bool = False) -> Iterator[str]:
    """CSV text in chunks of a few hundred rows, for streaming.

    ``None`` is written as an empty cell; ``True``/``False`` as ``True``/``False``.

    :param excel: start with a byte-order mark and end lines with CRLF, so
        Excel opens the UTF-8 file with the right characters.
    """
    return _csv_chunks(headers, rows, excel, [0])


def _csv_chunks(headers, rows, excel: bool, counted: list[int]) -> Iterator[str]:
    buffer = io.StringIO()
    terminator = "\r\n" if excel else "\n"
    writer = csv.writer(buffer, lineterminator=terminator)
    if excel:
        buffer.write("\ufeff")
    writer.writerow([neutralize(h) for h in headers])
    starts = FORMULA_STARTS
    batch: list[Sequence[Any]] = []
    append = batch.append
    for row in rows:
        for value in row:
            if value.__class__ is str and value and value[0] in starts:
                row = [neutralize(v) for v in row]
                break
        append(row)
        if len(batch) >= _CHUNK_ROWS:
            yield _write_batch(batch, buffer, writer, terminator)
            counted[0] += len(batch)
            batch.clear()
    text = _write_batch(batch, buffer, writer, terminator)
    counted[0] += len(batch)
    yield text


def _write_batch(batch: list[Sequence[Any]], buffer: io.StringIO, writer, terminator: str) -> str:
    """The buffer's text plus ``batch`` as CSV; the buffer is emptied."""
    mark = buffer.tell()
    writer.writerows(batch)
    text = buffer.getvalue()
    if terminator == "\n" and "\r" in text[mark:]:
        # Python before 3.12 leaves a lone CR unquoted when lines end with LF,
        # which would split its row: write the rows holding one fully quoted
        buffer.seek(mark)
        buffer.truncate()
        quoted = csv.writer(buffer, lineterminator=terminator, quoting=csv.QUOTE_ALL)
        for row in batch:
            if any(v.__class__ is str and "\r" in v for v in row):
                quoted.writerow(row)
            else:
                writer.writerow(row)
        text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def write_csv(
    out: IO[str], headers: Sequence[str], rows: Iterable[Sequence[Any]], *, excel: bool = False
) -> int:
    """Write a CSV table to the text stream ``out`` (open it with ``newline=""``).

    :param excel: byte-order mark and CRLF line ends (see :func:`iter_csv`).
    :returns: the number of data rows written.
    """
    counted = [0]
    write = out.write
    for chunk in _csv_chunks(headers, rows, excel, counted):
        write(chunk)
    return counted[0]


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def iter_jsonl(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """JSON lines, one object per row keyed by ``headers``, in chunks for streaming."""
    keys = list(headers)
    encode = json.JSONEncoder(ensure_ascii=False, check_circular=False, default=_json_default).encode
    lines: list[str] = []
    append = lines.append
    for row in rows:
        append(encode(dict(zip(keys, row))))
        if len(lines) >= _CHUNK_ROWS:
            lines.append("")
            yield "\n".join(lines)
            lines.clear()
    if lines:
        lines.append("")
        yield "\n".join(lines)


def write_jsonl(out: IO[str], headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write JSON lines to the text stream ``out``.

    :returns: the number of rows written.
    """
    counted = _Counter(rows)
    for chunk in iter_jsonl(headers, counted):
        out.write(chunk)
    return counted.count


def write_xlsx(
    target: str | os.PathLike | IO[bytes],
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_name: str = "Scores",
) -> int:
    """Write an XLSX workbook to a path or a seekable binary file.

    XlsxWriter runs in ``constant_memory`` mode: each row is flushed to a
    temporary file as it is written and strings are stored inline, so
    memory does not grow with the rows. Text stays text (no conversion to
    formulas, numbers or links); numbers and booleans keep their types.
    A table longer than a worksheet continues on ``<sheet_name> 2``, … each
    with the header row.

    :returns: the number of data rows written.
    """
    import xlsxwriter  # imported here: only XLSX exports need it

    workbook = xlsxwriter.Workbook(
        os.fspath(target) if isinstance(target, os.PathLike) else target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "default_date_format": "yyyy-mm-dd hh:mm:ss",
            "remove_timezone": True,
        },
    )
    bold = workbook.add_format({"bold": True})
    safe_headers = [neutralize(h) for h in headers]
    sheets = 0
    count = 0
    row_index = XLSX_MAX_ROWS  # forces the first sheet
    worksheet = None
    try:
        for row in _safe_rows(rows):
            if row_index >= XLSX_MAX_ROWS:
                sheets += 1
                worksheet = workbook.add_worksheet(sheet_name if sheets == 1 else f"{sheet_name} {sheets}")
                worksheet.write_row(0, 0, safe_headers, bold)
                worksheet.freeze_panes(1, 0)
                row_index = 1
            worksheet.write_row(row_index, 0, row)
            row_index += 1
            count += 1
        if worksheet is None:
            worksheet = workbook.add_worksheet(sheet_name)
            worksheet.write_row(0, 0, safe_headers, bold)
    except BaseException:
        # still close, so XlsxWriter's temporary files go; the first error wins
        try:
            workbook.close()
        except Exception:  # noqa: BLE001
            pass
        raise
    workbook.close()
    return count


class _Counter:
    """An iterable that counts the rows passing through it."""

    def __init__(self, rows: Iterable[Sequence[Any]]):
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[Sequence[Any]]:
        for row in self.rows:
            self.count += 1
            yield row
