"""Grading a cloze answer as Moodle's embedded answers: per gap, weighted by the gaps' marks."""

from __future__ import annotations

import pytest

from quizapp.cloze import parse_embedded
from quizapp.services.scoring import InvalidResponse, correct_answer, grade, grade_gaps

TEXT = ("Bridge of {2:NUMERICAL:=1932:1~%50%1930:5#Close~*#No} over the {1:SHORTANSWER:=Alder~%50%alder river~*river*}; "
        "colour {1:MULTICHOICE:=red#Yes~%-50%blue#No~green}, primes {1:MULTIRESPONSE:=2~=3~4}, "
        "formula {1:SAC:=NaCl}")


def question() -> dict:
    stem, gaps = parse_embedded(TEXT)
    return {"id": "bridge", "type": "cloze", "stem": stem, "gaps": gaps}


def test_all_gaps_right_is_full_marks():
    result = grade(question(), [1932, "Alder", 0, [0, 1], "NaCl"])
    assert result.score == 1.0 and result.correct


def test_each_gap_counts_by_its_mark():
    # the numerical gap is worth 2 of 6 marks: only it right is 2/6
    assert grade(question(), [1932.4, "Elm", 2, [2], "salt"]).score == pytest.approx(2 / 6)
    # only the short answer (1 of 6)
    assert grade(question(), [2000, "alder", None, None, None]).score == pytest.approx(1 / 6)


def test_partial_credit_within_gaps_is_weighted_too():
    # 1930 within 5 earns half of 2 marks; "alder river" half of 1; "*river*" nothing
    result = grade(question(), [1928, "Alder  River", None, [0], None])
    assert result.score == pytest.approx((2 * 0.5 + 1 * 0.5 + 1 * 0.5) / 6)
    assert not result.correct


def test_short_answer_gaps_are_graded_as_short_answers():
    gaps = lambda response: grade_gaps(question(), response)  # noqa: E731
    assert gaps([None, "  ALDER ", None, None, "NaCl"])[1].score == 1.0  # case and spacing, as Moodle
    assert gaps([None, "alder", None, None, "nacl"])[4].score == 0.0  # SHORTANSWER_C: case matters
    assert gaps([None, "big river delta", None, None, None])[1].score == 0.0  # the wildcard answer earns 0


def test_a_penalty_in_one_gap_never_makes_the_question_negative():
    assert grade(question(), [None, None, 1, None, None]).score == 0.0


def test_per_gap_results_carry_the_chosen_feedback():
    results = grade_gaps(question(), [1929, None, 1, [2], None])
    assert [(g.number, g.mark, g.score, g.answered) for g in results] == [
        (1, 2, 0.5, True), (2, 1, 0.0, False), (3, 1, -0.5, True), (4, 1, 0.0, True), (5, 1, 0.0, False)]
    assert [g.feedback for g in results][:3] == ["Close", None, "No"]
    assert correct_answer(question()) == ["(1) 1932 ± 1", "(2) Alder", "(3) red", "(4) 2; 3", "(5) NaCl"]


@pytest.mark.parametrize("response, message", [
    ([None] * 5, "fill in at least one gap"),
    ([1932, "Alder"], "answer the gaps of this question"),
    ([1932, "Alder", 7, None, None], "gap 3: choose one of the offered answers"),
    (["x", None, None, None, None], "gap 1: type a number"),
])
def test_a_response_that_does_not_fit_is_refused(response, message):
    with pytest.raises(InvalidResponse, match=message):
        grade(question(), response)
