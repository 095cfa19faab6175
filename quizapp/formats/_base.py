"""Shared pieces of the bank formats: the located error, key order, checks.

Pure: no Flask, no database.
"""

from __future__ import annotations

import html
import re
import warnings
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable

from quizapp.canonical import duplicate_answers, slugify, validate

from . import media

#: Canonical key order of a question, as YAML and JSON write it.
QUESTION_KEYS = (
    "id",
    "type",
    "title",
    "stem",
    "stem_format",
    "choices",
    "accepted",
    "usecase",
    "answer",
    "feedback_true",
    "feedback_false",
    "numeric",
    "pairs",
    "items",
    "gaps",
    "general_feedback",
    "category",
    "tags",
    "fact",
    "source",
    "status",
    "files",
)
#: Key order inside the list entries and mappings of a question.
SUBKEYS = {
    "choices": ("text", "weight", "feedback"),
    "accepted": ("text", "weight", "feedback"),
    "numeric": ("value", "tolerance", "weight", "feedback"),
    "pairs": ("prompt", "match"),
    "gaps": ("type", "mark", "usecase", "layout", "shuffle", "choices", "accepted", "numeric"),
    "fact": ("kind",),
    "source": ("article", "sentence", "start", "end"),
    "files": ("name", "mime", "data", "sha256", "size"),
}


