"""Issue 15, point 4: short answers are matched as Moodle matches them, no looser."""

from __future__ import annotations

import unicodedata

import pytest

from quizapp.formats import parse, serialize_with_warnings
from quizapp.services.scoring import grade


def short(*accepted, usecase=None) -> dict:
    question = {"id": "s", "type": "short_answer", "stem": "?",
                "accepted": [{"text": t, "weight": w} for t, w in accepted]}
    if usecase is not None:
        question["usecase"] = usecase
    return question


@pytest.mark.parametrize("accepted, typed, score", [
    ("-5", "5", 0.0),          # the sign is part of the answer
    ("-5", " -5 ", 1.0),
    ("C++", "C", 0.0),
    ("C++", "C#", 0.0),
    ("C++", "c++", 1.0),       # case-insensitive by default
    ("forty two", "forty-two", 0.0),
    ("forty two", "Forty   two", 1.0),  # blank space normalised
    ("comunicación", "comunicacion", 0.0),
    ("5\\*3", "5*3", 1.0),     # an escaped star is a star
    ("5\\*3", "5x3", 0.0),
    ("5*3", "5x3", 1.0),       # an unescaped one is a wildcard
])
def test_short_answers_score_as_in_moodle(accepted, typed, score):
    assert grade(short((accepted, 1.0)), typed).score == score


def test_composed_and_decomposed_accents_are_the_same_text():
    decomposed = unicodedata.normalize("NFD", "comunicación")
    assert grade(short(("comunicación", 1.0)), decomposed).score == 1.0


def test_usecase_makes_case_matter():
    assert grade(short(("Paris", 1.0), usecase=True), "paris").score == 0.0
    assert grade(short(("Paris", 1.0), usecase=True), "Paris").score == 1.0
    assert grade(short(("Paris", 1.0), usecase=False), "paris").score == 1.0


def test_the_first_matching_answer_decides_as_in_moodle():
    question = short(("comunicación", 1.0), ("comunica*", 0.6))
    assert grade(question, "comunicación").score == 1.0
    assert grade(question, "comunicacion").score == 0.6


def test_usecase_travels_through_moodle_xml_yaml_and_csv_and_gift_warns():
    question = {**short(("Paris", 1.0), usecase=True), "stem_format": "plain"}
    for fmt in ("xml", "yaml", "csv", "json"):
        text, _ = serialize_with_warnings([question], fmt)
        (back,) = parse(text, fmt)
        assert back["usecase"] is True, fmt
    _, warnings = serialize_with_warnings([question], "gift")
    assert warnings == ["s: GIFT cannot say that case matters (usecase); Moodle will accept any case"]
    xml = ("<quiz><question type='shortanswer'><name><text>n</text></name><questiontext><text>Q</text>"
           "</questiontext><usecase>1</usecase><answer fraction='100'><text>Paris</text></answer></question></quiz>")
    assert grade(parse(xml, "xml")[0], "paris").score == 0.0
