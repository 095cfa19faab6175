"""Cloze questions: Moodle's embedded-answer text, read and written.

A cloze question ("embedded answers", Moodle's multianswer) is a text with
gaps written inline, as Moodle's editor takes it::

    The capital of France is {1:SHORTANSWER:=Paris#Right~%50%paris#Mind the capital}.
    Pi is {2:NUMERICAL:=3.14:0.01}, and {1:MULTICHOICE:=red~blue} is a colour.

The canonical question keeps the text with a marker ``{#n}`` where gap
``n`` was, and the gaps as a list (``gaps[n-1]``), each shaped like the
question type it stands for:

- ``{"type": "short_answer", "mark": 1, "usecase": true, "accepted": [...]}``
- ``{"type": "numerical", "mark": 2, "numeric": [...]}``
- ``{"type": "multiple_choice", "mark": 1, "layout": "dropdown", "shuffle": true, "choices": [...]}``
- ``{"type": "multiple_response", "mark": 1, "layout": "vertical", "choices": [...]}``

so a learner's page shows the text without any answer in it. ``mark`` is
the gap's share of the question (Moodle's ``{2:...}``, 1 when left out).

Reading follows Moodle's qtype_multianswer: the gap types and their short
names, ``=`` for full marks and ``%n%`` for a percentage (``.`` or ``,``
as the decimal mark), ``#`` before an answer's feedback, ``~`` between
answers, backslash escapes (``\\}`` ``\\#`` ``\\~`` ``\\/`` ``\\"``
``\\\\``), HTML entities decoded in answers and feedback, numbers as
``value:tolerance``, and Moodle's rescaling of multiple-response
weights. Where Moodle would quietly keep bad syntax as text, this module
says what is wrong and where. It is one pass over the text: no regular
expression here can backtrack.

Pure: no Flask, no database.
"""

from __future__ import annotations

import html
import math
import re
from decimal import Decimal
from typing import Any

GAP_TYPES = ("short_answer", "numerical", "multiple_choice", "multiple_response")
LAYOUTS = ("dropdown", "vertical", "horizontal")

#: Moodle's gap type names (and short names) -> (canonical type, layout, shuffle, usecase)
_KINDS: dict[str, tuple[str, str | None, bool, bool]] = {}
for _names, _kind in (
    (("SHORTANSWER", "SA", "MW"), ("short_answer", None, False, False)),
    (("SHORTANSWER_C", "SAC", "MWC"), ("short_answer", None, False, True)),
    (("NUMERICAL", "NM"), ("numerical", None, False, False)),
    (("MULTICHOICE", "MC"), ("multiple_choice", "dropdown", False, False)),
    (("MULTICHOICE_S", "MCS"), ("multiple_choice", "dropdown", True, False)),
    (("MULTICHOICE_V", "MCV"), ("multiple_choice", "vertical", False, False)),
    (("MULTICHOICE_VS", "MCVS"), ("multiple_choice", "vertical", True, False)),
    (("MULTICHOICE_H", "MCH"), ("multiple_choice", "horizontal", False, False)),
    (("MULTICHOICE_HS", "MCHS"), ("multiple_choice", "horizontal", True, False)),
    (("MULTIRESPONSE", "MR"), ("multiple_response", "vertical", False, False)),
    (("MULTIRESPONSE_S", "MRS"), ("multiple_response", "vertical", True, False)),
    (("MULTIRESPONSE_H", "MRH"), ("multiple_response", "horizontal", False, False)),
    (("MULTIRESPONSE_HS", "MRHS"), ("multiple_response", "horizontal", True, False)),
):
    for _name in _names:
        _KINDS[_name] = _kind

#: Gap types of Moodle plugins quizapp cannot grade.
_PLUGIN_TYPES = {"REGEXP": "regular expression", "RX": "regular expression",
                 "REGEXP_C": "regular expression", "RXC": "regular expression"}

#: The start of a gap: ``{``, an optional mark, ``:``, a word, ``:``. No nested
#: quantifiers: each try stops at the first character that is not a digit or letter.
_GAP_START = re.compile(r"\{([0-9]*):([A-Za-z_]+):")
#: A gap marker in the canonical stem.
MARKER = re.compile(r"\{#([0-9]+)\}")
_NUMBER = re.compile(r"-?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][-+]?[0-9]+)?")
_PERCENT = re.compile(r"-?[0-9]+(?:[.,][0-9]*)?")
_ESCAPABLE = set('}#~/"\\{')