class FormatError(ValueError):
    """A bank file (or text) that cannot be read, with where and what.

    ``str(err)`` is ``"source:line:column: message"``; missing parts are
    left out, so a problem with the whole file reads ``"bank.csv: no
    questions"``.

    :param message: what is wrong.
    :param source: the file name (or ``"<string>"``).
    :param line: 1-based line, or None.
    :param column: 1-based column, or None.
    """

    def __init__(
        self,
        message: str,
        source: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [str(part) for part in (self.source, self.line, self.column) if part is not None]
        if self.line is None and self.column is not None:
            where = where[:1]
        return ":".join([*where, " " + self.message]) if where else self.message


class DataLossWarning(UserWarning):
    """A field or question the target format cannot carry was left out."""


def emit_warnings(messages: Iterable[str]) -> None:
    """Issue each data-loss message as a :class:`DataLossWarning`."""
    for message in messages:
        warnings.warn(message, DataLossWarning, stacklevel=3)


def ordered(question: dict) -> dict:
    """Return ``question`` with keys in canonical order and None values dropped.

    The one None that means something, a numeric answer's ``value`` ("any
    other answer"), is kept. Unknown keys follow the known ones.
    """
    out: dict[str, Any] = {}
    for key in (*QUESTION_KEYS, *(k for k in question if k not in QUESTION_KEYS)):
        if key not in question or question[key] is None:
            continue
        value = question[key]
        if key in ("choices", "accepted", "numeric", "pairs") and isinstance(value, list):
            value = [_ordered_sub(item, SUBKEYS[key], keep_none=key == "numeric") for item in value]
        elif key == "gaps" and isinstance(value, list):
            value = [_ordered_gap(gap) for gap in value]
        elif key in ("fact", "source") and isinstance(value, dict):
            value = _ordered_sub(value, SUBKEYS[key])
        elif key == "files" and isinstance(value, list):
            value = [_ordered_sub(item, SUBKEYS[key]) for item in value]
        out[key] = value
    return out


def _ordered_gap(gap: Any) -> Any:
    """A cloze gap in canonical key order, its answers too."""
    gap = _ordered_sub(gap, SUBKEYS["gaps"])
    if isinstance(gap, dict):
        for key in ("choices", "accepted", "numeric"):
            if isinstance(gap.get(key), list):
                gap[key] = [_ordered_sub(item, SUBKEYS[key], keep_none=key == "numeric") for item in gap[key]]
    return gap


def _ordered_sub(item: Any, keys: tuple[str, ...], keep_none: bool = False) -> Any:
    if not isinstance(item, dict):
        return item
    out = {}
    for key in (*keys, *(k for k in item if k not in keys)):
        if key in item and (item[key] is not None or (keep_none and key == "value")):
            out[key] = item[key]
    return out


@dataclass
class ParseReport:
    """What a lenient parse left out or wants the reader to know, question by question.

    Pass one to a format's ``parse(..., report=report)``: a question that
    cannot be imported (an unsupported type, a syntax error inside its own
    block, a rule it breaks) is added to :attr:`skipped`, with its line and
    the reason, instead of refusing the whole file; :attr:`warnings` holds
    located notes on questions that are imported (a duplicate answer, a
    Moodle setting quizapp does not keep). Problems with the file as a
    whole (not UTF-8, malformed XML, no questions) still raise.
    """

    skipped: list[FormatError] = field(default_factory=list)
    warnings: list[FormatError] = field(default_factory=list)
    #: ids the file did not give, made from a question's title or text: they
    #: name no question of the bank (an import treats such a question as new)
    derived_ids: set[str] = field(default_factory=set)

    def skip(self, error: FormatError) -> None:
        self.skipped.append(error)

    def warn(self, message: str, source: str | None, line: int | None, column: int | None = None) -> None:
        self.warnings.append(FormatError(message, source, line, column))


def check_questions(
    located: list[tuple[Any, int | None, int | None]], source: str | None,
    report: ParseReport | None = None,
) -> list[dict]:
    """Validate parsed questions; raise the first problem with its place.

    Images (``files``) must be PNG, JPEG, GIF or WebP images within
    :data:`~quizapp.formats.media.MAX_FILE_BYTES` each and
    :data:`~quizapp.formats.media.MAX_IMPORT_BYTES` for the whole file; a
    link to a file the question does not carry is a warning.

    :param located: ``(question, line, column)`` for every question, in
        file order.
    :param source: file name for messages.
    :param report: lenient mode: an invalid question (or a second use of an
        id) is added to ``report.skipped`` and left out instead of raising;
        duplicate answers become ``report.warnings``.
    :raises FormatError: no questions, a question that fails
        :func:`quizapp.canonical.validate` or carries a file that is no
        image (or too large), or an id used twice (without ``report``).
    """
    if not located and not (report and report.skipped):
        raise FormatError("no questions", source)
    seen: dict[str, int | None] = {}
    kept = []
    image_bytes = 0
    for question, line, column in located:
        problems = validate(question)
        qid = question.get("id") if isinstance(question, dict) else None
        label = f"question {qid!r}: " if isinstance(qid, str) else ""
        error = None
        if problems:
            error = FormatError(f"{label}{'; '.join(str(p) for p in problems)}", source, line, column)
        elif qid in seen:
            first = seen[qid]
            also = f" (first at line {first})" if first is not None else ""
            error = FormatError(f"{label}id: used twice{also}", source, line, column)
        else:
            try:
                size = sum(media.check_file(file) for file in question.get("files") or [])
            except ValueError as exc:
                error = FormatError(f"{label}{exc}", source, line, column)
            else:
                if image_bytes + size > media.MAX_IMPORT_BYTES:
                    error = FormatError(
                        f"{label}its images would bring the file's images past {media.MAX_IMPORT_BYTES // 2**20} MB, "
                        "the most one import takes (import the rest in another file)", source, line, column)
                else:
                    image_bytes += size
        if error is not None:
            if report is None:
                raise error
            report.skip(error)
            continue
        seen[qid] = line
        if report is not None:
            for note in duplicate_answers(question):
                report.warn(f"{label}{note}", source, line, column)
            carried = {file["name"] for file in question.get("files") or []}
            for name in sorted(media.names_in(question) - carried):
                report.warn(f"{label}links the file {name!r} (@@PLUGINFILE@@), which the file does not "
                            "hold: that image is missing", source, line, column)
        kept.append(question)
    return kept


def decode(data: bytes, source: str | None) -> str:
    """Decode a bank file's bytes as UTF-8 text (a BOM is allowed).

    :raises FormatError: bytes that are not UTF-8, or a NUL byte (binary
        data), located by line and column.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        offset = err.start
        line, column = _line_col(data, offset)
        raise FormatError(
            f"not UTF-8 text (byte 0x{data[offset]:02x}); save the file as UTF-8",
            source,
            line,
            column,
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        line, column = line_col(text, nul)
        raise FormatError("binary data (NUL byte), not a text file", source, line, column)
    return text


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, offset - start + 1


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset in ``text``."""
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start + 1


def percent(weight: float) -> str:
    """Write a weight fraction as an exact percentage ("50", "-33.3333333333333")."""
    value = Decimal(repr(float(weight))) * 100
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def from_percent(text: str) -> float:
    """Read a percentage as a weight fraction, exactly undoing :func:`percent`."""
    return float(Decimal(text.strip()) / 100)


def number_text(value: float) -> str:
    """Write a number without float noise: ints as ints, floats by repr."""
    if isinstance(value, bool):
        raise TypeError("a number, not a boolean")
    if isinstance(value, int):
        return str(value)
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def parse_number(text: str) -> float | int:
    """Read a number written by :func:`number_text` (or by a person)."""
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"not a finite number: {text!r}")
    return value


