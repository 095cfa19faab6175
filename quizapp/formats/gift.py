"""Moodle GIFT: the plain-text quiz format, read and written as Moodle does.

Reading follows Moodle's own parser (question/format/gift/format.php):
questions are separated by blank lines; ``//`` lines are comments, in which
``[id:...]`` gives the question's id and ``[tag:...]`` its tags (Moodle 4);
``$CATEGORY: path`` sets the category of the questions after it;
``::title::`` names a question; ``[html]``, ``[markdown]``, ``[plain]`` or
``[moodle]`` before a text gives its format (no prefix: ``moodle``; on
answers and feedback the prefix is stripped); ``\\~ \\= \\# \\{ \\} \\:``
escape, ``\\n`` is a newline and ``\\\\`` a backslash. The answer block
decides the type:

========================  ===============================================
``{}``                    essay
no braces                 description
``{T}`` ``{FALSE#a#b}``   true/false (feedback for the wrong, then right answer)
``{#3:0.5}`` ``{#1..5}``  numerical (tolerance, range); ``{#=3:0 =%50%3:1
                          ~#other}`` several answers, ``~`` any other answer
``{~a =b}``               multiple choice (some ``=``), multiple response
                          (only ``~%n%``); ``#`` per-answer feedback
``{=a -> b =c -> d}``     matching
``{=a =b}`` ``{a}``       short answer
========================  ===============================================

``%n%`` weights are percentages of the mark (canonical weights are
fractions); ``####`` starts the general feedback; text after the answer
block makes a missing-word question, whose blank is ``_____`` in the stem.
A question without ``[id:...]`` gets an id made from its title or stem.

GIFT cannot carry ordering or cloze questions, ``fact``, ``source``, ``status`` or a
description's general feedback; :func:`serialize_with_warnings` lists what
it leaves out.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from quizapp.canonical import MOODLE_BLANKS, slugify

from . import media
from ._base import (
    FormatError,
    by_category,
    ParseReport,
    assign_ids,
    check_questions,
    emit_warnings,
    from_percent,
    moodle_percent,
    number_text,
    ordered,
    parse_number,
    percent,
)

NAME = "gift"
EXTENSIONS = (".gift", ".txt")

TEXT_FORMATS = ("moodle", "html", "plain", "markdown")
BLANK = "_____"

# Escaped characters become private-use placeholders while parsing, so the
# syntax characters left in the text are all real syntax.
_ESCAPABLE = "\\:#={}~n"
_PLACEHOLDER = {ch: chr(0x10FFF0 + i) for i, ch in enumerate(_ESCAPABLE)}
_RESTORE = {ph: ("\n" if ch == "n" else ch) for ch, ph in _PLACEHOLDER.items()}
_RESTORE_TABLE = str.maketrans(_RESTORE)

_FORMAT_PREFIX = re.compile(r"^\[(moodle|html|plain|markdown)\]")
_WEIGHT = re.compile(r"^%(-?(?:\d+(?:\.\d*)?|\.\d+))%")
_ID_TOKEN = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f\x7f])+)\]")
_TAG_TOKEN = re.compile(r"\[tag:((?:\\\]|[^\]<>`\x00-\x1f\x7f])+)\]")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,119}$")


def _protect(text: str) -> str:
    """Replace each escape sequence with its placeholder."""
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in _ESCAPABLE:
            out.append(_PLACEHOLDER[text[i + 1]])
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _restore(text: str) -> str:
    return text.translate(_RESTORE_TABLE)


def _text_with_format(text: str, default: str) -> tuple[str, str]:
    """Split a ``[format]`` prefix off protected text; return (text, format)."""
    match = _FORMAT_PREFIX.match(text)
    if match:
        return _restore(text[match.end() :]).strip(), match.group(1)
    return _restore(text).strip(), default


class _Block:
    """One question's lines: protected text and the line it starts on."""

    def __init__(self, lines: list[tuple[int, str]], source: str | None) -> None:
        self.source = source
        self.comments = []
        kept = []
        for _, line in lines:
            if line.startswith("//"):
                self.comments.append(line)
                kept.append(" ")  # as Moodle does; keeps line numbers
            else:
                kept.append(line)
        raw = "\n".join(kept)
        lead = len(raw) - len(raw.lstrip())
        self.line = lines[0][0] + raw.count("\n", 0, lead)
        self.text = _protect(raw.strip())

    def skip_to(self, offset: int) -> None:
        """Drop the text before ``offset`` (and the blank space after it)."""
        rest = self.text[offset:]
        lead = len(rest) - len(rest.lstrip())
        self.line = self.line_at(offset + lead)
        self.text = rest.strip()

    def line_at(self, offset: int) -> int:
        """Line number of an offset into the text (escapes never span lines)."""
        return self.line + self.text.count("\n", 0, offset)

    def error(self, message: str, offset: int | None = None) -> FormatError:
        line = self.line if offset is None else self.line_at(offset)
        return FormatError(message, self.source, line)