def _trim(text: str) -> str:
    """As Moodle trims what it saves (PHP ``trim``)."""
    return text.strip(" \t\n\r\x00\x0b")


class ClozeError(ValueError):
    """Embedded-answer text that cannot be read: what is wrong and where.

    :param message: what is wrong, naming the gap.
    :param offset: index into the text where the problem is.
    """

    def __init__(self, message: str, offset: int) -> None:
        self.message = message
        self.offset = offset
        super().__init__(message)

    def line_in(self, text: str) -> int:
        """The 1-based line of ``text`` where the problem is."""
        return text.count("\n", 0, self.offset) + 1


def parse_embedded(text: str) -> tuple[str, list[dict]]:
    """Read Moodle's embedded-answer text.

    :param text: the question text with its gaps written inline.
    :returns: ``(stem, gaps)``: the text with a ``{#n}`` marker for gap
        ``n``, and the gaps (canonical, weights as fractions).
    :raises ClozeError: bad gap syntax, an unknown gap type, a number that
        is not one, no gap at all, or a ``{#n}`` written in the text.
    """
    literal = MARKER.search(text)
    if literal:
        raise ClozeError(f"the text holds {literal.group(0)}, which marks a gap; write the gap itself "
                         "({1:SHORTANSWER:=answer})", literal.start())
    stem: list[str] = []
    gaps: list[dict] = []
    position = 0
    search_from = 0
    while True:
        start = _GAP_START.search(text, search_from)
        if start is None:
            break
        name = start.group(2)
        if name not in _KINDS:
            if name in _PLUGIN_TYPES:
                raise ClozeError(f"gap {len(gaps) + 1}: {name} ({_PLUGIN_TYPES[name]}) gaps come from a Moodle "
                                 "plugin quizapp cannot grade", start.start())
            if name.upper() in _KINDS:
                raise ClozeError(f"gap {len(gaps) + 1}: write the gap type in capitals ({name.upper()}), "
                                 "as Moodle reads it", start.start())
            if name.isupper():
                raise ClozeError(f"gap {len(gaps) + 1}: unknown gap type {name!r} (use SHORTANSWER, SHORTANSWER_C, "
                                 "NUMERICAL, MULTICHOICE, MULTICHOICE_V, MULTICHOICE_H, MULTIRESPONSE, "
                                 "MULTIRESPONSE_H or their short names)", start.start())
            search_from = start.start() + 1  # "{3:x:" in a text is text, as in Moodle
            continue
        number = len(gaps) + 1
        gap, end = _read_gap(text, start, number)
        stem.append(text[position:start.start()])
        stem.append(f"{{#{number}}}")
        gaps.append(gap)
        position = search_from = end
    if not gaps:
        raise ClozeError("no gaps: write each one as {1:SHORTANSWER:=answer}, {1:NUMERICAL:=3.14:0.01} "
                         "or {1:MULTICHOICE:=right~wrong}", 0)
    stem.append(text[position:])
    return "".join(stem), gaps


def _read_gap(text: str, start: re.Match, number: int) -> tuple[dict, int]:
    """One gap from its start; returns the gap and the index after its ``}``."""
    qtype, layout, shuffle, usecase = _KINDS[start.group(2)]
    mark = int(start.group(1)) if start.group(1) else 1
    alternatives = []
    index = start.end()
    while True:
        alt_start = index
        fraction, specific, index = _read_fraction(text, index, number)
        answer, index, stop = _scan(text, index, "~#}", stop_after_entity=True)
        if stop is None:
            raise ClozeError(f"gap {number} is not closed with '}}' (escape a literal brace in an answer as \\}})",
                             start.start())
        feedback = None
        if stop == "#":
            feedback, index, stop = _scan(text, index + 1, "~}")
            if stop is None:
                raise ClozeError(f"gap {number} is not closed with '}}' (escape a literal brace as \\}})",
                                 start.start())
        alternatives.append((fraction, answer, feedback, alt_start, specific))
        index += 1  # past "~" or "}"
        if stop == "}":
            break
    gap: dict[str, Any] = {"type": qtype, "mark": mark}
    if usecase:
        gap["usecase"] = True
    if layout:
        gap["layout"] = layout
    if shuffle:
        gap["shuffle"] = True
    entries = []
    for count, (fraction, raw, feedback, where, _) in enumerate(alternatives, start=1):
        label = f"gap {number}, answer {count}"
        if not raw.strip():
            raise ClozeError(f"{label} is empty (write text after '=' or '~')", where)
        entry: dict[str, Any]
        if qtype == "numerical":
            entry = _numeric_entry(raw, label, where)
        else:
            entry = {"text": _trim(html.unescape(raw))}
        entry["weight"] = 0.0 if fraction is None else fraction
        if feedback is not None and _trim(html.unescape(feedback)):
            entry["feedback"] = _trim(html.unescape(feedback))
        entries.append(entry)
    if qtype == "multiple_response":
        _rescale(entries, any(alt[4] for alt in alternatives))
    key = {"short_answer": "accepted", "numerical": "numeric"}.get(qtype, "choices")
    gap[key] = entries
    return gap, index


