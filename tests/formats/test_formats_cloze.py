"""Cloze questions through the bank formats: Moodle XML in and out, CSV, YAML, JSON, GIFT and Anki."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from quizapp.formats import FormatError, ParseReport, parse, read_bank, serialize_with_warnings
from quizapp.formats.anki import back, front
from tests.test_fuzz_parsers import mutated

CLOZE_XML = Path(__file__).resolve().parents[1] / "data" / "banks" / "cloze.xml"


def lenient(path: Path) -> tuple[list[dict], ParseReport]:
    report = ParseReport()
    return read_bank(path, report=report), report


def test_a_moodle_file_with_cloze_and_ordinary_questions_imports_what_it_can():
    questions, report = lenient(CLOZE_XML)
    assert [(q["id"], q["type"]) for q in questions] == [
        ("bridge-cloze", "cloze"), ("case-cloze", "cloze"), ("several-cloze", "cloze"),
        ("plain-short", "short_answer"), ("plain-choice", "multiple_choice")]
    assert [(e.line, e.message) for e in report.skipped] == [
        (43, "cloze question text: gap 2, answer 1: 'three' is not a number (write =3.14 or =3.14:0.01 "
             "for a tolerance, or * for any other answer)"),
        (55, "cloze question text: gap 1 is not closed with '}' (escape a literal brace in an answer as \\})"),
    ]
    assert not [w for w in report.warnings if "defaultgrade" in w.message]  # a cloze's grade is its gaps' marks
    kinds = {(g["type"], g.get("layout")) for q in questions if q["type"] == "cloze" for g in q["gaps"]}
    assert kinds == {("numerical", None), ("short_answer", None), ("multiple_choice", "dropdown"),
                     ("multiple_choice", "vertical"), ("multiple_choice", "horizontal"),
                     ("multiple_response", "vertical"), ("multiple_response", "horizontal")}


def test_the_gaps_come_with_their_marks_weights_and_feedback():
    bridge = lenient(CLOZE_XML)[0][0]
    assert bridge["stem"] == "<p>The bridge opened in {#1}\nover the {#2}.</p>\n<p>Its colour is {#3}.</p>"
    assert bridge["category"] == "$course$/top/Cloze" and bridge["title"] == "Bridge"
    year, river, colour = bridge["gaps"]
    assert year == {"type": "numerical", "mark": 2, "numeric": [
        {"value": 1932, "tolerance": 1, "weight": 1.0, "feedback": "Right year"},
        {"value": 1930, "tolerance": 5, "weight": 0.5, "feedback": "Close"},
        {"value": None, "weight": 0.0, "feedback": "Look at the plaque"}]}
    assert [(a["text"], a["weight"]) for a in river["accepted"]] == [("Alder", 1.0), ("alder river", 0.5), ("*river*", 0.0)]
    assert colour["choices"][1] == {"text": "blue", "weight": 0.0, "feedback": "No, that is the railing"}
    case = lenient(CLOZE_XML)[0][1]
    assert case["gaps"][0]["usecase"] is True
    assert case["gaps"][1]["accepted"][0]["text"] == "x } y # z ~ w"


def test_the_strict_parse_refuses_the_file_at_the_bad_cloze_with_its_line():
    with pytest.raises(FormatError) as err:
        read_bank(CLOZE_XML)
    assert err.value.line == 43 and "'three' is not a number" in err.value.message


@pytest.mark.parametrize("fmt", ["xml", "csv", "yaml", "json"])
def test_import_of_export_is_the_same_bank(fmt):
    questions, _ = lenient(CLOZE_XML)
    text, warnings = serialize_with_warnings(questions, fmt)
    assert parse(text, fmt) == questions
    assert not [w for w in warnings if "cloze" in w]


def test_moodle_xml_writes_the_gaps_back_into_the_text():
    questions, _ = lenient(CLOZE_XML)
    text, _ = serialize_with_warnings(questions[:1], "xml")
    assert '<question type="cloze">' in text
    assert "{2:NUMERICAL:=1932:1#Right year~%50%1930:5#Close~*#Look at the plaque}" in text
    assert "{1:MULTICHOICE:=red#Right~blue#No, that is the railing~green}" in text
    assert "<defaultgrade>4</defaultgrade>" in text


def test_gift_cannot_hold_cloze_and_says_so_per_question():
    questions, _ = lenient(CLOZE_XML)
    text, warnings = serialize_with_warnings(questions, "gift")
    cloze_warnings = [w for w in warnings if "cloze" in w]
    assert cloze_warnings == [f"{qid}: GIFT has no cloze (embedded answers) questions; question left out"
                              for qid in ("bridge-cloze", "case-cloze", "several-cloze")]
    assert [q["id"] for q in parse(text, "gift")] == ["plain-short", "plain-choice"]


def test_csv_carries_the_gaps_in_the_stem_and_locates_bad_syntax():
    (ok,) = parse("id,type,stem\nok,cloze,Capital: {1:SA:=Paris}\n", "csv", "bank.csv")
    assert ok["stem"] == "Capital: {#1}" and ok["gaps"][0]["accepted"][0]["text"] == "Paris"
    with pytest.raises(FormatError) as err:  # as any bad cell of a CSV row
        parse("id,type,stem\nok,cloze,Capital: {1:SA:=Paris}\nbad,cloze,\"Line one\nline {1:NM:=x}\"\n", "csv", "bank.csv")
    assert err.value.line == 3
    assert "stem: cloze text, line 2: gap 1, answer 1: 'x' is not a number" in err.value.message


def test_an_anki_card_shows_blanks_on_the_front_and_the_answers_on_the_back():
    bridge = lenient(CLOZE_XML)[0][0]
    card_front, card_back = front(bridge), back(bridge)
    assert "[1: ____]" in card_front and "1932" not in card_front and "Alder" not in card_front
    assert "red / blue / green" in card_front
    assert "1932" in card_back and "Alder" in card_back and "red" in card_back


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=mutated(CLOZE_XML.read_text(encoding="utf-8")))
def test_a_damaged_cloze_file_is_read_or_refused_with_a_located_error(text):
    report = ParseReport()
    try:
        questions = parse(text, "xml", "cloze.xml", report=report)
    except FormatError as err:
        assert err.message
        return
    assert all(e.line for e in report.skipped)
    if questions:  # what was read writes back to the same questions
        back_again, _ = serialize_with_warnings(questions, "xml")
        assert parse(back_again, "xml") == questions


def test_yaml_reads_gap_texts_as_written_and_defaults_as_the_other_types():
    text = """questions:
- id: c
  type: cloze
  stem: 'Pick {#1} or type {#2}'
  gaps:
  - type: multiple_choice
    layout: vertical
    shuffle: yes
    choices: [{text: yes, weight: 1}, {text: no}]
  - type: short_answer
    accepted: [{text: 1990}]
"""
    (question,) = parse(text, "yaml")
    choice, typed = question["gaps"]
    assert choice["shuffle"] is True and [c["text"] for c in choice["choices"]] == ["yes", "no"]
    assert typed["accepted"] == [{"text": "1990"}]
    written, _ = serialize_with_warnings([question], "xml")
    assert "{1:MULTICHOICE_VS:=yes~no}" in written and "{1:SHORTANSWER:=1990}" in written