def _blocks(text: str, source: str | None) -> list[_Block]:
    blocks: list[_Block] = []
    current: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        # As Moodle reads GIFT: every line is trimmed (PHP trim) before the
        # question is put together, so blank space at line ends never counts.
        line = line.strip(MOODLE_BLANKS)
        if line:
            current.append((number, line))
        elif current:
            blocks.append(_Block(current, source))
            current = []
    if current:
        blocks.append(_Block(current, source))
    return blocks


def parse(text: str, source: str = "<gift>", report: ParseReport | None = None) -> list[dict]:
    """Parse GIFT text into canonical questions and validate them.

    :param text: the GIFT text.
    :param source: file name used in error messages.
    :param report: lenient mode (:class:`~quizapp.formats.ParseReport`): a
        question with a syntax error or an invalid one is listed there with
        its line and left out; the others are returned.
    :returns: canonical questions in file order (no ``status``: drafts).
    :raises FormatError: a syntax error, an invalid question or a duplicate
        id, with the line.
    """
    located: list[tuple[dict, int, None]] = []
    category = None
    for block in _blocks(text, source):
        body = block.text
        if not body.strip():
            continue  # only comments
        if body.startswith("$CATEGORY:"):
            first, _, rest = body.partition("\n")
            category = _restore(first[len("$CATEGORY:") :]).strip() or None
            if not rest.strip():
                continue
            # A question right under the category line, without a blank line.
            block.skip_to(len(first) + 1)
            body = block.text
        try:
            question = _question(block, body)
        except FormatError as exc:
            if report is None:
                raise
            report.skip(exc)
            continue
        if category is not None:
            question["category"] = category
        comments = "\n".join(block.comments)
        id_match = _ID_TOKEN.search(comments)
        if id_match:
            question["id"] = _clean_id(id_match.group(1).replace("\\]", "]").strip())
        tags = [t.replace("\\]", "]").strip() for t in _TAG_TOKEN.findall(comments)]
        if tags:
            question["tags"] = tags
        located.append((question, block.line, None))
    assign_ids([q for q, _, _ in located], report)
    return check_questions([(ordered(q), line, col) for q, line, col in located], source, report)


def _clean_id(idnumber: str) -> str:
    """Moodle id numbers are free text; quizapp ids are slugs."""
    return idnumber if _SLUG.match(idnumber) else slugify(idnumber, limit=120)




