"""Every scoring rule of DESIGN.md, on canonical questions (no app needed)."""

import pytest

from quizapp.services.scoring import InvalidResponse, correct_answer, grade

MC = {"id": "mc", "type": "multiple_choice", "stem": "Who?", "choices": [
    {"text": "Ministry of Defence", "weight": 1.0, "feedback": "Yes, the MOD."},
    {"text": "Half right", "weight": 0.5},
    {"text": "ISW", "weight": 0.0, "feedback": "No, the ISW wrote other reports."},
    {"text": "Penalised", "weight": -0.5},
]}
MR = {"id": "mr", "type": "multiple_response", "stem": "Which?", "choices": [
    {"text": "A", "weight": 0.5}, {"text": "B", "weight": 0.5},
    {"text": "C", "weight": -1.0}, {"text": "D", "weight": 0.0},
]}
SA = {"id": "sa", "type": "short_answer", "stem": "Which ministry?", "accepted": [
    {"text": "Ministry of Defence", "weight": 1.0},
    {"text": "MOD", "weight": 1.0},
    {"text": "British Ministry of Defense", "weight": 1.0},
    {"text": "Defence", "weight": 0.5, "feedback": "Which ministry of defence?"},
]}


def test_multiple_choice_earns_the_chosen_weight():
    assert grade(MC, 0).score == 1.0 and grade(MC, 0).correct
    assert grade(MC, 0).feedback == "Yes, the MOD."
    assert grade(MC, 1).score == 0.5 and not grade(MC, 1).correct
    assert grade(MC, 2).score == 0.0 and grade(MC, 2).feedback.startswith("No")
    assert grade(MC, 3).score == -0.5


@pytest.mark.parametrize(("chosen", "score"), [
    ([0, 1], 1.0), ([0], 0.5), ([0, 1, 3], 1.0), ([0, 1, 2], 0.0), ([2], 0.0), ([1, 3], 0.5),
])
def test_multiple_response_sums_weights_clamped_to_0_1(chosen, score):
    result = grade(MR, chosen)
    assert result.score == pytest.approx(score)
    assert result.correct == (score == 1.0)


def test_true_false_with_feedback():
    q = {"id": "tf", "type": "true_false", "stem": "The MOD wrote it.", "answer": True,
         "feedback_true": "Right", "feedback_false": "It did"}
    assert grade(q, True).score == 1.0 and grade(q, True).feedback == "Right"
    assert grade(q, False).score == 0.0 and grade(q, False).feedback == "It did"


@pytest.mark.parametrize("typed", [
    "Ministry of Defence", "ministry of defence", "  MINISTRY   of defence ", "mod", "MOD",
    "British Ministry of Defense",
])
def test_short_answer_matches_every_accepted_form_ignoring_case_and_spacing(typed):
    assert grade(SA, typed).score == 1.0


@pytest.mark.parametrize("typed", [
    # issue 15: as in Moodle, nothing but case and blank space is folded; such forms are
    # separate accepted answers when they should count
    "Ministry of Defence.", "M.O.D.", "the Ministry of Defence", "Ministry of Défence",
])
def test_short_answer_does_not_fold_punctuation_articles_or_accents(typed):
    assert grade(SA, typed).score == 0.0


def test_short_answer_partial_and_wrong():
    assert grade(SA, "defence").score == 0.5
    assert grade(SA, "defence").feedback == "Which ministry of defence?"
    assert grade(SA, "Pentagon").score == 0.0
    assert grade(SA, "Ministry").score == 0.0  # no prefix matching


def test_short_answer_wildcard():
    q = {"id": "w", "type": "short_answer", "stem": "?", "accepted": [{"text": "Institute * War", "weight": 1.0}]}
    assert grade(q, "Institute for the Study of War").correct
    assert not grade(q, "Institute of Peace").correct


def test_numerical_tolerance_and_any_other_answer():
    q = {"id": "n", "type": "numerical", "stem": "?", "numeric": [
        {"value": 3.0, "tolerance": 0.5, "weight": 1.0},
        {"value": 10.0, "tolerance": 0, "weight": 0.5},
        {"value": None, "weight": 0.0, "feedback": "Read again"},
    ]}
    assert grade(q, 3.4).score == 1.0
    assert grade(q, 10).score == 0.5
    wrong = grade(q, 7)
    assert wrong.score == 0.0 and wrong.feedback == "Read again"


def test_matching_gives_partial_credit_per_pair():
    q = {"id": "m", "type": "matching", "stem": "Match", "pairs": [
        {"prompt": "q1", "match": "MOD"}, {"prompt": "q2", "match": "ISW"},
        {"prompt": "q3", "match": "MOD"}, {"prompt": "q4", "match": "Lukashenko"},
    ]}
    assert grade(q, ["MOD", "ISW", "MOD", "Lukashenko"]).score == 1.0
    assert grade(q, ["MOD", "MOD", "MOD", "Lukashenko"]).score == 0.75
    assert grade(q, ["ISW", "MOD", "Lukashenko", "MOD"]).score == 0.0
    with pytest.raises(InvalidResponse):
        grade(q, ["MOD", "ISW", "MOD", "Putin"])  # not an offered match


def test_ordering_gives_partial_credit_per_position():
    q = {"id": "o", "type": "ordering", "stem": "Order", "items": ["a", "b", "c", "d"]}
    assert grade(q, ["a", "b", "c", "d"]).score == 1.0
    assert grade(q, ["a", "b", "d", "c"]).score == 0.5
    assert grade(q, ["d", "c", "b", "a"]).score == 0.0
    with pytest.raises(InvalidResponse):
        grade(q, ["a", "a", "b", "c"])


@pytest.mark.parametrize(("question", "response"), [
    (MC, 7), (MC, -1), (MC, "0"), (MC, True), (MR, []), (MR, [0, 9]),
    (SA, ""), (SA, 3), ({"id": "t", "type": "true_false", "stem": "?", "answer": True}, "yes"),
])
def test_responses_that_do_not_fit_are_rejected(question, response):
    with pytest.raises(InvalidResponse):
        grade(question, response)


def test_essay_waits_for_a_teacher():
    q = {"id": "e", "type": "essay", "stem": "Discuss."}
    assert grade(q, "An answer").score is None


def test_correct_answer_lines():
    assert correct_answer(MC) == ["Ministry of Defence"]
    assert correct_answer(MR) == ["A", "B"]
    assert correct_answer(SA)[0] == "Ministry of Defence"
    assert "MOD" in correct_answer(SA)[1]
