"""CSV banks: one question per row, editable in a spreadsheet.

Columns (any order; only ``id`` and ``type`` are required; empty cells are
absent values):

``id``, ``type``, ``title``, ``stem``, ``stem_format``
    as in the canonical question.
``correct``
    true/false questions: ``true`` or ``false`` (also TRUE/FALSE, yes/no, 1/0).
``feedback_true``, ``feedback_false``
    true/false feedback.
``general_feedback``, ``category``, ``status``
    as in the canonical question.
``tags``
    tags separated by ``;``.
``fact``
    the fact as a JSON object.
``source_article``, ``source_sentence``, ``source_start``, ``source_end``
    the question's source.
``answer_N``, ``weight_N``, ``feedback_N`` (N = 1, 2, ...)
    the N-th choice (multiple choice and response) or accepted answer (short
    answer) with its weight as a fraction (``0.5``; ``50%`` is read too) and
    feedback; the N-th numeric answer of a numerical question (``*`` for any
    other answer), with ``tolerance_N``; the N-th prompt of a matching
    question, with ``match_N`` (no prompt: an extra wrong match); the N-th
    item of an ordering question, in the correct order.

A cloze question has no answer cells: its ``stem`` is the text with the
gaps written in, in Moodle's embedded-answer syntax (:mod:`quizapp.cloze`).

Default weights: 0 for choices, 1 for accepted and numeric answers, 0 for
``*``. The writer puts a byte order mark first so spreadsheets read UTF-8,
and guards text cells that begin with ``= + - @`` (or a tab or carriage
return) against formula injection by prefixing ``'``; the reader removes
that guard. Numbers (``-0.5``) are never guarded. CSV carries every
canonical field; only a tag containing ``;`` cannot be written (warned).
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from quizapp import cloze

from . import media
from ._base import FormatError, ParseReport, check_questions, emit_warnings, number_text, ordered, parse_number

NAME = "csv"
EXTENSIONS = (".csv",)

FIXED = (
    "id",
    "type",
    "title",
    "stem",
    "stem_format",
    "correct",
    "usecase",
    "feedback_true",
    "feedback_false",
    "general_feedback",
    "category",
    "tags",
    "status",
    "fact",
    "source_article",
    "source_sentence",
    "source_start",
    "source_end",
)
GROUP = ("answer", "weight", "tolerance", "feedback", "match")
_GROUP_COLUMN = re.compile(r"^(answer|weight|tolerance|feedback|match)_([1-9][0-9]*)$")
#: The answer-group cells each type may fill.
_GROUP_FIELDS = {
    "multiple_choice": {"answer", "weight", "feedback"},
    "multiple_response": {"answer", "weight", "feedback"},
    "short_answer": {"answer", "weight", "feedback"},
    "numerical": {"answer", "weight", "tolerance", "feedback"},
    "matching": {"answer", "match"},
    "ordering": {"answer"},
}
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def guard(text: str) -> str:
    """Neutralize a text cell a spreadsheet would run as a formula."""
    return "'" + text if text.lstrip("'").startswith(_DANGEROUS) else text


def unguard(text: str) -> str:
    """Undo :func:`guard`."""
    if text.startswith("'") and text[1:].lstrip("'").startswith(_DANGEROUS):
        return text[1:]
    return text


# -- reading ------------------------------------------------------------------------


def parse(text: str, source: str = "<csv>", report: ParseReport | None = None) -> list[dict]:
    """Parse a CSV bank into canonical questions and validate them.

    :param text: the CSV text (a leading byte order mark is ignored).
    :param source: file name used in error messages.
    :returns: canonical questions in row order.
    :raises FormatError: an unknown or repeated column, a bad cell, an
        invalid question or a duplicate id, with the line (and the column
        of a bad header).
    """
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as err:
        raise FormatError(f"invalid CSV: {err}", source, reader.line_num) from None
    if header is None:
        raise FormatError("no questions", source)
    columns = [h.strip() for h in header]
    seen: set[str] = set()
    for index, name in enumerate(columns, start=1):
        if name in seen:
            raise FormatError(f"column {name!r} appears twice", source, 1, None)
        seen.add(name)
        if name not in FIXED and not _GROUP_COLUMN.match(name):
            raise FormatError(
                f"unknown column {name!r} (column {index}); see docs/formats.md for the columns",
                source,
                1,
            )
    for required in ("id", "type"):
        if required not in seen:
            raise FormatError(f"missing column {required!r}", source, 1)

    located = []
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            raise FormatError(f"invalid CSV: {err}", source, line) from None
        if any(cell.strip() for cell in row):
            if len(row) > len(columns):
                raise FormatError(
                    f"{len(row)} cells but only {len(columns)} columns", source, line
                )
            cells = dict(zip(columns, row))
            located.append((_row(cells, source, line), line, None))
        line = reader.line_num + 1
    return check_questions(located, source, report)


def _row(cells: dict[str, str], source: str | None, line: int) -> dict:
    def fail(column: str, message: str) -> FormatError:
        return FormatError(f"{column}: {message}", source, line)

    def text(column: str) -> str | None:
        value = cells.get(column, "")
        return unguard(value) if value != "" else None

    def number(column: str, *, percent_ok: bool = False) -> float | int | None:
        raw = cells.get(column, "").strip()
        if raw == "":
            return None
        try:
            if percent_ok and raw.endswith("%"):
                return parse_number(raw[:-1]) / 100
            return parse_number(raw)
        except ValueError:
            hint = " (weights are fractions: 0.5 or 50%)" if percent_ok else ""
            raise fail(column, f"{raw!r} is not a number{hint}") from None

    question: dict[str, Any] = {}
    for key in ("id", "type", "title", "stem", "stem_format", "general_feedback", "category", "status"):
        value = text(key)
        if value is not None:
            question[key] = value.strip() if key in ("id", "type", "stem_format", "status") else value
    qtype = question.get("type")

    tags = text("tags")
    if tags is not None:
        question["tags"] = [t.strip() for t in tags.split(";") if t.strip()]

    correct = (cells.get("correct") or "").strip().lower()
    if correct:
        if qtype != "true_false":
            raise fail("correct", "only true/false questions have this cell")
        if correct not in ("true", "false", "yes", "no", "1", "0"):
            raise fail("correct", f"{correct!r} is not true or false")
        question["answer"] = correct in ("true", "yes", "1")
    usecase = (cells.get("usecase") or "").strip().lower()
    if usecase:
        if qtype != "short_answer":
            raise fail("usecase", "only short answer questions have this cell")
        if usecase not in ("true", "false", "yes", "no", "1", "0"):
            raise fail("usecase", f"{usecase!r} is not true or false")
        question["usecase"] = usecase in ("true", "yes", "1")
    for key in ("feedback_true", "feedback_false"):
        value = text(key)
        if value is not None:
            if qtype != "true_false":
                raise fail(key, "only true/false questions have this cell")
            question[key] = value

    fact = text("fact")
    if fact is not None:
        try:
            question["fact"] = json.loads(fact)
        except json.JSONDecodeError as err:
            raise fail("fact", f"not a JSON object ({err.msg})") from None
        if not isinstance(question["fact"], dict):
            raise fail("fact", "not a JSON object")
    src: dict[str, Any] = {}
    for key in ("article", "sentence"):
        value = text(f"source_{key}")
        if value is not None:
            src[key] = value
    for key in ("start", "end"):
        value = number(f"source_{key}")
        if value is not None:
            src[key] = value
    if src:
        question["source"] = src

    groups: dict[int, dict[str, str]] = {}
    for column, value in cells.items():
        match = _GROUP_COLUMN.match(column)
        if match and value.strip() != "":
            groups.setdefault(int(match.group(2)), {})[match.group(1)] = column
    allowed = _GROUP_FIELDS.get(qtype or "", set())
    for n in sorted(groups):
        for field, column in groups[n].items():
            if field not in allowed:
                kind = (qtype or "this").replace("_", " ")
                raise fail(column, f"a {kind} question has no {field} cells")
    if qtype in _GROUP_FIELDS:
        question[_ANSWER_KEY[qtype]] = [
            _group(qtype, n, groups[n], text, number, fail) for n in sorted(groups)
        ]
    if qtype == "cloze":  # the gaps are written in the stem, in Moodle's embedded-answer syntax
        try:
            question["stem"], question["gaps"] = cloze.parse_embedded(question.get("stem") or "")
        except cloze.ClozeError as exc:
            raise fail("stem", f"cloze text, line {exc.line_in(question.get('stem') or '')}: {exc.message}") from None
    return ordered(question)


_ANSWER_KEY = {
    "multiple_choice": "choices",
    "multiple_response": "choices",
    "short_answer": "accepted",
    "numerical": "numeric",
    "matching": "pairs",
    "ordering": "items",
}


def _group(qtype, n, present, text, number, fail) -> Any:
    answer = text(f"answer_{n}")
    if qtype == "ordering":
        return answer
    if qtype == "matching":
        pair: dict[str, Any] = {"prompt": answer, "match": text(f"match_{n}")}
        return pair
    feedback = text(f"feedback_{n}")
    if qtype == "numerical":
        raw = (answer or "").strip()
        if raw == "*":
            value = None
        else:
            try:
                value = parse_number(raw)
            except ValueError:
                raise fail(f"answer_{n}", f"{raw!r} is not a number (or * for any other answer)") from None
        weight = number(f"weight_{n}", percent_ok=True)
        entry: dict[str, Any] = {"value": value}
        if value is not None:
            entry["tolerance"] = number(f"tolerance_{n}") or 0
        entry["weight"] = weight if weight is not None else (0.0 if value is None else 1.0)
        entry["feedback"] = feedback
        return entry
    weight = number(f"weight_{n}", percent_ok=True)
    default = 1.0 if qtype == "short_answer" else 0.0
    return {"text": answer, "weight": weight if weight is not None else default, "feedback": feedback}


# -- writing ------------------------------------------------------------------------


def serialize_with_warnings(questions: list[dict]) -> tuple[str, list[str]]:
    """Write canonical questions as CSV; return the text and what was left out.

    :returns: ``(text, warnings)``; CSV carries every field, so warnings
        only name tags containing ``;`` and unknown ``source`` keys.
    """
    warnings: list[str] = []
    rows = [_to_row(q, warnings) for q in questions]
    count = max((len(_answers(q)) for q in questions), default=0)
    numeric = any(q.get("type") == "numerical" for q in questions)
    matching = any(q.get("type") == "matching" for q in questions)
    header = list(FIXED)
    for n in range(1, max(count, 1) + 1):
        header += [f"answer_{n}", f"weight_{n}"]
        if numeric:
            header.append(f"tolerance_{n}")
        header.append(f"feedback_{n}")
        if matching:
            header.append(f"match_{n}")
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return "\ufeff" + out.getvalue(), warnings


def serialize(questions: list[dict]) -> str:
    """Write canonical questions as CSV (see :func:`serialize_with_warnings`)."""
    text, warnings = serialize_with_warnings(questions)
    emit_warnings(warnings)
    return text


def _answers(question: dict) -> list:
    key = _ANSWER_KEY.get(question.get("type", ""))
    return question.get(key) or [] if key else []


def _cell_text(value: Any) -> str:
    return "" if value is None else guard(str(value))


def _cell_number(value: Any) -> str:
    return "" if value is None else number_text(value)


def _to_row(question: dict, warnings: list[str]) -> dict[str, str]:
    qid = question.get("id", "?")
    qtype = question.get("type")
    row: dict[str, str] = {}
    for key in ("id", "type", "title", "stem", "stem_format", "general_feedback", "category", "status"):
        row[key] = _cell_text(question.get(key))
    if qtype == "cloze":
        row["stem"] = _cell_text(cloze.embedded_text(question["stem"], question["gaps"]))
    if qtype == "true_false" and "answer" in question:
        row["correct"] = "true" if question["answer"] else "false"
    if "usecase" in question:
        row["usecase"] = "true" if question["usecase"] else "false"
    for key in ("feedback_true", "feedback_false"):
        row[key] = _cell_text(question.get(key))
    tags = []
    for tag in question.get("tags") or []:
        if ";" in tag:
            warnings.append(f"{qid}: a CSV tag cannot hold ';'; tag {tag!r} left out")
        else:
            tags.append(tag.strip())
    row["tags"] = _cell_text("; ".join(tags) or None)
    if question.get("fact") is not None:
        row["fact"] = _cell_text(json.dumps(question["fact"], ensure_ascii=False))
    src = question.get("source") or {}
    extra = sorted(set(src) - {"article", "sentence", "start", "end"})
    if extra:
        warnings.append(f"{qid}: CSV has no column for source {', '.join(extra)}; left out")
    images = media.left_out(question, "CSV")
    if images:
        warnings.append(images)
    row["source_article"] = _cell_text(src.get("article"))
    row["source_sentence"] = _cell_text(src.get("sentence"))
    row["source_start"] = _cell_number(src.get("start"))
    row["source_end"] = _cell_number(src.get("end"))

    for n, item in enumerate(_answers(question), start=1):
        if qtype == "ordering":
            row[f"answer_{n}"] = _cell_text(item)
        elif qtype == "matching":
            row[f"answer_{n}"] = _cell_text(item.get("prompt"))
            row[f"match_{n}"] = _cell_text(item.get("match"))
        elif qtype == "numerical":
            value = item.get("value")
            row[f"answer_{n}"] = "*" if value is None else number_text(value)
            if value is not None:
                row[f"tolerance_{n}"] = _cell_number(item.get("tolerance", 0))
            row[f"weight_{n}"] = _cell_number(item.get("weight", 0 if value is None else 1))
            row[f"feedback_{n}"] = _cell_text(item.get("feedback"))
        else:
            default = 1 if qtype == "short_answer" else 0
            row[f"answer_{n}"] = _cell_text(item.get("text"))
            row[f"weight_{n}"] = _cell_number(item.get("weight", default))
            row[f"feedback_{n}"] = _cell_text(item.get("feedback"))
    return row