def _question(block: _Block, body: str) -> dict:
    question: dict[str, Any] = {}
    offset = 0
    if body.startswith("::"):
        end = body.find("::", 2)
        if end < 0:
            raise block.error("the title is not closed with '::'")
        title = _restore(body[2:end]).strip()
        if title:
            question["title"] = title
        offset = end + 2
        while offset < len(body) and body[offset] in " \t\n":
            offset += 1
    text = body[offset:]

    start, finish = text.find("{"), text.find("}")
    if start < 0 and finish < 0:
        stem, fmt = _text_with_format(text, "moodle")
        question.update(type="description", stem=stem, stem_format=fmt)
        return question
    if finish < 0:
        raise block.error("'{' is not closed with '}' (escape a literal brace as \\{)", offset + start)
    if start < 0 or finish < start:
        raise block.error("'}' without '{' (escape a literal brace as \\})", offset + finish)
    inner_open = text.find("{", start + 1, finish)
    if inner_open >= 0:
        raise block.error("'{' inside an answer block (escape it as \\{)", offset + inner_open)
    after = text[finish + 1 :]
    if "{" in after or "}" in after:
        where = offset + finish + 1 + min(i for i in (after.find("{"), after.find("}")) if i >= 0)
        raise block.error("more than one answer block in a question", where)

    before = text[:start]
    stem_text = before + BLANK + after if after.strip() else before
    stem, fmt = _text_with_format(stem_text.strip(), "moodle")
    question["stem"] = stem
    question["stem_format"] = fmt

    answers = text[start + 1 : finish]
    general = answers.rfind("####")
    if general >= 0:
        feedback, _ = _text_with_format(answers[general + 4 :].strip(), fmt)
        if feedback:
            question["general_feedback"] = feedback
        answers = answers[:general]
    answers = answers.strip()
    where = offset + start

    def fail(message: str) -> FormatError:
        return block.error(message, where)

    if not answers:
        question["type"] = "essay"
    elif answers.startswith("#"):
        question["type"] = "numerical"
        question["numeric"] = _numeric(answers[1:], fmt, fail)
    elif "~" in answers:
        _choices(question, answers, fmt, fail)
    elif "=" in answers and "->" in answers:
        question["type"] = "matching"
        question["pairs"] = _pairs(answers, fmt, fail)
    else:
        head = answers.split("#", 1)[0].strip()
        if head in ("T", "TRUE", "F", "FALSE"):
            question["type"] = "true_false"
            _true_false(question, answers, fmt)
        else:
            question["type"] = "short_answer"
            question["accepted"] = _accepted(answers, fmt, fail)
    return question


def _split(answers: str, markers: str) -> list[str]:
    """Split protected answer text before each marker character."""
    parts = re.split(f"(?=[{re.escape(markers)}])", answers)
    return [p.strip() for p in parts if p.strip()]


def _weighted(chunk: str, default: float, fmt: str, fail) -> dict:
    """``%n%text#feedback`` (marker already removed) -> text/weight/feedback."""
    weight = default
    match = _WEIGHT.match(chunk)
    if match:
        weight = from_percent(match.group(1))
        chunk = chunk[match.end() :]
    elif chunk.startswith("%") and re.match(r"^%[^%]*%", chunk):
        raise fail(f"bad weight {_restore(chunk.split('%')[1])!r}: write a percentage like %50% or %-25%")
    text, _, feedback = chunk.partition("#")
    out: dict[str, Any] = {"text": _text_with_format(text.strip(), fmt)[0], "weight": weight}
    feedback = _text_with_format(feedback.strip(), fmt)[0]
    if feedback:
        out["feedback"] = feedback
    return out


def _choices(question: dict, answers: str, fmt: str, fail) -> None:
    if not answers.startswith(("=", "~")):
        raise fail("each answer must start with '=' (right) or '~' (wrong)")
    choices = []
    for chunk in _split(answers, "=~"):
        marker, rest = chunk[0], chunk[1:].strip()
        choices.append(_weighted(rest, 1.0 if marker == "=" else 0.0, fmt, fail))
    # As in Moodle: with no '=' answer, learners may pick several.
    question["type"] = "multiple_choice" if "=" in answers else "multiple_response"
    question["choices"] = choices


def _accepted(answers: str, fmt: str, fail) -> list[dict]:
    accepted = []
    for chunk in _split(answers, "="):
        rest = chunk[1:].strip() if chunk.startswith("=") else chunk
        accepted.append(_weighted(rest, 1.0, fmt, fail))
    return accepted


def _true_false(question: dict, answers: str, fmt: str) -> None:
    bits = answers.split("#", 2)
    value = bits[0].strip() in ("T", "TRUE")
    wrong = _text_with_format(bits[1].strip(), fmt)[0] if len(bits) > 1 else ""
    right = _text_with_format(bits[2].strip(), fmt)[0] if len(bits) > 2 else ""
    question["answer"] = value
    true_fb, false_fb = (right, wrong) if value else (wrong, right)
    if true_fb:
        question["feedback_true"] = true_fb
    if false_fb:
        question["feedback_false"] = false_fb


