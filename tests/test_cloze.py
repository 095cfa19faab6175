"""Moodle's embedded-answer syntax (quizapp/cloze.py): every gap type, escapes, weights, located errors."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.canonical import validate
from quizapp.cloze import ClozeError, blanked, embedded_text, parse_embedded, split_stem
from tests.test_fuzz_parsers import mutated


def gaps_of(text: str) -> list[dict]:
    return parse_embedded(text)[1]


def test_the_text_keeps_a_marker_where_each_gap_was():
    stem, gaps = parse_embedded("Paris is in {1:SA:=France} and Rome in {:SA:=Italy}.")
    assert stem == "Paris is in {#1} and Rome in {#2}."
    assert [g["accepted"][0]["text"] for g in gaps] == ["France", "Italy"]
    assert split_stem(stem) == ["Paris is in ", 0, " and Rome in ", 1, "."]
    assert blanked(stem) == "Paris is in [1: ____] and Rome in [2: ____]."


@pytest.mark.parametrize("name, expected", [
    ("SHORTANSWER", {"type": "short_answer"}), ("SA", {"type": "short_answer"}), ("MW", {"type": "short_answer"}),
    ("SHORTANSWER_C", {"type": "short_answer", "usecase": True}), ("SAC", {"type": "short_answer", "usecase": True}),
    ("NUMERICAL", {"type": "numerical"}), ("NM", {"type": "numerical"}),
    ("MULTICHOICE", {"type": "multiple_choice", "layout": "dropdown"}),
    ("MC", {"type": "multiple_choice", "layout": "dropdown"}),
    ("MULTICHOICE_V", {"type": "multiple_choice", "layout": "vertical"}),
    ("MCH", {"type": "multiple_choice", "layout": "horizontal"}),
    ("MCS", {"type": "multiple_choice", "layout": "dropdown", "shuffle": True}),
    ("MULTICHOICE_VS", {"type": "multiple_choice", "layout": "vertical", "shuffle": True}),
    ("MCHS", {"type": "multiple_choice", "layout": "horizontal", "shuffle": True}),
    ("MULTIRESPONSE", {"type": "multiple_response", "layout": "vertical"}),
    ("MRH", {"type": "multiple_response", "layout": "horizontal"}),
    ("MRS", {"type": "multiple_response", "layout": "vertical", "shuffle": True}),
    ("MULTIRESPONSE_HS", {"type": "multiple_response", "layout": "horizontal", "shuffle": True}),
])
def test_every_gap_type_and_short_name(name, expected):
    answers = "=4~5" if name in ("NUMERICAL", "NM") else "=right~wrong"
    (gap,) = gaps_of(f"x {{1:{name}:{answers}}}")
    assert {k: gap[k] for k in expected} == expected
    assert gap.get("usecase", False) == expected.get("usecase", False)
    assert gap.get("shuffle", False) == expected.get("shuffle", False)


def test_weights_percentages_and_feedback():
    (gap,) = gaps_of("{3:SHORTANSWER:=Paris#Right~%50%paris city#Half~%33,5%Lutetia~London#No}")
    assert gap["mark"] == 3
    assert gap["accepted"] == [
        {"text": "Paris", "weight": 1.0, "feedback": "Right"},
        {"text": "paris city", "weight": 0.5, "feedback": "Half"},
        {"text": "Lutetia", "weight": 0.335},
        {"text": "London", "weight": 0.0, "feedback": "No"},
    ]


def test_numerical_values_tolerances_and_any_other_answer():
    (gap,) = gaps_of("{2:NM:=3.14:0.01#Pi~%50%3,1:0.1~*#Any other}")
    assert gap["numeric"] == [
        {"value": 3.14, "tolerance": 0.01, "weight": 1.0, "feedback": "Pi"},
        {"value": 3.1, "tolerance": 0.1, "weight": 0.5},
        {"value": None, "weight": 0.0, "feedback": "Any other"},
    ]


def test_escaped_characters_and_html_entities_in_answers():
    (gap,) = gaps_of(r'{1:SA:=a\}b\#c\~d\/e\"f\\g#fb \} here~=AT&amp;T~=&#233;t&#xE9;}')
    assert [a["text"] for a in gap["accepted"]] == ['a}b#c~d/e"f\\g', "AT&T", "été"]
    assert gap["accepted"][0]["feedback"] == "fb } here"


def test_multiple_response_weights_are_rescaled_as_moodle_does():
    (plain,) = gaps_of("{1:MR:=a~=b~c}")
    assert [c["weight"] for c in plain["choices"]] == [0.5, 0.5, -0.5]
    (given,) = gaps_of("{1:MR:%100%a~%100%b~%-50%c~d}")
    assert [c["weight"] for c in given["choices"]] == [0.5, 0.5, -0.5, 0.0]


def test_text_that_only_looks_like_a_gap_stays_text():
    stem, gaps = parse_embedded("Set {x: y} and {3:note: z} then {1:SA:=ok}")
    assert stem == "Set {x: y} and {3:note: z} then {#1}" and len(gaps) == 1


@pytest.mark.parametrize("text, message, line", [
    ("Fine.\nThen {1:SA:=a~b", "gap 1 is not closed with '}'", 2),
    ("{1:SA:=a}\n\n{1:NUMERICAL:=three}", "gap 2, answer 1: 'three' is not a number", 3),
    ("x\n{1:SHORT:=a}", "gap 1: unknown gap type 'SHORT'", 2),
    ("{1:sa:=a}", "write the gap type in capitals (SA)", 1),
    ("{1:SA:%half%a}", "gap 1: '%half%' is not a percentage", 1),
    ("{1:SA:=a~}", "gap 1, answer 2 is empty", 1),
    ("no gaps at all", "no gaps", 1),
    ("{1:REGEXP:=a.*}", "REGEXP (regular expression) gaps come from a Moodle plugin", 1),
    ("{#1} {1:SA:=a}", "the text holds {#1}", 1),
    ("{1:NM:=1e999}", "gap 1, answer 1: '1e999' is too large a number", 1),
])
def test_bad_syntax_says_what_and_on_which_line(text, message, line):
    with pytest.raises(ClozeError) as err:
        parse_embedded(text)
    assert message in err.value.message
    assert err.value.line_in(text) == line


def test_rules_of_meaning_are_the_canonical_validation():
    stem, gaps = parse_embedded("{1:MULTICHOICE:a~b} {1:SA:%50%half}")
    problems = [str(p) for p in validate({"id": "c", "type": "cloze", "stem": stem, "gaps": gaps})]
    assert problems == [
        "gaps[0].choices: mark at least one choice fully correct (weight 1)",
        "gaps[1].accepted: at least one accepted answer must earn full marks (weight 1)",
    ]
    problems = [str(p) for p in validate({"id": "c", "type": "cloze", "stem": "no marker", "gaps": gaps_of("{1:SA:=a}")})]
    assert problems == ["stem: must mark each gap once, as {#1} to {#1} (found none)"]
    stem, gaps = parse_embedded("{100000:SA:=a} {0:SA:=b}")
    problems = [str(p) for p in validate({"id": "c", "type": "cloze", "stem": stem, "gaps": gaps})]
    assert problems == ["gaps[0].mark: must be a whole number from 0 to 99999"]
    stem, gaps = parse_embedded("{0:SA:=a}")
    problems = [str(p) for p in validate({"id": "c", "type": "cloze", "stem": stem, "gaps": gaps})]
    assert problems == ["gaps: at least one gap needs a mark above 0"]


def test_writing_gives_back_the_same_question():
    text = ("<p>A {2:NUMERICAL:=1932:1#Year~%50%1930:5~*#No}, {1:SHORTANSWER_C:=NaCl~%50%nacl}, "
            r"{1:MULTICHOICE_VS:=a\}b#x \# y~c}, {1:MULTIRESPONSE_H:=p~=q~r} & {1:SA:=AT&amp;T <b>}</p>")
    stem, gaps = parse_embedded(text)
    written = embedded_text(stem, gaps)
    assert parse_embedded(written) == (stem, gaps)
    assert "{2:NUMERICAL:=1932:1#Year~%50%1930:5~*#No}" in written
    assert "{1:MULTIRESPONSE_H:%50%p~%50%q~%-50%r}" in written


def test_hostile_text_is_read_or_refused_with_a_reason():
    # one pass, no backtracking regex: these return at once (a backtracking reader would not)
    assert "not closed" in _error("{1:SA:" + "\\" * 200_000)
    assert "not closed" in _error("{1:SA:=" + "&" * 200_000 + "#")
    assert "is not a number" in _error("{1:NUMERICAL:=" + "1" * 200_000 + "x}")
    assert _error("{1:" * 60_000) == "no gaps: write each one as {1:SHORTANSWER:=answer}, " \
        "{1:NUMERICAL:=3.14:0.01} or {1:MULTICHOICE:=right~wrong}"
    stem, gaps = parse_embedded("{" * 100_000 + "1:SA:=a}")
    assert stem.endswith("{{#1}") and len(gaps) == 1


def _error(text: str) -> str:
    with pytest.raises(ClozeError) as err:
        parse_embedded(text)
    return err.value.message


SAMPLE = (
    "<p>A {2:NUMERICAL:=1932:1#Year~%50%1930:5~*#No}, {1:SHORTANSWER_C:=NaCl~%50%nacl#Case}, "
    r"{1:MULTICHOICE_VS:=a\}b#x \# y~c}, {:MULTIRESPONSE_H:=p~=q~r} & {1:SA:=AT&amp;T#fb~R&amp;\#x}</p>"
)


def test_an_answer_ending_in_an_ampersand_keeps_its_feedback():
    stem, gaps = parse_embedded("{1:SA:=R&amp;\\#x~=AT&#38;#Right}")
    assert [(a["text"], a.get("feedback")) for a in gaps[0]["accepted"]] == [("R&#x", None), ("AT&", "Right")]
    assert parse_embedded(embedded_text(stem, gaps)) == (stem, gaps)


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=st.one_of(st.text(max_size=300), mutated(SAMPLE)))
def test_any_text_is_read_and_written_back_or_refused_with_a_reason(text):
    try:
        stem, gaps = parse_embedded(text)
    except ClozeError as err:
        assert err.message and 1 <= err.line_in(text) <= text.count("\n") + 1
        return
    assert parse_embedded(embedded_text(stem, gaps)) == (stem, gaps)
