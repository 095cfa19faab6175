"""Moodle XML: the question export Moodle reads and writes.

A ``<quiz>`` of ``<question type="...">`` elements. Supported types and
their canonical counterparts:

===============================  ========================================
``multichoice``                  multiple_choice (``<single>true``) or
                                 multiple_response (``<single>false``)
``truefalse``                    true_false (answers ``true``/``false``)
``shortanswer``                  short_answer
``numerical``                    numerical (``<tolerance>``; ``*`` is any
                                 other answer, ``value`` null)
``matching`` (or ``match``)      matching (an empty subquestion is an extra
                                 wrong match)
``ordering``                     ordering (Moodle 4.4+; answers in order)
``essay``, ``description``       essay, description
``cloze``                        cloze: the gaps are read from Moodle's
                                 embedded-answer text (:mod:`quizapp.cloze`)
``category``                     sets ``category`` of the questions after it
===============================  ========================================

``fraction`` attributes are percentages (canonical weights are fractions);
``<name>`` is the title, ``<idnumber>`` the id (an empty one is made from
the title or stem), ``<tags>`` the tags. Text is HTML, in CDATA when it
holds markup; a ``format`` attribute gives the text format (``html`` when
absent, ``moodle_auto_format`` is ``moodle``, ``plain_text`` is ``plain``);
formats of answers and feedback are not kept. Leading and trailing blank
space in text is dropped, as Moodle does. ``<file name=... encoding="base64">``
elements beside a text are the question's images (``files``, checked by
:mod:`~quizapp.formats.media`), linked from the texts as
``@@PLUGINFILE@@/name``; the writer puts each beside every text that links it.

Reading uses defusedxml with DTDs forbidden: no entity expansion (billion
laughs) and no external entities. Moodle XML cannot carry ``fact``,
``source`` or ``status``; :func:`serialize_with_warnings` says so.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import defusedxml
from defusedxml.ElementTree import DefusedXMLParser

from quizapp import cloze
from quizapp.canonical import slugify

from . import media
from ._base import (
    FormatError,
    by_category,
    ParseReport,
    assign_ids,
    check_questions,
    emit_warnings,
    from_percent,
    line_col,
    moodle_name,
    moodle_percent,
    number_text,
    ordered,
    parse_number,
    percent,
)

NAME = "xml"
EXTENSIONS = (".xml",)

#: Moodle's format attribute -> canonical text format, and back.
FORMAT_NAMES = {"html": "html", "moodle_auto_format": "moodle", "plain_text": "plain", "markdown": "markdown"}
FORMAT_ATTRS = {v: k for k, v in FORMAT_NAMES.items()}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,119}$")
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class _Target:
    """ElementTree target remembering where each element starts."""

    def __init__(self) -> None:
        self.builder = ET.TreeBuilder()
        self.positions: dict[ET.Element, tuple[int, int]] = {}
        self.expat: Any = None

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        element = self.builder.start(tag, attrs)
        self.positions[element] = (self.expat.CurrentLineNumber, self.expat.CurrentColumnNumber + 1)
        return element

    def end(self, tag: str) -> ET.Element:
        return self.builder.end(tag)

    def data(self, data: str) -> None:
        self.builder.data(data)

    def close(self) -> ET.Element:
        return self.builder.close()


class _Reader:
    def __init__(self, text: str, source: str | None) -> None:
        self.text = text
        self.source = source
        target = _Target()
        parser = DefusedXMLParser(target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        target.expat = parser.parser
        try:
            parser.feed(text)
            self.root = parser.close()
        except ET.ParseError as err:
            line, column = err.position
            message = str(err).split(":")[0]
            raise FormatError(f"invalid XML: {message}", source, line, column + 1) from None
        except defusedxml.DefusedXmlException:
            where = re.search(r"<!(DOCTYPE|ENTITY)", text)
            line, column = line_col(text, where.start()) if where else (None, None)
            raise FormatError(
                "unsafe XML: DOCTYPE and entity declarations are not allowed in a Moodle XML file",
                source,
                line,
                column,
            ) from None
        self.positions = target.positions

    def error(self, message: str, element: ET.Element) -> FormatError:
        line, column = self.positions.get(element, (None, None))
        return FormatError(message, self.source, line, column)

    def where(self, element: ET.Element) -> tuple[int | None, int | None]:
        return self.positions.get(element, (None, None))


def _inner(element: ET.Element | None) -> str:
    """Text of an element, keeping any (unescaped) markup inside it."""
    if element is None:
        return ""
    parts = [element.text or ""]
    parts.extend(ET.tostring(child, encoding="unicode") for child in element)
    return "".join(parts).strip()


def _text_of(element: ET.Element | None) -> str:
    """The ``<text>`` of an element such as ``<questiontext>`` ("" if none)."""
    if element is None:
        return ""
    return _inner(element.find("text"))


def _fraction(reader: _Reader, answer: ET.Element) -> float:
    raw = answer.get("fraction", "0")
    try:
        return from_percent(raw)
    except ArithmeticError:
        raise reader.error(f"bad fraction {raw!r}: write a percentage like 100 or -50", answer) from None


def parse(text: str, source: str = "<xml>", report: ParseReport | None = None) -> list[dict]:
    """Parse Moodle XML into canonical questions and validate them.

    :param text: the XML text.
    :param source: file name used in error messages.
    :returns: canonical questions in file order (no ``status``: drafts).
    :param report: lenient mode (:class:`~quizapp.formats.ParseReport`):
        a question of an unsupported type (calculated, drag and
        drop...), with a bad number or breaking a rule is listed there with
        its line and left out; Moodle settings quizapp does not keep are
        listed as warnings. Malformed or unsafe XML still raises.
    :raises FormatError: malformed or unsafe XML, an unsupported question
        type, a bad number, an invalid question or a duplicate id, with the
        line and column.
    """
    reader = _Reader(text, source)
    root = reader.root
    if root.tag != "quiz":
        raise reader.error(f"expected <quiz> as the root element, found <{root.tag}>", root)
    located = []
    category = None
    for element in root:
        if element.tag != "question":
            raise reader.error(f"unexpected <{element.tag}> in <quiz> (expected <question>)", element)
        qtype = element.get("type")
        if qtype == "category":
            category = _text_of(element.find("category")) or None
            if report is not None:
                unkept = [label for tag, label in (("info", "description (<info>)"), ("idnumber", "id number"))
                          if (_text_of(element.find(tag)) if tag == "info" else (element.findtext(tag) or "").strip())]
                if unkept:
                    report.warn(f"category {category!r}: its {' and '.join(unkept)} not kept; quizapp keeps the "
                                "category path only", source, *reader.where(element))
            continue
        try:
            reader_fn = _READERS.get(qtype or "")
            if reader_fn is None:
                raise reader.error(_unsupported(qtype), element)
            question = _common(reader, element)
            reader_fn(reader, element, question)
            files = _files(reader, element)
            if files:
                question["files"] = files
            if element.find("name") is None:
                # Moodle's importer stops at such a question ("Missing question name in XML file")
                raise reader.error("the question has no <name> element, which Moodle refuses "
                                   "(an empty <name><text></text></name> is fine)", element)
        except FormatError as exc:
            if report is None:
                raise
            report.skip(exc)
            continue
        if report is not None:
            for note in _unkept(element, qtype):
                report.warn(note, source, *reader.where(element))
        if category is not None:
            question["category"] = category
        located.append((question, *reader.where(element)))
    assign_ids([q for q, _, _ in located], report)
    return check_questions([(ordered(q), line, col) for q, line, col in located], source, report)


_FEEDBACKS = (("correctfeedback", "correct"), ("partiallycorrectfeedback", "partially correct"),
              ("incorrectfeedback", "incorrect"))


def _unkept(element: ET.Element, qtype: str | None) -> list[str]:
    """Moodle settings of a question that quizapp does not keep, one note each.

    Only settings that differ from what quizapp does anyway are named: an
    import is silent about a default it would not change.
    """
    notes = []
    grade = (element.findtext("defaultgrade") or "").strip()
    if grade and qtype not in ("description", "cloze"):  # a cloze's is the sum of its gaps' marks, kept
        try:
            if float(grade) != 1:
                notes.append(f"defaultgrade {grade} not kept: every quizapp question is worth 1 mark")
        except ValueError:
            notes.append(f"defaultgrade {grade!r} is not a number; ignored")
    penalty = (element.findtext("penalty") or "").strip()
    if penalty:
        try:
            if abs(float(penalty) - 1 / 3) > 1e-4:
                notes.append(f"penalty {penalty} not kept: quizapp takes no penalty for retries")
        except ValueError:
            notes.append(f"penalty {penalty!r} is not a number; ignored")
    for tag, label in _FEEDBACKS:
        if _text_of(element.find(tag)):
            notes.append(f"{label} feedback ({tag}) not kept")
    hints = [h for h in element.findall("hint") if _text_of(h)]
    if hints:
        notes.append(f"{len(hints)} hint(s) not kept")
    units = element.findall("units/unit")
    if units:
        names = ", ".join(filter(None, ((u.findtext("unit_name") or "").strip() for u in units)))
        notes.append(f"numerical units ({names or len(units)}) not kept: learners answer with the number alone")
    shuffle = (element.findtext("shuffleanswers") or "").strip().lower()
    if shuffle in ("false", "0"):
        notes.append("shuffleanswers off not kept: the quiz's own setting decides whether answers are shuffled")
    return notes


#: Moodle question types quizapp cannot import, as people know them.
_TYPE_NAMES = {
    "calculated": "calculated",
    "calculatedsimple": "simple calculated",
    "calculatedmulti": "calculated multichoice",
    "randomsamatch": "random short-answer matching",
    "ddwtos": "drag and drop into text",
    "ddimageortext": "drag and drop onto image",
    "ddmarker": "drag and drop markers",
    "gapselect": "select missing words",
    "coderunner": "CodeRunner",
    "regexp": "regular expression short answer",
}


#: Parts of a question whose text quizapp does not keep (reported by :func:`_unkept`):
#: their files are not kept either.
_UNKEPT_AREAS = frozenset({tag for tag, _ in _FEEDBACKS} | {"hint"})


def _files(reader: _Reader, element: ET.Element) -> list[dict]:
    """The images embedded in a question's texts (``<file name=... encoding="base64">``).

    Each is checked (:func:`~quizapp.formats.media.check_image`); a file
    that is not base64, no image, an SVG or too large refuses the question
    with the file's line, as does a name given to two different files.
    """
    found: dict[str, dict] = {}
    for area in element:
        if area.tag in _UNKEPT_AREAS:
            continue
        for file in area.iter("file"):
            name = (file.get("name") or "").strip()
            try:
                encoding = (file.get("encoding") or "base64").strip().lower()
                if encoding != "base64":
                    raise ValueError(f"file {name!r} has encoding {encoding!r}; Moodle XML files are base64")
                data = media.decode_base64(name, file.text or "")
                mime = media.check_image(name, data)
            except ValueError as exc:
                label = (element.findtext("idnumber") or "").strip() or _text_of(element.find("name"))
                raise reader.error(f"question {label!r}: {exc}" if label else str(exc), file) from None
            entry = {"name": name, "mime": mime, "data": media.encode_base64(data)}
            if name in found and found[name] != entry:
                raise reader.error(f"two different files are named {name!r} in this question; quizapp keeps "
                                   "one file per name in a question (rename one in Moodle)", file)
            found[name] = entry
    return list(found.values())


def _unsupported(qtype: str | None) -> str:
    supported = ", ".join(sorted(t for t in _READERS if t not in ("match", "multianswer")))
    name = _TYPE_NAMES.get(qtype or "")
    what = f" ({name})" if name else ""
    return f"unsupported question type {qtype!r}{what}: quizapp imports category, {supported}"


def _common(reader: _Reader, element: ET.Element) -> dict:
    question: dict[str, Any] = {}
    idnumber = (element.findtext("idnumber") or "").strip()
    if idnumber:
        question["id"] = idnumber if _SLUG.match(idnumber) else slugify(idnumber, limit=120)
    title = _text_of(element.find("name"))
    stem_element = element.find("questiontext")
    if title and title != moodle_name(_text_of(stem_element)) and title != element.get("type"):
        question["title"] = title  # a name made from the text (as quizapp writes one) is no title
    question["stem"] = _text_of(stem_element)
    fmt_attr = stem_element.get("format", "html") if stem_element is not None else "html"
    if fmt_attr not in FORMAT_NAMES:
        raise reader.error(
            f"unknown text format {fmt_attr!r} (expected {', '.join(FORMAT_NAMES)})", stem_element
        )
    question["stem_format"] = FORMAT_NAMES[fmt_attr]
    general = _text_of(element.find("generalfeedback"))
    if general:
        question["general_feedback"] = general
    tags = [_text_of(tag) for tag in element.findall("tags/tag")]
    if any(tags):
        question["tags"] = [t for t in tags if t]
    return question




def _answer(reader: _Reader, answer: ET.Element) -> dict:
    out: dict[str, Any] = {"text": _text_of(answer)}
    out["weight"] = _fraction(reader, answer)
    feedback = _text_of(answer.find("feedback"))
    if feedback:
        out["feedback"] = feedback
    return out


def _read_multichoice(reader: _Reader, element: ET.Element, question: dict) -> None:
    single = (element.findtext("single") or "true").strip().lower() in ("true", "1")
    question["type"] = "multiple_choice" if single else "multiple_response"
    question["choices"] = [_answer(reader, a) for a in element.findall("answer")]


def _read_truefalse(reader: _Reader, element: ET.Element, question: dict) -> None:
    question["type"] = "true_false"
    answers = element.findall("answer")
    if len(answers) != 2:
        raise reader.error("a truefalse question needs two answers, true and false", element)
    for index, answer in enumerate(answers):
        label = _text_of(answer).lower()
        if label not in ("true", "false"):
            label = "true" if index == 0 else "false"  # old files: true, then false
        right = _fraction(reader, answer) >= 1
        question["answer"] = right if label == "true" else not right
        feedback = _text_of(answer.find("feedback"))
        if feedback:
            question[f"feedback_{label}"] = feedback


def _read_shortanswer(reader: _Reader, element: ET.Element, question: dict) -> None:
    question["type"] = "short_answer"
    usecase = (element.findtext("usecase") or "0").strip()
    if usecase not in ("0", "1", "true", "false"):
        raise reader.error(f"usecase {usecase!r} must be 0 or 1", element)
    if usecase in ("1", "true"):
        question["usecase"] = True
    question["accepted"] = [_answer(reader, a) for a in element.findall("answer")]


def _read_numerical(reader: _Reader, element: ET.Element, question: dict) -> None:
    question["type"] = "numerical"
    entries = []
    for answer in element.findall("answer"):
        raw = _text_of(answer)
        entry: dict[str, Any] = {}
        try:
            entry["value"] = None if raw == "*" else parse_number(raw)
            tolerance = (answer.findtext("tolerance") or "0").strip() or "0"
            if entry["value"] is not None:
                entry["tolerance"] = parse_number(tolerance)
        except ValueError:
            raise reader.error(f"numerical answer {raw!r} is not a number (or * for any other)", answer) from None
        entry["weight"] = _fraction(reader, answer)
        feedback = _text_of(answer.find("feedback"))
        if feedback:
            entry["feedback"] = feedback
        entries.append(entry)
    question["numeric"] = entries


def _read_matching(reader: _Reader, element: ET.Element, question: dict) -> None:
    question["type"] = "matching"
    pairs = []
    for sub in element.findall("subquestion"):
        pair: dict[str, Any] = {}
        prompt = _text_of(sub)
        if prompt:
            pair["prompt"] = prompt
        pair["match"] = _text_of(sub.find("answer"))
        pairs.append(pair)
    question["pairs"] = pairs


def _read_ordering(reader: _Reader, element: ET.Element, question: dict) -> None:
    question["type"] = "ordering"
    answers = element.findall("answer")
    # The fraction of an ordering answer is its position (1, 2, 3, ...).
    order = sorted(range(len(answers)), key=lambda i: (_fraction(reader, answers[i]), i))
    question["items"] = [_text_of(answers[i]) for i in order]


def _read_cloze(reader: _Reader, element: ET.Element, question: dict) -> None:
    question["type"] = "cloze"
    text = question["stem"]
    try:
        question["stem"], question["gaps"] = cloze.parse_embedded(text)
    except cloze.ClozeError as exc:
        text_element = element.find("questiontext/text")
        line, _ = reader.where(text_element if text_element is not None else element)
        if line is not None and text_element is not None:
            raw = _inner_raw(text_element)
            line += raw[: len(raw) - len(raw.lstrip())].count("\n") + exc.line_in(text) - 1
        raise FormatError(f"cloze question text: {exc.message}", reader.source, line) from None


def _inner_raw(element: ET.Element) -> str:
    """Like :func:`_inner`, without trimming (to count lines)."""
    return "".join([element.text or "", *(ET.tostring(child, encoding="unicode") for child in element)])


def _read_plain(qtype: str):
    def read(reader: _Reader, element: ET.Element, question: dict) -> None:
        question["type"] = qtype

    return read


_READERS = {
    "multichoice": _read_multichoice,
    "truefalse": _read_truefalse,
    "shortanswer": _read_shortanswer,
    "numerical": _read_numerical,
    "matching": _read_matching,
    "match": _read_matching,
    "ordering": _read_ordering,
    "essay": _read_plain("essay"),
    "description": _read_plain("description"),
    "cloze": _read_cloze,
    "multianswer": _read_cloze,
}


# -- writing ------------------------------------------------------------------


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
        self.warnings: list[str] = []
        self.qid = "?"
        #: the current question's images by name (each written in every text that links it)
        self.files: dict[str, dict] = {}

    def clean(self, text: str) -> str:
        if _INVALID_XML.search(text):
            message = f"{self.qid}: control characters XML cannot hold were replaced by U+FFFD"
            if message not in self.warnings:
                self.warnings.append(message)
            text = _INVALID_XML.sub("\ufffd", text)
        return text

    def text(self, text: str | None) -> str:
        """A ``<text>`` element: CDATA for markup, escaped otherwise."""
        text = self.clean(text or "")
        if re.search(r"[<>&]", text) and "\r" not in text:
            return "<text><![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]></text>"
        return f"<text>{_escape(text)}</text>"

    def grade(self, weight: float) -> str:
        """A weight as a percentage Moodle accepts; a weight it would refuse is snapped, with a warning."""
        text, nearest = moodle_percent(weight)
        if nearest is not None:
            self.warnings.append(f"{self.qid}: weight {weight:g} is not a grade Moodle accepts; written as {text}%")
        return text

    def add(self, indent: int, line: str) -> None:
        self.lines.append("  " * indent + line)

    def text_element(self, indent: int, tag: str, text: str | None, fmt: str | None = None,
                     extra_files: list[str] = ()) -> None:
        attr = f' format="{fmt}"' if fmt else ""
        self.add(indent, f"<{tag}{attr}>")
        self.add(indent + 1, self.text(text))
        self.file_elements(indent + 1, text, extra_files)
        self.add(indent, f"</{tag}>")

    def file_elements(self, indent: int, text: str | None, extra: list[str] = ()) -> None:
        """The ``<file>`` elements of the images a text links, as Moodle keeps them beside the text."""
        for name in dict.fromkeys([*media.linked_names(text), *extra]):
            file = self.files.get(name)
            if file is None:
                continue
            if not file.get("data"):
                message = f"{self.qid}: image {name!r} has no data to write; left out"
                if message not in self.warnings:
                    self.warnings.append(message)
                continue
            self.add(indent, f'<file name="{_escape(self.clean(name), quote=True)}" path="/" encoding="base64">'
                             f'{file["data"]}</file>')

    def answer(self, indent: int, fraction: str, text: str, fmt: str, feedback: str | None, extra: list[str] = ()) -> None:
        self.add(indent, f'<answer fraction="{fraction}" format="{fmt}">')
        self.add(indent + 1, self.text(text))
        self.file_elements(indent + 1, text)
        for line in extra:
            self.add(indent + 1, line)
        self.text_element(indent + 1, "feedback", feedback, fmt)
        self.add(indent, "</answer>")


def _escape(text: str, quote: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return text.replace('"', "&quot;") if quote else text


_XML_TYPES = {
    "multiple_choice": "multichoice",
    "multiple_response": "multichoice",
    "true_false": "truefalse",
    "short_answer": "shortanswer",
    "numerical": "numerical",
    "matching": "matching",
    "ordering": "ordering",
    "essay": "essay",
    "description": "description",
    "cloze": "cloze",
}


def serialize_with_warnings(questions: list[dict]) -> tuple[str, list[str]]:
    """Write canonical questions as Moodle XML; return the text and what was left out.

    :returns: ``(text, warnings)``; each warning names the question and the
        field Moodle XML cannot carry.
    """
    writer = _Writer()
    category = None
    for question in by_category(questions):
        writer.qid = qid = question.get("id", "?")
        for key in ("fact", "source"):
            if question.get(key):
                writer.warnings.append(f"{qid}: Moodle XML cannot carry {key!r}; left out")
        if question.get("status", "draft") != "draft":
            writer.warnings.append(
                f"{qid}: Moodle XML cannot carry status {question['status']!r}; imports as draft"
            )
        if question.get("category") != category:
            if question.get("category") is None:
                writer.warnings.append(
                    f"{qid}: has no category but follows one in Moodle XML; imports into {category!r}"
                )
            else:
                category = question["category"]
                writer.add(1, '<question type="category">')
                writer.text_element(2, "category", category)
                writer.add(1, "</question>")
        _write_question(writer, question)
    writer.lines.append("</quiz>")
    return "\n".join(writer.lines) + "\n", writer.warnings


def serialize(questions: list[dict]) -> str:
    """Write canonical questions as Moodle XML; what it cannot carry is issued
    as :class:`~quizapp.formats.DataLossWarning` (see :func:`serialize_with_warnings`).
    """
    text, warnings = serialize_with_warnings(questions)
    emit_warnings(warnings)
    return text


def _write_question(w: _Writer, question: dict) -> None:
    qtype = question["type"]
    fmt = FORMAT_ATTRS[question.get("stem_format") or "plain"]
    stem = question.get("stem") or ""
    grade = 0 if qtype == "description" else 1
    if qtype == "cloze":  # the gaps go back into the text, as Moodle writes them
        stem = cloze.embedded_text(stem, question["gaps"])
        grade = sum(gap.get("mark", 1) for gap in question["gaps"])
    w.add(1, f'<question type="{_XML_TYPES[qtype]}">')
    # Moodle refuses a question without a name; an untitled one gets the name Moodle's
    # GIFT importer would give it, which reads back as no title (see _common).
    w.text_element(2, "name", question.get("title") or moodle_name(stem) or qtype)
    w.files = {file["name"]: file for file in question.get("files") or []}
    linked = media.names_in(question)
    # an image no text links is kept beside the question text, as Moodle keeps it
    w.text_element(2, "questiontext", stem, fmt, [n for n in w.files if n not in linked])
    w.text_element(2, "generalfeedback", question.get("general_feedback"), fmt)
    w.add(2, f"<defaultgrade>{grade}</defaultgrade>")
    w.add(2, "<penalty>0.3333333</penalty>")
    w.add(2, "<hidden>0</hidden>")
    w.add(2, f"<idnumber>{_escape(w.clean(question['id']))}</idnumber>")

    if qtype in ("multiple_choice", "multiple_response"):
        w.add(2, f"<single>{'true' if qtype == 'multiple_choice' else 'false'}</single>")
        w.add(2, "<shuffleanswers>true</shuffleanswers>")
        w.add(2, "<answernumbering>abc</answernumbering>")
        for choice in question["choices"]:
            w.answer(2, w.grade(choice.get("weight", 0)), choice["text"], fmt, choice.get("feedback"))
    elif qtype == "true_false":
        value = question["answer"]
        w.answer(2, "100" if value else "0", "true", fmt, question.get("feedback_true"))
        w.answer(2, "0" if value else "100", "false", fmt, question.get("feedback_false"))
    elif qtype == "short_answer":
        w.add(2, f"<usecase>{1 if question.get('usecase') else 0}</usecase>")
        for item in question["accepted"]:
            w.answer(2, w.grade(item.get("weight", 1)), item["text"], fmt, item.get("feedback"))
    elif qtype == "numerical":
        for entry in question["numeric"]:
            value = entry.get("value")
            text = "*" if value is None else number_text(value)
            tolerance = number_text(entry.get("tolerance", 0) or 0) if value is not None else "0"
            default = 0 if value is None else 1
            w.answer(
                2,
                w.grade(entry.get("weight", default)),
                text,
                fmt,
                entry.get("feedback"),
                [f"<tolerance>{tolerance}</tolerance>"],
            )
    elif qtype == "matching":
        w.add(2, "<shuffleanswers>true</shuffleanswers>")
        for pair in question["pairs"]:
            w.add(2, f'<subquestion format="{fmt}">')
            w.add(3, w.text(pair.get("prompt")))
            w.file_elements(3, pair.get("prompt"))
            w.add(3, "<answer>")
            w.add(4, w.text(pair["match"]))
            w.file_elements(4, pair["match"])
            w.add(3, "</answer>")
            w.add(2, "</subquestion>")
    elif qtype == "ordering":
        for line in (
            "<layouttype>VERTICAL</layouttype>",
            "<selecttype>ALL</selecttype>",
            "<selectcount>0</selectcount>",
            "<gradingtype>ABSOLUTE_POSITION</gradingtype>",
            "<showgrading>SHOW</showgrading>",
            "<numberingstyle>none</numberingstyle>",
        ):
            w.add(2, line)
        for position, item in enumerate(question["items"], start=1):
            w.add(2, f'<answer fraction="{position}" format="{fmt}">')
            w.add(3, w.text(item))
            w.file_elements(3, item)
            w.add(2, "</answer>")
    elif qtype == "essay":
        for line in (
            "<responseformat>editor</responseformat>",
            "<responserequired>1</responserequired>",
            "<responsefieldlines>15</responsefieldlines>",
            "<attachments>0</attachments>",
            "<attachmentsrequired>0</attachmentsrequired>",
        ):
            w.add(2, line)
    tags = question.get("tags") or []
    if tags:
        w.add(2, "<tags>")
        for tag in tags:
            w.add(3, f"<tag>{w.text(tag)}</tag>")
        w.add(2, "</tags>")
    w.add(1, "</question>")