def _pairs(answers: str, fmt: str, fail) -> list[dict]:
    pairs = []
    for chunk in _split(answers, "="):
        if not chunk.startswith("="):
            raise fail("each matching pair must start with '='")
        prompt, arrow, match = chunk[1:].partition("->")
        if not arrow:
            raise fail(f"matching pair {_restore(chunk[1:]).strip()!r} has no '->'")
        pair: dict[str, Any] = {}
        prompt_text = _text_with_format(prompt.strip(), fmt)[0]
        if prompt_text:
            pair["prompt"] = prompt_text
        pair["match"] = _restore(match).strip()
        pairs.append(pair)
    return pairs


def _numeric(answers: str, fmt: str, fail) -> list[dict]:
    other = None
    tilde = answers.find("~")
    if tilde >= 0:
        other, answers = answers[tilde + 1 :].strip(), answers[:tilde]
    entries = []
    chunks = _split(answers, "=") if "=" in answers else ([answers.strip()] if answers.strip() else [])
    for chunk in chunks:
        rest = chunk[1:].strip() if chunk.startswith("=") else chunk
        weight = 1.0
        match = _WEIGHT.match(rest)
        if match:
            weight = from_percent(match.group(1))
            rest = rest[match.end() :]
        value_text, _, feedback = rest.partition("#")
        value_text = _restore(value_text).strip()
        try:
            if ".." in value_text[1:]:
                value, tolerance = _range(*value_text.split("..", 1))
            elif ":" in value_text:
                value_part, tol_part = value_text.split(":", 1)
                value, tolerance = parse_number(value_part), parse_number(tol_part)
            else:
                value, tolerance = parse_number(value_text), 0
        except ValueError:
            raise fail(
                f"numerical answer {value_text!r} is not a number, number:tolerance or low..high"
            ) from None
        entry: dict[str, Any] = {"value": value, "tolerance": tolerance, "weight": weight}
        feedback = _text_with_format(feedback.strip(), fmt)[0]
        if feedback:
            entry["feedback"] = feedback
        entries.append(entry)
    if not entries:
        raise fail("a numerical question needs at least one answer after '#'")
    if other is not None:
        weight = 0.0
        match = _WEIGHT.match(other)
        if match:
            weight = from_percent(match.group(1))
            other = other[match.end() :]
        entry = {"value": None, "weight": weight}
        feedback = _text_with_format(other.partition("#")[2].strip(), fmt)[0]
        if feedback:
            entry["feedback"] = feedback
        entries.append(entry)
    return entries


def _range(low_text: str, high_text: str) -> tuple[float, float]:
    """``low..high`` as (middle, half width), computed in decimal to avoid noise."""
    for part in (low_text, high_text):
        parse_number(part)  # a finite number, or ValueError
    low, high = Decimal(low_text.strip()), Decimal(high_text.strip())
    middle = (low + high) / 2
    return _plain(middle), _plain(high - middle)


