"""Issue 14, point 20: YAML bank text is read as written (``text: yes`` is "yes", not True)."""

from __future__ import annotations

import pytest

from quizapp.formats import FormatError, parse

WORDS = ["yes", "no", "on", "off", "y", "n", "Yes", "NO", "On", "OFF"]


@pytest.mark.parametrize("word", WORDS)
def test_yes_no_on_off_stay_words_in_text_fields(word):
    bank = (
        "questions:\n"
        f"  - id: q1\n    type: multiple_choice\n    stem: {word}\n    general_feedback: {word}\n"
        f"    tags: [{word}]\n"
        f"    choices:\n      - {{text: {word}, weight: 1, feedback: {word}}}\n      - {{text: maybe, weight: 0}}\n"
        f"  - id: q2\n    type: short_answer\n    stem: Say it\n    accepted:\n      - {{text: {word}, weight: 1}}\n"
        f"  - id: q3\n    type: matching\n    stem: Match\n"
        f"    pairs:\n      - {{prompt: {word}, match: {word}}}\n      - {{prompt: b, match: c}}\n"
        f"  - id: q4\n    type: ordering\n    stem: Order\n    items: [{word}, later]\n"
    )
    q1, q2, q3, q4 = parse(bank, "yaml")
    assert q1["stem"] == q1["general_feedback"] == q1["choices"][0]["text"] == q1["choices"][0]["feedback"] == word
    assert q1["tags"] == [word]
    assert q2["accepted"][0]["text"] == word
    assert q3["pairs"][0] == {"prompt": word, "match": word}
    assert q4["items"] == [word, "later"]


def test_numbers_in_text_fields_are_read_as_written():
    bank = "- {id: q1, type: multiple_choice, stem: 2022, choices: [{text: 1990, weight: 1}, {text: 1.50, weight: 0}]}\n"
    (question,) = parse(bank, "yaml")
    assert question["stem"] == "2022"
    assert [c["text"] for c in question["choices"]] == ["1990", "1.50"]
    assert [c["weight"] for c in question["choices"]] == [1, 0]  # numbers where numbers belong


@pytest.mark.parametrize("written,value", [("true", True), ("false", False), ("True", True), ("yes", True),
                                           ("no", False), ("on", True), ("off", False)])
def test_a_true_false_answer_is_still_a_boolean(written, value):
    (question,) = parse(f"- {{id: q1, type: true_false, stem: Is it, answer: {written}}}\n", "yaml")
    assert question["answer"] is value


@pytest.mark.parametrize("written", ["y", "n", "maybe", "1"])
def test_a_true_false_answer_that_is_not_a_boolean_is_a_located_error(written):
    with pytest.raises(FormatError, match=r"t\.yaml:2:5: question 'q1': answer: must be true or false"):
        parse(f"questions:\n  - {{id: q1, type: true_false, stem: Is it, answer: {written}}}\n", "yaml",
              source="t.yaml")