def assign_ids(questions: list[dict], report: ParseReport | None = None) -> None:
    """Give questions without an id a unique one from their title or stem (noted in ``report.derived_ids``)."""
    taken = {q["id"] for q in questions if "id" in q}
    for question in questions:
        if "id" in question:
            continue
        base = slugify(question.get("title") or question.get("stem") or question["type"])
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        question["id"] = candidate
        taken.add(candidate)
        if report is not None:
            report.derived_ids.add(candidate)


#: The grades Moodle accepts for an answer, as fractions (question/editlib.php's grade
#: options); an import refuses any other ("matchgrades: error", Moodle's default).
MOODLE_FRACTIONS = tuple(sorted({sign * value for sign in (1, -1) for value in (
    1.0, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25, 0.2,
    0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05, 0.0)}))
#: How close a fraction must be to a valid one for Moodle to take it.
MOODLE_FRACTION_TOLERANCE = 0.00001


def moodle_percent(weight: float) -> tuple[str, float | None]:
    """A weight as a percentage Moodle accepts on import.

    :returns: ``(text, None)`` when the weight is one of
        :data:`MOODLE_FRACTIONS` (within Moodle's tolerance), written exactly
        as :func:`percent` does; otherwise ``(text, nearest)``: the nearest
        valid grade, which the caller reports.
    """
    weight = float(weight)
    nearest = min(MOODLE_FRACTIONS, key=lambda value: (abs(value - weight), -abs(value)))
    if abs(nearest - weight) < MOODLE_FRACTION_TOLERANCE:
        return percent(weight), None
    text = format((Decimal(repr(nearest)) * 100).normalize(), "f")
    return ("0" if text in ("-0", "0") else text), nearest


def moodle_name(stem: str, limit: int = 80) -> str:
    """The question name Moodle's GIFT importer makes from a question's text.

    As qformat_default::create_default_question_name: the text without
    markup, shortened to ``limit`` characters at a word break with "..." when
    longer, and trimmed. Empty text gives "".
    """
    text = html.unescape(_TAGS.sub(" ", stem or ""))
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 3]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip() + "..."


_TAGS = re.compile(r"<[^<>]*>")


def by_category(questions: list[dict]) -> list[dict]:
    """Questions grouped as GIFT and Moodle XML must write them: uncategorized first.

    Both formats set a category for the questions after it and cannot clear
    it, so a question without one written after a categorized one would come
    back in that category. Questions keep their order within a group, and
    groups come in the order of their first question.
    """
    first: dict[str | None, int] = {None: -1}
    for index, question in enumerate(questions):
        first.setdefault(question.get("category"), index)
    return sorted(questions, key=lambda q: first[q.get("category")])
