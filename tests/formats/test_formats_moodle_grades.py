"""Issue 15, point 7: GIFT and Moodle XML exports carry only what Moodle's importer accepts."""

from __future__ import annotations

import pytest

from quizapp.formats import gift, moodle_xml, parse
from quizapp.formats._base import MOODLE_FRACTIONS, moodle_name


def choice_question(weight: float) -> dict:
    return {"id": "odd-weight", "type": "multiple_response", "stem": "Which rivers?", "stem_format": "plain",
            "choices": [{"text": "Alder", "weight": 1.0}, {"text": "Birch", "weight": weight}]}


@pytest.mark.parametrize("module, written", [(gift, "%40%Birch"), (moodle_xml, 'fraction="40"')])
def test_a_weight_moodle_refuses_is_written_as_the_nearest_valid_grade_with_a_warning(module, written):
    text, warnings = module.serialize_with_warnings([choice_question(0.37)])
    assert written in text and "37" not in text
    assert warnings == ["odd-weight: weight 0.37 is not a grade Moodle accepts; written as 40%"]
    assert parse(text, module.NAME)[0]["choices"][1]["weight"] == 0.4


@pytest.mark.parametrize("weight, written", [(1 / 3, "33.3333"), (-0.05, "-5"), (0.125, "12.5"), (-1 / 7, "-14.2857")])
def test_valid_grades_are_written_without_a_warning(weight, written):
    text, warnings = moodle_xml.serialize_with_warnings([choice_question(weight)])
    assert f'fraction="{written}' in text and warnings == []


def test_every_written_fraction_is_one_moodle_accepts():
    for weight in (0.01, 0.37, 0.55, 0.99, -0.42, 0.15):
        text, _ = moodle_xml.serialize_with_warnings([choice_question(weight)])
        back = parse(text, "xml")[0]["choices"][1]["weight"]
        assert min(abs(back - valid) for valid in MOODLE_FRACTIONS) < 0.00001


def test_an_untitled_question_gets_the_name_moodles_gift_importer_would_give():
    long_stem = ("<p>Which river flows through the town of Harbor Point and past the old mill "
                 "towards the sea in the north?</p>")
    question = {"id": "untitled", "type": "essay", "stem": long_stem, "stem_format": "html"}
    text, _ = moodle_xml.serialize_with_warnings([question])
    assert "<name>\n      <text>Which river flows through the town of Harbor Point and past the old mill...</text>" in text
    assert "<name>\n      <text></text>" not in text
    assert "title" not in parse(text, "xml")[0]  # reads back as untitled: the round trip changes nothing
    assert moodle_name("Short one?") == "Short one?"


def test_the_seed_bank_exports_no_empty_name():
    from pathlib import Path

    from quizapp.formats import read_bank

    bank_dir = Path(__file__).resolve().parents[2] / "question_bank"
    questions = [q for path in sorted(bank_dir.glob("*.yaml")) for q in read_bank(path)]
    assert questions
    text, _ = moodle_xml.serialize_with_warnings(questions)
    assert text.count("<name>") == len(questions)
    assert "<name>\n      <text></text>" not in text
