"""The canonical question: the one schema every bank format converts to.

Pure: no Flask, no database. :func:`validate` returns every problem with the
field it belongs to, so a form can show it next to the field and a file
loader can prefix it with the file and line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from quizapp import cloze

QUESTION_TYPES = (
    "multiple_choice",
    "multiple_response",
    "true_false",
    "short_answer",
    "numerical",
    "matching",
    "ordering",
    "essay",
    "description",
    "cloze",
)
STATUSES = ("draft", "published", "retired")
FACT_KINDS = ("quote", "organization", "person", "date", "place")
TEXT_FORMATS = ("plain", "markdown", "html", "moodle")
#: The image types a question's ``files`` may hold (formats/media.py checks the bytes).
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")

#: The answer key each type carries; the other answer keys are omitted.
ANSWER_KEY = {
    "multiple_choice": "choices",
    "multiple_response": "choices",
    "true_false": "answer",
    "short_answer": "accepted",
    "numerical": "numeric",
    "matching": "pairs",
    "ordering": "items",
    "essay": None,
    "description": None,
    "cloze": "gaps",
}
ANSWER_KEYS = ("choices", "accepted", "answer", "numeric", "pairs", "items", "gaps")

#: The largest mark of a cloze gap (Moodle's default mark holds at most 99999.9999999).
MAX_GAP_MARK = 99999
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,119}$")
_FILE_NAME = re.compile(r"^[^/\\\x00-\x1f\x7f]{1,200}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_EPSILON = 1e-6


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a question: the field path and what is wrong."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


def slugify(text: str, limit: int = 60) -> str:
    """Make a stable id fragment from free text."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "q"