def _read_fraction(text: str, index: int, number: int) -> tuple[float | None, bool, int]:
    """``=`` (full marks), ``%n%`` (a percentage) or nothing before an answer.

    :returns: the weight (None: nothing given), whether it was a percentage
        other than 0 (Moodle's "specific fraction"), and the index after it.
    """
    if text.startswith("=", index):
        return 1.0, False, index + 1
    if text.startswith("%", index):
        close = text.find("%", index + 1)
        raw = text[index + 1:close] if close >= 0 else ""
        if close < 0 or not _PERCENT.fullmatch(raw):
            shown = text[index:close + 1] if close >= 0 else text[index:index + 12]
            raise ClozeError(f"gap {number}: {shown!r} is not a percentage (write %50% or %-33.3%)", index)
        value = float(Decimal(raw.replace(",", ".")) / 100)
        return value, value != 0, close + 1
    return None, False, index


def _scan(text: str, index: int, stops: str, stop_after_entity: bool = False) -> tuple[str, int, str | None]:
    """Text up to the first unescaped character of ``stops``; returns (text, index of the stop, stop).

    A backslash escapes ``} # ~ / " \\ {``; any other backslash is kept. In
    an answer, a ``#`` right after ``&`` or ``&amp;`` belongs to an HTML
    entity (``&#123;``), as in Moodle.
    """
    out: list[str] = []
    length = len(text)
    while index < length:
        char = text[index]
        if char == "\\" and index + 1 < length and text[index + 1] in _ESCAPABLE:
            out.append("\x00" + text[index + 1])  # an escaped character: never a stop, never an entity
            index += 2
            continue
        if char in stops:
            if not (char == "#" and stop_after_entity and out and (out[-1] == "&" or _ends_with_amp(out))):
                return _unmask(out), index, char
        out.append(char)
        index += 1
    return _unmask(out), index, None


def _ends_with_amp(out: list[str]) -> bool:
    return len(out) >= 5 and "".join(out[-5:]) == "&amp;"


def _unmask(out: list[str]) -> str:
    return "".join(piece[-1] if piece.startswith("\x00") and len(piece) == 2 else piece for piece in out)


def _numeric_entry(raw: str, label: str, where: int) -> dict:
    text = raw.strip()
    if text == "*":
        return {"value": None}
    value, sep, tolerance = text.partition(":")
    if not _NUMBER.fullmatch(value) or (sep and not _NUMBER.fullmatch(tolerance)):
        raise ClozeError(f"{label}: {text!r} is not a number (write =3.14 or =3.14:0.01 for a tolerance, "
                         "or * for any other answer)", where)
    entry: dict[str, Any] = {"value": _to_number(value)}
    entry["tolerance"] = _to_number(tolerance) if sep else 0
    if not all(math.isfinite(n) for n in (entry["value"], entry["tolerance"])):
        raise ClozeError(f"{label}: {text!r} is too large a number", where)
    return entry


def _to_number(text: str) -> float | int:
    """A number as written (``,`` may be the decimal mark): an int when it is one."""
    text = text.replace(",", ".")
    try:
        return int(text)
    except ValueError:
        return float(text)


def _rescale(entries: list[dict], specific: bool) -> None:
    """Moodle's multiple-response weights: the positive ones add up to 1; without
    percentages given, each wrong answer takes back one right answer's share."""
    total = sum(e["weight"] for e in entries if e["weight"] > 0)
    if not total or (specific and abs(total - 1) < 1e-9):
        return  # already full marks: rescaling would only add float noise
    for entry in entries:
        if entry["weight"] > 0:
            entry["weight"] = entry["weight"] / total
        elif not specific:
            entry["weight"] = -1.0 / total


