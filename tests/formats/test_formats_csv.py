"""CSV banks: columns, spreadsheet safety, bad input."""

from __future__ import annotations

import csv
import io

import pytest

from quizapp.formats import FormatError, csv_bank


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def test_writer_columns_and_values():
    questions = [
        {
            "id": "q1",
            "type": "multiple_response",
            "stem": "Which?",
            "choices": [
                {"text": "A", "weight": 0.5},
                {"text": "B", "weight": 0.5, "feedback": "Yes"},
                {"text": "C", "weight": -0.5},
            ],
            "tags": ["x", "y"],
            "source": {"article": "seeds/a.txt", "start": 3, "end": 9},
        },
        {"id": "q2", "type": "true_false", "stem": "True?", "answer": False, "feedback_true": "No."},
    ]
    text = csv_bank.serialize(questions)
    assert text.startswith("\ufeffid,type,title,stem,stem_format,correct,")
    first, second = rows(text)
    assert (first["answer_3"], first["weight_3"], first["feedback_2"]) == ("C", "-0.5", "Yes")
    assert (first["tags"], first["source_start"], first["source_end"]) == ("x; y", "3", "9")
    assert (second["correct"], second["feedback_true"], second["answer_1"]) == ("false", "No.", "")
    assert "tolerance_1" not in first and "match_1" not in first
    assert csv_bank.parse(text) == questions


def test_formula_cells_are_guarded_but_numbers_are_not():
    question = {
        "id": "q",
        "type": "multiple_choice",
        "stem": "=HYPERLINK(\"http://evil\")",
        "title": "@SUM(A1)",
        "choices": [
            {"text": "+1", "weight": 1.0, "feedback": "-fine"},
            {"text": "'=already quoted", "weight": -0.5},
            {"text": "'plain apostrophe", "weight": 0},
        ],
    }
    text = csv_bank.serialize([question])
    row = rows(text)[0]
    assert row["stem"] == "'=HYPERLINK(\"http://evil\")"
    assert row["title"] == "'@SUM(A1)"
    assert (row["answer_1"], row["feedback_1"]) == ("'+1", "'-fine")
    assert row["answer_2"] == "''=already quoted"
    assert row["answer_3"] == "'plain apostrophe"
    assert row["weight_2"] == "-0.5"  # a number, not guarded
    assert csv_bank.parse(text)[0] == question


def test_guard_and_unguard_are_inverse():
    for text in ["=1", "+", "-0.5 text", "@x", "\tx", "'=x", "''=x", "'x", "plain", "", "'"]:
        assert csv_bank.unguard(csv_bank.guard(text)) == text
        assert not csv_bank.guard(text).startswith(("=", "+", "-", "@"))


def test_reader_accepts_a_hand_written_sheet():
    text = (
        "type,id,stem,answer_1,weight_1,tolerance_1,answer_2,weight_2,feedback_2\n"
        "numerical,n,How many?,12,,0.5,*,,Count again.\n"
        "\n"
        "short_answer,s,Who?,Grant,,,U. S. Grant,50%,Close.\n"
        "ordering,o,Order them,first,,,second,,\n"
    )
    n, s, o = csv_bank.parse(text)
    assert n["numeric"] == [
        {"value": 12, "tolerance": 0.5, "weight": 1.0},
        {"value": None, "weight": 0.0, "feedback": "Count again."},
    ]
    assert s["accepted"] == [
        {"text": "Grant", "weight": 1.0},
        {"text": "U. S. Grant", "weight": 0.5, "feedback": "Close."},
    ]
    assert o["items"] == ["first", "second"]


def test_matching_columns():
    text = "id,type,stem,answer_1,match_1,answer_2,match_2,answer_3,match_3\nm,matching,Match,a,1,b,2,,3\n"
    assert csv_bank.parse(text)[0]["pairs"] == [
        {"prompt": "a", "match": "1"},
        {"prompt": "b", "match": "2"},
        {"match": "3"},
    ]


def csv_error(text: str) -> FormatError:
    with pytest.raises(FormatError) as info:
        csv_bank.parse(text, source="bank.csv")
    return info.value


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", None, "no questions"),
        ("id,type,stem\n", None, "no questions"),
        ("id,type,stem,colour\n", 1, "unknown column 'colour' (column 4)"),
        ("id,type,id\n", 1, "column 'id' appears twice"),
        ("id,stem\nq,x\n", 1, "missing column 'type'"),
        ("id,type,stem\nq1,essay,Why?\nq2,essay,How?,extra\n", 3, "4 cells but only 3 columns"),
        ("id,type,stem,correct\nq,true_false,T?,maybe\n", 2, "correct: 'maybe' is not true or false"),
        ("id,type,stem,correct\nq,essay,Why?,true\n", 2, "correct: only true/false questions"),
        ("id,type,stem,answer_1,weight_1\nq,multiple_choice,Q?,a,lots\n", 2, "weight_1: 'lots' is not a number"),
        ("id,type,stem,answer_1,match_1\nq,multiple_choice,Q?,a,b\n", 2, "match_1: a multiple choice question has no match cells"),
        ("id,type,stem,answer_1\nq,numerical,N?,ten\n", 2, "answer_1: 'ten' is not a number"),
        ("id,type,stem,fact\nq,essay,Why?,{kind: quote}\n", 2, "fact: not a JSON object"),
        ("id,type,stem\nq,calculated,Why?\n", 2, "type: must be one of"),
        ("id,type,stem,answer_1,weight_1,answer_2,weight_2\nq,multiple_choice,\"Q\nmultiline\",a,2,b,0\n", 2, "choices[0].weight"),
        ("id,type,stem\nq,essay,\"Why\n\nq,essay,How?\n", 2, "invalid CSV: unexpected end of data"),
        ("id,type,stem\nq1,essay,Why?\n\"q1\",essay,\"How\nnow?\"\nq1,essay,Again\n", 3, "id: used twice (first at line 2)"),
    ],
)
def test_bad_csv_is_located(text, line, message):
    err = csv_error(text)
    assert err.line == line, str(err)
    assert message in err.message


def test_tag_with_separator_warns():
    question = {"id": "q", "type": "essay", "stem": "Why?", "tags": ["a;b", "c"]}
    text, lost = csv_bank.serialize_with_warnings([question])
    assert lost == ["q: a CSV tag cannot hold ';'; tag 'a;b' left out"]
    assert csv_bank.parse(text)[0]["tags"] == ["c"]