def normalize_answer(text: str) -> str:
    """Fold a free-text answer for comparison.

    Unicode NFKC, case-folding, accents kept as letters, punctuation dropped
    (so "U.K." equals "UK"), whitespace collapsed and a leading "the" ignored.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
    text = re.sub(r"[’'`´]", "", text)
    text = re.sub(r"\b(\w)\.", r"\1", text)  # initialisms: "U.K." is "UK"
    text = re.sub(r"[^\w\s]|_", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"^the ", "", text)


#: What PHP's trim() removes, which Moodle applies to every answer it saves.
MOODLE_BLANKS = " \t\n\r\x00\x0b"


def moodle_trim(text: str) -> str:
    """``text`` trimmed as Moodle trims answers (PHP ``trim``)."""
    return text.strip(MOODLE_BLANKS)


def duplicate_answers(question: dict) -> list[str]:
    """Answers of one question that Moodle would store as the same answer.

    As in Moodle, two answers are the same only when their text is
    identical after trimming: "forty two" and "forty-two", "comunicación"
    and "comunicacion", "a^(n-1)" and "a^(n+1)" are different answers.
    Duplicates are worth a warning, not a refusal (Moodle accepts them).
    """
    notes = []
    for key, noun in (("choices", "choice"), ("accepted", "accepted answer")):
        seen: dict[str, int] = {}
        for index, item in enumerate(question.get(key) or []):
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                continue
            text = moodle_trim(item["text"])
            if text in seen:
                notes.append(f"{key}[{index}]: duplicate {noun} {text!r} (same as {key}[{seen[text]}])")
            else:
                seen[text] = index
    return notes


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def validate(question: Any) -> list[Problem]:
    """Return every problem with a canonical question (empty when valid)."""
    if not isinstance(question, dict):
        return [Problem("", "a question must be a mapping of fields")]
    problems: list[Problem] = []
    add = lambda field, message: problems.append(Problem(field, message))  # noqa: E731

    qid = question.get("id")
    if not isinstance(qid, str) or not _ID.match(qid):
        add("id", "must be a lowercase slug of letters, digits, '.', '_' or '-' (at most 120)")
    qtype = question.get("type")
    if qtype not in QUESTION_TYPES:
        add("type", f"must be one of {', '.join(QUESTION_TYPES)}")
        return problems
    if qtype != "description" and not _text(question.get("stem")):
        add("stem", "is required")
    elif "stem" in question and not isinstance(question.get("stem"), str):
        add("stem", "must be text")
    if question.get("stem_format", "plain") not in TEXT_FORMATS:
        add("stem_format", f"must be one of {', '.join(TEXT_FORMATS)}")
    if question.get("status", "draft") not in STATUSES:
        add("status", f"must be one of {', '.join(STATUSES)}")
    tags = question.get("tags", [])
    if not isinstance(tags, list) or not all(_text(t) for t in tags):
        add("tags", "must be a list of words")
    for key in ANSWER_KEYS:
        if key in question and ANSWER_KEY[qtype] != key:
            add(key, f"does not apply to a {qtype.replace('_', ' ')} question")
    if "usecase" in question and qtype != "short_answer":
        add("usecase", "applies to short answer questions only")

    checker = _CHECKERS.get(qtype)
    if checker:
        checker(question, add)
    _check_fact_and_source(question, add)
    _check_files(question, add)
    return problems


def _weight_ok(value: Any) -> bool:
    return _number(value) and -1 - _EPSILON <= value <= 1 + _EPSILON


def _check_choices(question: dict, add) -> None:
    choices = question.get("choices")
    if not isinstance(choices, list) or len(choices) < 2:
        add("choices", "give at least two choices")
        return
    for index, choice in enumerate(choices):
        where = f"choices[{index}]"
        if not isinstance(choice, dict) or not _text(choice.get("text")):
            add(where, "each choice needs text")
            continue
        if not _weight_ok(choice.get("weight", 0)):
            add(f"{where}.weight", "must be a number between -1 and 1")
    weights = [c.get("weight", 0) for c in choices if isinstance(c, dict)]
    if not all(_number(w) for w in weights):
        return
    if question["type"] == "multiple_choice":
        if not any(w >= 1 - _EPSILON for w in weights):
            add("choices", "mark at least one choice fully correct (weight 1)")
    else:
        positive = sum(w for w in weights if w > 0)
        if positive < 1 - 0.01:
            add("choices", "the correct choices' weights must add up to full marks (1)")


def _check_true_false(question: dict, add) -> None:
    if not isinstance(question.get("answer"), bool):
        add("answer", "must be true or false")


def _check_accepted(question: dict, add) -> None:
    accepted = question.get("accepted")
    if not isinstance(accepted, list) or not accepted:
        add("accepted", "give at least one accepted answer")
        return
    if "usecase" in question and not isinstance(question["usecase"], bool):
        add("usecase", "must be true or false")
    for index, item in enumerate(accepted):
        where = f"accepted[{index}]"
        if not isinstance(item, dict) or not _text(item.get("text")):
            add(where, "each accepted answer needs text")
            continue
        if not _weight_ok(item.get("weight", 1)):
            add(f"{where}.weight", "must be a number between -1 and 1")
    if not any(
        isinstance(i, dict) and _number(i.get("weight", 1)) and i.get("weight", 1) >= 1 - _EPSILON
        for i in accepted
    ):
        add("accepted", "at least one accepted answer must earn full marks (weight 1)")


def _check_numeric(question: dict, add) -> None:
    numeric = question.get("numeric")
    if not isinstance(numeric, list) or not numeric:
        add("numeric", "give at least one numeric answer")
        return
    for index, item in enumerate(numeric):
        where = f"numeric[{index}]"
        if not isinstance(item, dict):
            add(where, "must be a mapping")
            continue
        if item.get("value") is not None and not _number(item.get("value")):
            add(f"{where}.value", "must be a number (or null for any other answer)")
        if not _number(item.get("tolerance", 0)) or item.get("tolerance", 0) < 0:
            add(f"{where}.tolerance", "must be a number of zero or more")
        if not _weight_ok(item.get("weight", 1)):
            add(f"{where}.weight", "must be a number between -1 and 1")
    if not any(
        isinstance(i, dict) and i.get("value") is not None and _number(i.get("weight", 1))
        and i.get("weight", 1) >= 1 - _EPSILON
        for i in numeric
    ):
        add("numeric", "at least one answer must earn full marks (weight 1)")


def _check_pairs(question: dict, add) -> None:
    pairs = question.get("pairs")
    if not isinstance(pairs, list) or len(pairs) < 2:
        add("pairs", "give at least two pairs")
        return
    prompts: set[str] = set()
    for index, pair in enumerate(pairs):
        where = f"pairs[{index}]"
        if not isinstance(pair, dict) or not _text(pair.get("match")):
            add(where, "each pair needs a match")
            continue
        prompt = pair.get("prompt")
        if prompt is not None and not isinstance(prompt, str):
            add(f"{where}.prompt", "must be text")
        elif _text(prompt):
            if prompt in prompts:
                add(where, f"duplicate prompt {prompt!r}")
            prompts.add(prompt)
    if sum(1 for p in pairs if isinstance(p, dict) and _text(p.get("prompt"))) < 2:
        add("pairs", "at least two pairs need a prompt")


def _check_items(question: dict, add) -> None:
    items = question.get("items")
    if not isinstance(items, list) or len(items) < 2:
        add("items", "give at least two items to order")
        return
    if not all(_text(item) for item in items):
        add("items", "every item needs text")
    elif len({moodle_trim(i) for i in items}) != len(items):
        add("items", "items must all differ")


def _check_gaps(question: dict, add) -> None:
    """A cloze question: gaps shaped like the question types they stand for, each marked once in the stem."""
    gaps = question.get("gaps")
    if not isinstance(gaps, list) or not gaps:
        add("gaps", "give at least one gap")
        return
    for index, gap in enumerate(gaps):
        where = f"gaps[{index}]"
        if not isinstance(gap, dict) or gap.get("type") not in cloze.GAP_TYPES:
            add(f"{where}.type", f"must be one of {', '.join(cloze.GAP_TYPES)}")
            continue
        gtype = gap["type"]
        mark = gap.get("mark", 1)
        if not isinstance(mark, int) or isinstance(mark, bool) or not 0 <= mark <= MAX_GAP_MARK:
            add(f"{where}.mark", f"must be a whole number from 0 to {MAX_GAP_MARK}")
        key = ANSWER_KEY[gtype]
        for other in ("choices", "accepted", "numeric"):
            if other in gap and other != key:
                add(f"{where}.{other}", f"does not apply to a {gtype.replace('_', ' ')} gap")
        if "usecase" in gap and gtype != "short_answer":
            add(f"{where}.usecase", "applies to short answer gaps only")
        if gtype in ("multiple_choice", "multiple_response"):
            layouts = cloze.LAYOUTS if gtype == "multiple_choice" else cloze.LAYOUTS[1:]
            if gap.get("layout", layouts[0]) not in layouts:
                add(f"{where}.layout", f"must be one of {', '.join(layouts)}")
            if not isinstance(gap.get("shuffle", False), bool):
                add(f"{where}.shuffle", "must be true or false")
        else:
            for name in ("layout", "shuffle"):
                if name in gap:
                    add(f"{where}.{name}", "applies to multiple choice and multiple response gaps only")
        _CHECKERS[gtype](gap, lambda field, message, where=where: add(f"{where}.{field}", message))
    marks = [g.get("mark", 1) for g in gaps if isinstance(g, dict)]
    if all(isinstance(m, int) for m in marks) and sum(marks) <= 0:
        add("gaps", "at least one gap needs a mark above 0")
    stem = question.get("stem")
    if isinstance(stem, str):
        found = [int(m.group(1)) for m in cloze.MARKER.finditer(stem)]
        expected = list(range(1, len(gaps) + 1))
        if sorted(found) != expected:
            add("stem", f"must mark each gap once, as {{#1}} to {{#{len(gaps)}}} (found "
                        f"{', '.join(f'{{#{n}}}' for n in found) or 'none'})")


_CHECKERS = {
    "multiple_choice": _check_choices,
    "multiple_response": _check_choices,
    "true_false": _check_true_false,
    "short_answer": _check_accepted,
    "numerical": _check_numeric,
    "matching": _check_pairs,
    "ordering": _check_items,
    "cloze": _check_gaps,
}


def _check_fact_and_source(question: dict, add) -> None:
    fact = question.get("fact")
    if fact is not None:
        if not isinstance(fact, dict) or fact.get("kind") not in FACT_KINDS:
            add("fact.kind", f"must be one of {', '.join(FACT_KINDS)}")
    source = question.get("source")
    if source is not None:
        if not isinstance(source, dict):
            add("source", "must be a mapping with article, sentence, start and end")
            return
        start, end = source.get("start"), source.get("end")
        if start is not None or end is not None:
            if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end):
                add("source", "start and end must be offsets with 0 <= start <= end")


def _check_files(question: dict, add) -> None:
    """``files``: the question's images, each with a plain name, an image type and either its
    bytes in base64 (``data``, as bank files carry them) or the ``sha256`` they are kept under."""
    files = question.get("files")
    if files is None:
        return
    if not isinstance(files, list):
        add("files", "must be a list of files (name, mime, data)")
        return
    seen: set[str] = set()
    for index, file in enumerate(files):
        where = f"files[{index}]"
        if not isinstance(file, dict):
            add(where, "must be a mapping with name, mime and data")
            continue
        name = file.get("name")
        if not isinstance(name, str) or not _FILE_NAME.match(name):
            add(f"{where}.name", "must be a file name without a path")
        elif name in seen:
            add(f"{where}.name", f"{name!r} is used twice")
        else:
            seen.add(name)
        if file.get("mime") not in IMAGE_TYPES:
            add(f"{where}.mime", f"must be one of {', '.join(IMAGE_TYPES)}")
        data, digest = file.get("data"), file.get("sha256")
        if not (isinstance(data, str) and data) and not (isinstance(digest, str) and _SHA256.match(digest)):
            add(f"{where}.data", "is required (the image in base64)")
