"""Files in the style of real course banks (written for quizapp, tests/data/banks/real-world):
a lenient parse imports every question that can be and lists the others with their line (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.formats import FormatError, ParseReport, parse, read_bank

REAL_WORLD = Path(__file__).resolve().parents[1] / "data" / "banks" / "real-world"


def lenient(path: Path) -> tuple[list[dict], ParseReport]:
    report = ParseReport()
    return read_bank(path, report=report), report


def test_moodle_export_imports_the_supported_questions_and_lists_the_others_with_lines():
    questions, report = lenient(REAL_WORLD / "course-export.xml")
    assert [q["title"] for q in questions] == ["River", "Gaps", "Language", "Span", "Ferry"]
    skipped = [(e.line, e.message.split(":")[0]) for e in report.skipped]
    assert skipped == [
        (30, "unsupported question type 'calculated' (calculated)"),
        (34, "the question has no <name> element, which Moodle refuses (an empty <name><text></text></name> is fine)"),
        (38, "unsupported question type 'ddwtos' (drag and drop into text)"),
    ]


def test_the_strict_parse_still_refuses_the_file_at_the_first_bad_question():
    with pytest.raises(FormatError) as err:
        read_bank(REAL_WORLD / "course-export.xml")
    assert err.value.line == 30 and "calculated" in err.value.message


def test_moodle_settings_quizapp_does_not_keep_are_named_per_question():
    questions, report = lenient(REAL_WORLD / "course-export.xml")
    assert [[f["name"] for f in q.get("files", [])] for q in questions if q.get("files")] == [["bridge.png"]]
    by_line: dict[int, list[str]] = {}
    for warning in report.warnings:
        by_line.setdefault(warning.line, []).append(warning.message)
    river = " | ".join(by_line[7])
    for expected in ("defaultgrade 2", "penalty 0.1", "correct feedback", "1 hint(s)", "shuffleanswers off"):
        assert expected in river
    span = " | ".join(by_line[42])
    assert "numerical units (m)" in span and "file" not in span  # its embedded image is kept
    assert 50 not in by_line  # the true/false question has nothing quizapp leaves out


def test_a_gift_question_with_a_syntax_error_is_skipped_with_its_line():
    questions, report = lenient(REAL_WORLD / "teacher-mixed.gift")
    assert [q["title"] for q in questions] == ["Forty two", "Formula", "Twice"]
    assert [(e.line, "not closed" in e.message) for e in report.skipped] == [(10, True)]
    assert all(q["category"] == "$course$/top/Numbers" for q in questions)


def test_distinct_answers_are_not_duplicates_but_identical_ones_are_a_warning():
    questions, report = lenient(REAL_WORLD / "teacher-mixed.gift")
    forty = questions[0]
    assert [a["text"] for a in forty["accepted"]] == ["forty two", "forty-two", "fortytwo"]
    assert [c["text"] for c in questions[1]["choices"]] == ["a^(n-1)", "a^(n+1)", "N * Size", "N / Size"]
    (warning,) = report.warnings
    assert warning.line == 19 and "choices[2]: duplicate choice 'green'" in warning.message
    xml_questions, _ = lenient(REAL_WORLD / "course-export.xml")
    language = xml_questions[2]
    assert [(a["text"], a["weight"]) for a in language["accepted"]] == [("comunicación", 1.0), ("comunicacion", 0.6)]


def test_an_answer_identical_after_moodle_trimming_is_a_duplicate():
    text = "Capital? {=Paris =Paris\t}"
    report = ParseReport()
    (question,) = parse(text, "gift", report=report)
    assert len(question["accepted"]) == 2
    assert [w.message for w in report.warnings] == [
        "question 'capital': accepted[1]: duplicate accepted answer 'Paris' (same as accepted[0])"]


def test_a_file_where_nothing_can_be_imported_returns_nothing_and_lists_everything():
    text = ("<quiz>\n<question type='gapselect'><name><text>a</text></name></question>\n"
            "<question type='calculated'><name><text>b</text></name></question>\n</quiz>")
    report = ParseReport()
    assert parse(text, "xml", "two.xml", report=report) == []
    assert [str(e).split(" (")[0] for e in report.skipped] == [
        "two.xml:2:1: unsupported question type 'gapselect'", "two.xml:3:1: unsupported question type 'calculated'"]


def test_gift_trims_blank_space_at_line_ends_as_moodle_does():
    (question,) = parse("::T:: First line   \n  second line\t{=yes   \n}\n", "gift")
    assert question["stem"] == "First line\nsecond line"
    assert question["accepted"][0]["text"] == "yes"


def test_category_description_is_named_as_not_kept():
    _, report = lenient(REAL_WORLD / "course-export.xml")
    (note,) = [w for w in report.warnings if w.line == 3]
    assert note.message == ("category '$course$/top/Week 1': its description (<info>) not kept; "
                            "quizapp keeps the category path only")
