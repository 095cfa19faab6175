"""Scoring: one pure grader per question type, over canonical questions.

Responses are plain JSON values, one shape per type:

=================  =============================================
multiple_choice    index of the chosen choice (int)
multiple_response  indexes of the chosen choices (list of int)
true_false         bool
short_answer       the text typed (str)
numerical          the number typed (float)
matching           the match chosen for each prompted pair, in pair order
ordering           the items in the order the learner put them
essay              the text written (str)
description        None
cloze              one entry per gap, each of its gap type's shape
                   above (str, float, int, list of int), or None for
                   a gap left blank
=================  =============================================

A cloze question scores as Moodle's embedded answers: each gap is graded
as the question type it stands for, and the question's score is
Σ mark × gap score / Σ mark (a gap left blank scores 0), kept within [0, 1].

A grade's ``score`` is the fraction of the question's mark earned; ``None``
means the answer waits for a teacher (essays).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


_EPSILON = 1e-6


class InvalidResponse(ValueError):
    """A response that does not fit the question (tampered or incomplete)."""


@dataclass(frozen=True)
class Grade:
    score: float | None
    correct: bool
    feedback: str | None = None  # the feedback of what was chosen or typed


def _prompted(question: dict) -> list[dict]:
    return [p for p in question.get("pairs", []) if p.get("prompt")]


def match_options(question: dict) -> list[str]:
    """The distinct matches offered for a matching question (extra distractors included)."""
    seen: dict[str, None] = {}
    for pair in question.get("pairs", []):
        seen.setdefault(pair["match"], None)
    return list(seen)


# --- response checks ----------------------------------------------------

def check_response(question: dict, response: Any) -> Any:
    """Return ``response`` normalised to its type's shape.

    :raises InvalidResponse: when it refers to choices or items that do not
        exist, or is incomplete.
    """
    qtype = question["type"]
    if qtype == "multiple_choice":
        if isinstance(response, bool) or not isinstance(response, int) or not 0 <= response < len(question["choices"]):
            raise InvalidResponse("choose one of the offered answers")
        return response
    if qtype == "multiple_response":
        if not isinstance(response, list) or not response:
            raise InvalidResponse("choose at least one answer")
        if any(isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < len(question["choices"]) for i in response):
            raise InvalidResponse("choose only among the offered answers")
        return sorted(set(response))
    if qtype == "true_false":
        if not isinstance(response, bool):
            raise InvalidResponse("answer true or false")
        return response
    if qtype in ("short_answer", "essay"):
        if not isinstance(response, str) or not response.strip():
            raise InvalidResponse("type an answer")
        if len(response) > 20_000:
            raise InvalidResponse("the answer is too long")
        return response.strip()
    if qtype == "numerical":
        if isinstance(response, bool) or not isinstance(response, (int, float)) or not math.isfinite(response):
            raise InvalidResponse("type a number")
        return float(response)
    if qtype == "matching":
        options = set(match_options(question))
        prompted = _prompted(question)
        if not isinstance(response, list) or len(response) != len(prompted):
            raise InvalidResponse("choose a match for every item")
        if any(r not in options for r in response):
            raise InvalidResponse("choose a match for every item")
        return response
    if qtype == "ordering":
        items = question["items"]
        if not isinstance(response, list) or sorted(response) != sorted(items):
            raise InvalidResponse("give every item its own position")
        return response
    if qtype == "description":
        return None
    if qtype == "cloze":
        gaps = question["gaps"]
        if not isinstance(response, list) or len(response) != len(gaps):
            raise InvalidResponse("answer the gaps of this question")
        if all(item is None for item in response):
            raise InvalidResponse("fill in at least one gap")
        checked = []
        for number, (gap, item) in enumerate(zip(gaps, response), start=1):
            try:
                checked.append(None if item is None else check_response(gap, item))
            except InvalidResponse as exc:
                raise InvalidResponse(f"gap {number}: {exc}") from None
        return checked
    raise InvalidResponse(f"unknown question type {qtype!r}")


# --- graders ------------------------------------------------------------

def _grade_multiple_choice(question: dict, response: int) -> Grade:
    choice = question["choices"][response]
    weight = float(choice.get("weight", 0))
    return Grade(weight, weight >= 1 - _EPSILON, choice.get("feedback"))


def _grade_multiple_response(question: dict, response: list[int]) -> Grade:
    chosen = [question["choices"][i] for i in response]
    score = min(1.0, max(0.0, sum(float(c.get("weight", 0)) for c in chosen)))
    feedback = " ".join(c["feedback"] for c in chosen if c.get("feedback")) or None
    return Grade(score, score >= 1 - _EPSILON, feedback)


def _grade_true_false(question: dict, response: bool) -> Grade:
    right = response == question["answer"]
    feedback = question.get("feedback_true") if response else question.get("feedback_false")
    return Grade(1.0 if right else 0.0, right, feedback)


def moodle_text(text: str, usecase: bool = False) -> str:
    """A short answer as Moodle compares it: NFC, trimmed, blank runs as one space, case folded
    unless ``usecase``.

    Nothing else is folded: "-5" stays apart from "5", "C++" from "C",
    "forty-two" from "forty two" and "comunicación" from "comunicacion".
    """
    text = " ".join(unicodedata.normalize("NFC", text).split())
    return text if usecase else text.lower()


def _pattern_pieces(accepted: str) -> list[str]:
    """Split an accepted answer on runs of unescaped ``*``; ``\\*`` is a literal star.

    One pass over the text, as Moodle splits its pattern before matching.
    """
    pieces, current, index = [], [], 0
    while index < len(accepted):
        char = accepted[index]
        if char == "\\" and index + 1 < len(accepted) and accepted[index + 1] == "*":
            current.append("*")
            index += 2
            continue
        if char == "*":
            pieces.append("".join(current))
            current = []
            while index < len(accepted) and accepted[index] == "*":
                index += 1
            continue
        current.append(char)
        index += 1
    pieces.append("".join(current))
    return pieces


def has_wildcard(accepted: str) -> bool:
    """Whether an accepted answer holds an unescaped ``*``."""
    return len(_pattern_pieces(accepted)) > 1


def _wildcard_match(pieces: list[str], typed: str) -> bool:
    """Whether ``typed`` matches ``pieces`` joined by "any text", in linear time.

    No backtracking (issue 14): the first piece must start the answer and
    the last end it; each piece between is found leftmost after the one
    before, which is the match whenever there is one, since ``*`` takes any
    text. A regex ``a.*b.*c`` costs minutes on a long reply.
    """
    first, *middle, last = pieces
    if len(first) + len(last) > len(typed) or not typed.startswith(first) or not typed.endswith(last):
        return False
    position, end = len(first), len(typed) - len(last)
    for part in middle:
        found = typed.find(part, position, end)
        if found < 0:
            return False
        position = found + len(part)
    return True


def matches_accepted(question: dict, accepted_text: str, response: str) -> bool:
    """Whether a typed response matches one accepted answer, as Moodle's short answer does.

    Case-insensitive unless the question sets ``usecase``; blank space
    trimmed and runs of it read as one space; ``*`` stands for any text
    (``\\*`` for a star).
    """
    usecase = bool(question.get("usecase"))
    pieces = _pattern_pieces(moodle_text(accepted_text, usecase))
    typed = moodle_text(response, usecase)
    return pieces[0] == typed if len(pieces) == 1 else _wildcard_match(pieces, typed)


def _grade_short_answer(question: dict, response: str) -> Grade:
    # As Moodle: the first accepted answer (in the question's order) that matches decides.
    for accepted in question["accepted"]:
        if matches_accepted(question, accepted["text"], response):
            weight = float(accepted.get("weight", 1))
            return Grade(weight, weight >= 1 - _EPSILON, accepted.get("feedback"))
    return Grade(0.0, False)


def _grade_numerical(question: dict, response: float) -> Grade:
    best: dict | None = None
    fallback: dict | None = None
    for entry in question["numeric"]:
        if entry.get("value") is None:
            fallback = fallback or entry
        elif abs(response - entry["value"]) <= entry.get("tolerance", 0) + 1e-9:
            if best is None or entry.get("weight", 1) > best.get("weight", 1):
                best = entry
    best = best or fallback
    if best is None:
        return Grade(0.0, False)
    weight = float(best.get("weight", 1 if best.get("value") is not None else 0))
    return Grade(weight, weight >= 1 - _EPSILON, best.get("feedback"))


def _grade_matching(question: dict, response: list[str]) -> Grade:
    prompted = _prompted(question)
    right = sum(1 for pair, chosen in zip(prompted, response) if pair["match"] == chosen)
    score = right / len(prompted)
    return Grade(score, right == len(prompted))


def _grade_ordering(question: dict, response: list[str]) -> Grade:
    items = question["items"]
    right = sum(1 for expected, given in zip(items, response) if expected == given)
    score = right / len(items)
    return Grade(score, right == len(items))


def _grade_essay(question: dict, response: str) -> Grade:
    return Grade(None, False)


@dataclass(frozen=True)
class GapGrade:
    """One gap of a cloze answer, graded."""

    number: int  # 1-based
    type: str
    mark: int
    score: float  # fraction of the gap's mark, 0 when left blank
    correct: bool
    feedback: str | None
    answered: bool


def grade_gaps(question: dict, response: list) -> list[GapGrade]:
    """Grade each gap of a cloze response (already checked) as the question type it stands for."""
    grades = []
    for number, (gap, item) in enumerate(zip(question["gaps"], response), start=1):
        if item is None:
            grades.append(GapGrade(number, gap["type"], gap.get("mark", 1), 0.0, False, None, False))
            continue
        grade_ = GRADERS[gap["type"]](gap, item)
        grades.append(GapGrade(number, gap["type"], gap.get("mark", 1), float(grade_.score), grade_.correct,
                               grade_.feedback, True))
    return grades


def gap_feedback(question: dict, response: Any) -> list[dict]:
    """What a learner sees of each gap once a cloze question is answered: right or not, the
    score, the feedback of what was given, and the right answer.

    :raises InvalidResponse: when the response does not fit the question.
    """
    return [
        {"number": g.number, "correct": g.correct, "score": g.score, "answered": g.answered,
         "feedback": g.feedback, "right_answer": correct_answer(gap)}
        for g, gap in zip(grade_gaps(question, check_response(question, response)), question["gaps"])
    ]


def _grade_cloze(question: dict, response: list) -> Grade:
    # As Moodle's multianswer: each gap's score weighted by its mark.
    gaps = grade_gaps(question, response)
    total = sum(g.mark for g in gaps)
    score = min(1.0, max(0.0, sum(g.mark * g.score for g in gaps) / total)) if total else 0.0
    feedback = " ".join(f"({g.number}) {g.feedback}" for g in gaps if g.feedback) or None
    return Grade(score, all(g.correct or g.mark == 0 for g in gaps), feedback)


def cloze_order(question: dict, shuffle: bool, rng) -> list[list[int]]:
    """The shown order of each gap's choices (empty for typed gaps).

    A choice gap is shuffled when it asks for it (Moodle's ``_S`` types) and
    ``shuffle`` allows it (the quiz's own setting).
    """
    orders = []
    for gap in question["gaps"]:
        order = list(range(len(gap.get("choices") or [])))
        if shuffle and gap.get("shuffle"):
            rng.shuffle(order)
        orders.append(order)
    return orders


GRADERS: dict[str, Callable[[dict, Any], Grade]] = {
    "multiple_choice": _grade_multiple_choice,
    "multiple_response": _grade_multiple_response,
    "true_false": _grade_true_false,
    "short_answer": _grade_short_answer,
    "numerical": _grade_numerical,
    "matching": _grade_matching,
    "ordering": _grade_ordering,
    "essay": _grade_essay,
    "cloze": _grade_cloze,
}


def grade(question: dict, response: Any) -> Grade:
    """Grade a response to a canonical question.

    :raises InvalidResponse: when the response does not fit the question.
    """
    if question["type"] == "description":
        return Grade(None, True)
    return GRADERS[question["type"]](question, check_response(question, response))


def is_graded(question: dict) -> bool:
    """Whether answers to this question count towards a score automatically."""
    return question["type"] in GRADERS and question["type"] != "essay"


def correct_answer(question: dict) -> list[str]:
    """The correct answer(s) as lines of text a learner can read."""
    qtype = question["type"]
    if qtype in ("multiple_choice", "multiple_response"):
        best = max(c.get("weight", 0) for c in question["choices"])
        threshold = best if qtype == "multiple_choice" else _EPSILON
        return [c["text"] for c in question["choices"] if c.get("weight", 0) >= threshold]
    if qtype == "true_false":
        return ["True" if question["answer"] else "False"]
    if qtype == "short_answer":
        full = [a["text"] for a in question["accepted"] if a.get("weight", 1) >= 1 - _EPSILON]
        return full[:1] + ([f"also accepted: {', '.join(full[1:])}"] if len(full) > 1 else [])
    if qtype == "numerical":
        return [
            f"{e['value']:g}" + (f" ± {e['tolerance']:g}" if e.get("tolerance") else "")
            for e in question["numeric"]
            if e.get("value") is not None and e.get("weight", 1) >= 1 - _EPSILON
        ]
    if qtype == "matching":
        return [f"{p['prompt']} → {p['match']}" for p in _prompted(question)]
    if qtype == "ordering":
        return [f"{n}. {item}" for n, item in enumerate(question["items"], 1)]
    if qtype == "cloze":
        return [f"({n}) {'; '.join(correct_answer(gap))}" for n, gap in enumerate(question["gaps"], 1)]
    return []