def _plain(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


# -- writing ------------------------------------------------------------------


def _escape(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\\", "\\\\")
    for ch in "~=#{}:":
        text = text.replace(ch, "\\" + ch)
    return text.replace("\n", "\\n")


def _answer_text(text: str, fmt: str) -> str:
    """Escape an answer or feedback text, guarding a literal format prefix."""
    escaped = _escape(text)
    return f"[{fmt}]{escaped}" if _FORMAT_PREFIX.match(escaped) else escaped


def _weight_prefix(text: str, weight: float, default: float, grade) -> str:
    if weight == default and not text.startswith("%"):
        return ""
    return f"%{grade(weight)}%"


def _grader(qid: str, warnings: list[str]):
    """A function writing a weight as a percentage Moodle accepts, warning when it snaps one."""
    def grade(weight: float) -> str:
        text, nearest = moodle_percent(weight)
        if nearest is not None:
            warnings.append(f"{qid}: weight {weight:g} is not a grade Moodle accepts; written as {text}%")
        return text
    return grade


def _feedback(feedback: str | None, fmt: str) -> str:
    return f"#{_answer_text(feedback, fmt)}" if feedback else ""


#: Question types GIFT cannot write, as people know them.
_LEFT_OUT = {"ordering": "ordering", "cloze": "cloze (embedded answers)"}


def serialize_with_warnings(questions: list[dict]) -> tuple[str, list[str]]:
    """Write canonical questions as GIFT; return the text and what was left out.

    :returns: ``(text, warnings)``; each warning names the question and the
        field (or whole question) GIFT cannot carry.
    """
    out: list[str] = []
    warnings: list[str] = []
    category = None
    for question in by_category(questions):
        qid = question.get("id", "?")
        if question.get("type") in _LEFT_OUT:
            warnings.append(f"{qid}: GIFT has no {_LEFT_OUT[question['type']]} questions; question left out")
            continue
        for key in ("fact", "source"):
            if question.get(key):
                warnings.append(f"{qid}: GIFT cannot carry {key!r}; left out")
        images = media.left_out(question, "GIFT")
        if images:
            warnings.append(images)
        if question.get("status", "draft") != "draft":
            warnings.append(f"{qid}: GIFT cannot carry status {question['status']!r}; imports as draft")
        if question.get("category") != category:
            if question.get("category") is None:
                warnings.append(
                    f"{qid}: has no category but follows one in GIFT; imports into {category!r}"
                )
            else:
                category = question["category"]
                if "\n" in category:
                    warnings.append(f"{qid}: line break in category {category!r} written as a space")
                out.append(f"$CATEGORY: {' '.join(category.split())}\n\n")
        out.append(_question_text(question, warnings))
    return "".join(out), warnings


def serialize(questions: list[dict]) -> str:
    """Write canonical questions as GIFT; what GIFT cannot carry is issued as
    :class:`~quizapp.formats.DataLossWarning` (see :func:`serialize_with_warnings`).
    """
    text, warnings = serialize_with_warnings(questions)
    emit_warnings(warnings)
    return text


def _question_text(question: dict, warnings: list[str]) -> str:
    qid = question["id"]
    qtype = question["type"]
    fmt = question.get("stem_format") or "plain"
    lines = []
    tokens = [f"[id:{qid.replace(']', chr(92) + ']')}]"]
    for tag in question.get("tags") or []:
        if re.search(r"[<>`\x00-\x1f\x7f]", tag) or tag != tag.strip():
            warnings.append(f"{qid}: GIFT tags cannot hold {tag!r}; tag left out")
            continue
        tokens.append(f"[tag:{tag.replace(']', chr(92) + ']')}]")
    lines.append("// " + " ".join(tokens))

    head = ""
    if question.get("title"):
        head = f"::{_escape(question['title'])}:: "
    stem = question.get("stem") or ""
    escaped_stem_prefix = _escape(stem)
    if fmt != "moodle" or _FORMAT_PREFIX.match(escaped_stem_prefix) or (
        not head and escaped_stem_prefix.startswith(("//", "$CATEGORY", "::"))
    ):
        head += f"[{fmt}]"

    if qtype == "description":
        if question.get("general_feedback"):
            warnings.append(f"{qid}: GIFT descriptions cannot carry general feedback; left out")
        lines.append(head + _escape(stem))
        return "\n".join(lines) + "\n\n"

    block = _answers(question, fmt, warnings)
    general = question.get("general_feedback")
    if general:
        block.append(f"####{_answer_text(general, fmt)}")
    if len(block) == 1 and not general and len(block[0]) < 60:
        answers = "{" + block[0] + "}"  # {TRUE}, {#3:0.5}, {=Paris}
    else:
        answers = "{" + ("\n\t" + "\n\t".join(block) + "\n" if block else "") + "}"

    before, blank, after = stem.partition(BLANK)
    if blank and after.strip():
        lines.append(f"{head}{_escape(before)}{answers}{_escape(after)}")
    else:
        sep = " " if stem else ""
        lines.append(f"{head}{_escape(stem)}{sep}{answers}")
    return "\n".join(lines) + "\n\n"


def _answers(question: dict, fmt: str, warnings: list[str]) -> list[str]:
    qid, qtype = question["id"], question["type"]
    grade = _grader(qid, warnings)
    if qtype == "essay":
        return []
    if qtype in ("multiple_choice", "multiple_response"):
        choices = question["choices"]
        single = qtype == "multiple_choice"
        # Moodle reads a question with an '=' answer as single-answer: the
        # first full-marks choice (or the first choice) carries the '='.
        equal_at = -1
        if single:
            full = [i for i, c in enumerate(choices) if c.get("weight", 0) == 1]
            equal_at = full[0] if full else 0
        lines = []
        for i, choice in enumerate(choices):
            text, weight = choice["text"], choice.get("weight", 0)
            if i == equal_at:
                marker, prefix = "=", _weight_prefix(text, weight, 1, grade)
            else:
                marker, prefix = "~", _weight_prefix(text, weight, 0, grade)
            lines.append(f"{marker}{prefix}{_answer_text(text, fmt)}{_feedback(choice.get('feedback'), fmt)}")
        return lines
    if qtype == "short_answer":
        if question.get("usecase"):
            warnings.append(f"{qid}: GIFT cannot say that case matters (usecase); Moodle will accept any case")
        lines = []
        for item in question["accepted"]:
            text = item["text"]
            for part in (text, item.get("feedback") or ""):
                if "->" in part:
                    warnings.append(
                        f"{qid}: GIFT reads a short answer containing '->' as matching; {part!r} will not import as written"
                    )
            prefix = _weight_prefix(text, item.get("weight", 1), 1, grade)
            lines.append(f"={prefix}{_answer_text(text, fmt)}{_feedback(item.get('feedback'), fmt)}")
        return lines
    if qtype == "true_false":
        value = question["answer"]
        right = question.get("feedback_true") if value else question.get("feedback_false")
        wrong = question.get("feedback_false") if value else question.get("feedback_true")
        text = "TRUE" if value else "FALSE"
        if wrong or right:
            text += f"#{_answer_text(wrong, fmt) if wrong else ''}"
        if right:
            text += f"#{_answer_text(right, fmt)}"
        return [text]
    if qtype == "numerical":
        return _numeric_lines(question, fmt, warnings)
    if qtype == "matching":
        lines = []
        for pair in question["pairs"]:
            prompt = pair.get("prompt") or ""
            if "->" in prompt:
                warnings.append(
                    f"{qid}: GIFT cannot hold '->' in a matching prompt; {prompt!r} will not import as written"
                )
            match = _escape(pair["match"])
            lines.append(f"={_answer_text(prompt, fmt)} -> {match}")
        return lines
    raise ValueError(f"{qid}: unknown question type {qtype!r}")


def _numeric_lines(question: dict, fmt: str, warnings: list[str]) -> list[str]:
    qid = question["id"]
    grade = _grader(qid, warnings)
    answers = [n for n in question["numeric"] if n.get("value") is not None]
    others = [n for n in question["numeric"] if n.get("value") is None]
    if len(others) > 1:
        warnings.append(f"{qid}: GIFT holds one 'any other answer'; {len(others) - 1} more left out")
    if others and question["numeric"][-1].get("value") is not None:
        warnings.append(f"{qid}: GIFT writes 'any other answer' last")

    def value_text(entry: dict) -> str:
        tolerance = entry.get("tolerance", 0) or 0
        text = number_text(entry["value"])
        return f"{text}:{number_text(tolerance)}" if tolerance else text

    if len(answers) == 1 and answers[0].get("weight", 1) == 1 and not others:
        entry = answers[0]
        return [f"#{value_text(entry)}{_feedback(entry.get('feedback'), fmt)}"]
    lines = ["#"]
    for entry in answers:
        weight = entry.get("weight", 1)
        prefix = "" if weight == 1 else f"%{grade(weight)}%"
        lines.append(f"={prefix}{value_text(entry)}{_feedback(entry.get('feedback'), fmt)}")
    if others:
        entry = others[0]
        weight = entry.get("weight", 0)
        prefix = "" if weight == 0 else f"%{grade(weight)}%"
        lines.append(f"~{prefix}{_feedback(entry.get('feedback'), fmt)}")
    return lines