# -- writing -------------------------------------------------------------

#: (choice gap type, layout, shuffled) -> Moodle's name for it
_CHOICE_TYPE_NAMES = {
    ("multiple_choice", "dropdown", False): "MULTICHOICE",
    ("multiple_choice", "dropdown", True): "MULTICHOICE_S",
    ("multiple_choice", "vertical", False): "MULTICHOICE_V",
    ("multiple_choice", "vertical", True): "MULTICHOICE_VS",
    ("multiple_choice", "horizontal", False): "MULTICHOICE_H",
    ("multiple_choice", "horizontal", True): "MULTICHOICE_HS",
    ("multiple_response", "vertical", False): "MULTIRESPONSE",
    ("multiple_response", "vertical", True): "MULTIRESPONSE_S",
    ("multiple_response", "horizontal", False): "MULTIRESPONSE_H",
    ("multiple_response", "horizontal", True): "MULTIRESPONSE_HS",
}


def gap_type_name(gap: dict) -> str:
    """Moodle's name for a gap's type (SHORTANSWER_C for a case-sensitive short answer)."""
    gtype = gap["type"]
    if gtype == "short_answer":
        return "SHORTANSWER_C" if gap.get("usecase") else "SHORTANSWER"
    if gtype == "numerical":
        return "NUMERICAL"
    layout = gap.get("layout") or ("dropdown" if gtype == "multiple_choice" else "vertical")
    return _CHOICE_TYPE_NAMES[(gtype, layout, bool(gap.get("shuffle")))]


def _escape(text: str) -> str:
    text = html.escape(text, quote=False)
    return "".join("\\" + ch if ch in "\\}#~" else ch for ch in text)


def _percent_text(weight: float) -> str:
    value = format((Decimal(repr(float(weight))) * 100).normalize(), "f")
    return "0" if value in ("-0", "0") else value


def gap_text(gap: dict) -> str:
    """One gap in Moodle's embedded-answer syntax (``{2:NUMERICAL:=3.14:0.01#Right}``)."""
    number_text = _number_text
    parts = []
    multi = gap["type"] == "multiple_response"
    key = {"short_answer": "accepted", "numerical": "numeric"}.get(gap["type"], "choices")
    for entry in gap[key]:
        weight = float(entry.get("weight", 0 if (key == "choices" or entry.get("value", 0) is None) else 1))
        if weight == 1 and not multi:
            prefix = "="
        elif weight == 0 and not multi:
            prefix = ""
        else:
            prefix = f"%{_percent_text(weight)}%"
        if key == "numeric":
            value = entry.get("value")
            if value is None:
                body = "*"
            else:
                body = number_text(value)
                if entry.get("tolerance"):
                    body += ":" + number_text(entry["tolerance"])
        else:
            body = _escape(entry["text"])
        feedback = f"#{_escape(entry['feedback'])}" if entry.get("feedback") else ""
        if feedback and body.endswith("&amp;"):  # "&amp;#" would read as an entity, as in Moodle
            body = body[: -len("&amp;")] + "&#38;"
        parts.append(prefix + body + feedback)
    mark = gap.get("mark", 1)
    return f"{{{mark}:{gap_type_name(gap)}:{'~'.join(parts)}}}"


def _number_text(value: float) -> str:
    if isinstance(value, int) or float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def embedded_text(stem: str, gaps: list[dict]) -> str:
    """The question as Moodle's embedded-answer text: each ``{#n}`` replaced by gap ``n``.

    ``parse_embedded(embedded_text(stem, gaps)) == (stem, gaps)`` for a
    valid cloze question whose gaps are in marker order.
    """
    def gap(match: re.Match) -> str:
        index = int(match.group(1)) - 1
        return gap_text(gaps[index]) if 0 <= index < len(gaps) else match.group(0)

    return MARKER.sub(gap, stem)


def split_stem(stem: str) -> list[str | int]:
    """The stem as text pieces and gap indexes (0-based), in reading order."""
    pieces: list[str | int] = []
    position = 0
    for match in MARKER.finditer(stem):
        pieces.append(stem[position:match.start()])
        pieces.append(int(match.group(1)) - 1)
        position = match.end()
    pieces.append(stem[position:])
    return [p for p in pieces if p != ""]


def blanked(stem: str) -> str:
    """The stem for reading without the gaps: each marker as a numbered blank."""
    return MARKER.sub(lambda m: f"[{m.group(1)}: ____]", stem)
