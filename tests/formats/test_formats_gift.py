"""GIFT: Moodle's documentation examples, writing, and bad input."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from quizapp.formats import DataLossWarning, FormatError, gift, read_bank

BANKS = Path(__file__).parent.parent / "data" / "banks"


@pytest.fixture(scope="module")
def docs() -> dict[str, dict]:
    """Moodle's GIFT documentation examples, by id."""
    return {q["id"]: q for q in read_bank(BANKS / "moodle-docs.gift")}


def test_docs_examples_all_read(docs):
    assert len(docs) == 37
    assert all(q["stem_format"] == "moodle" for q in docs.values() if q["id"] not in ("plain-question", "the-american-holiday-of-thanksgiving-is-celebrated-on-the-th-2"))


def test_docs_true_false(docs):
    q1 = docs["q1"]
    assert (q1["type"], q1["title"], q1["stem"], q1["answer"]) == ("true_false", "Q1", "1+1=2", True)
    # {FALSE#feedback}: the first feedback is for the wrong answer (true)
    q = docs["grant-is-buried-in-grant-s-tomb-2"]
    assert q["answer"] is False
    assert q["feedback_true"] == "No one is buried in Grant's tomb."
    assert "feedback_false" not in q
    plain = docs["plain-question"]
    assert plain["stem_format"] == "plain"
    assert plain["stem"] == "Is x < y when x = 1 and y = 2?"
    assert (plain["feedback_false"], plain["feedback_true"]) == ("Check again.", "Yes: 1 is less than 2.")


def test_docs_multiple_choice_with_feedback(docs):
    q2 = docs["q2"]
    assert q2["type"] == "multiple_choice"
    assert q2["choices"] == [
        {"text": "yellow", "weight": 1.0, "feedback": "right; good!"},
        {"text": "red", "weight": 0.0, "feedback": "wrong, it's yellow"},
        {"text": "blue", "weight": 0.0, "feedback": "wrong, it's yellow"},
    ]
    tomb = docs["grants-tomb"]
    assert tomb["title"] == "Grants tomb"
    assert tomb["choices"][1] == {
        "text": "No one",
        "weight": 0.0,
        "feedback": "Was true for 12 years, but Grant's remains were buried in the tomb in 1897",
    }


def test_docs_weights_are_fractions(docs):
    hometown = docs["jesus-hometown"]
    assert hometown["type"] == "multiple_choice"
    assert [c["weight"] for c in hometown["choices"]] == [0.0, 0.25, 0.5, 1.0]
    assert [c["weight"] for c in docs["difficult-question"]["choices"]] == [0.0, 0.5, 1.0]
    short = docs["jesus-hometown-2"]
    assert short["type"] == "short_answer"
    assert [(a["text"], a["weight"]) for a in short["accepted"]] == [
        ("Nazareth", 1.0),
        ("Nazereth", 0.75),
        ("Bethlehem", 0.25),
    ]


def test_docs_all_tilde_with_weights_is_multiple_response(docs):
    q = docs["what-two-people-are-entombed-in-grant-s-tomb"]
    assert q["type"] == "multiple_response"
    assert [(c["text"], c["weight"]) for c in q["choices"]] == [
        ("No one", -1.0),
        ("Grant", 0.5),
        ("Grant's wife", 0.5),
        ("Grant's father", -1.0),
    ]


def test_docs_missing_word(docs):
    assert docs["grant-is-in-grant-s-tomb"]["stem"] == "Grant is _____ in Grant's tomb."
    assert docs["q3"]["type"] == "short_answer"
    assert docs["q3"]["stem"] == "Two plus _____ equals four."
    assert [a["text"] for a in docs["q3"]["accepted"]] == ["two", "2"]
    assert docs["moodle-costs-to-download-from-moodle-org"]["stem"] == (
        "Moodle costs _____ to download from moodle.org."
    )
    thanksgiving = docs["the-american-holiday-of-thanksgiving-is-celebrated-on-the-th"]
    assert thanksgiving["stem"].endswith("on the _____ Thursday of November.")
    assert [c["text"] for c in thanksgiving["choices"]] == ["second", "third", "fourth"]


def test_docs_matching_with_general_feedback(docs):
    q4 = docs["q4"]
    assert q4["pairs"] == [{"prompt": "cat", "match": "cat food"}, {"prompt": "dog", "match": "dog food"}]
    capitals = docs["match-the-following-countries-with-their-corresponding-capit"]
    assert capitals["type"] == "matching"
    assert capitals["pairs"][1] == {"prompt": "Italy", "match": "Rome"}
    assert capitals["general_feedback"] == "It's good to know the capitals"


def test_docs_numerical(docs):
    assert docs["q5"]["numeric"] == [{"value": 3, "tolerance": 2, "weight": 1.0}]
    # a range is its middle with half its width as tolerance
    assert docs["q6"]["numeric"] == [{"value": 3, "tolerance": 2, "weight": 1.0}]
    pi = docs["what-is-the-value-of-pi-to-3-decimal-places"]
    assert pi["numeric"] == [{"value": 3.1415, "tolerance": 0.0005, "weight": 1.0}]
    assert pi["stem"].endswith("(to 3 decimal places)? _____.")
    assert docs["q7"]["numeric"] == [
        {"value": 1822, "tolerance": 0, "weight": 1.0, "feedback": "Correct! Full credit."},
        {
            "value": 1822,
            "tolerance": 2,
            "weight": 0.5,
            "feedback": "He was born in 1822. Half credit for being close.",
        },
    ]


def test_docs_essay_description_category_tags_and_formats(docs):
    assert docs["q8"]["type"] == "essay"
    essay = docs["hammarskjold-essay"]
    assert essay["type"] == "essay"
    assert essay["tags"] == ["history", "un"]
    assert essay["category"] == "tom/dick/harry"
    assert "category" not in docs["q8"]
    desc = docs["you-can-use-your-pencil-and-paper-for-these-next-math-questi"]
    assert desc["type"] == "description"
    md = docs["the-american-holiday-of-thanksgiving-is-celebrated-on-the-th-2"]
    assert md["stem_format"] == "markdown"
    assert md["stem"].startswith("The *American holiday of Thanksgiving*")
    general = docs["what-s-2-2"]
    assert general["general_feedback"] == "Two and two make four."
    assert general["type"] == "short_answer"


def test_docs_escapes(docs):
    control = docs["gift-control-characters"]
    assert [c["text"] for c in control["choices"]] == ["~", "=", "#", "{", "}", "\\"]
    assert control["choices"][5]["weight"] == 1.0
    assert control["choices"][0]["feedback"] == "~ is a control character."
    assert [c["text"] for c in docs["which-answer-equals-5"]["choices"]] == ["= 2 + 2", "= 2 + 3", "= 2 + 4"]
    assert docs["the-capital-of-france-is"]["accepted"][0]["feedback"] == "Right\nwell done"


def test_docs_examples_round_trip(docs):
    questions = list(docs.values())
    text, lost = gift.serialize_with_warnings(questions)
    assert lost == []
    assert gift.parse(text) == questions


# -- writing ------------------------------------------------------------------


def mc(**extra) -> dict:
    question = {
        "id": "q1",
        "type": "multiple_choice",
        "stem": "Who?",
        "choices": [{"text": "A", "weight": 1.0}, {"text": "B", "weight": 0.0}],
    }
    question.update(extra)
    return question


def test_writer_layout():
    text = gift.serialize([mc(title="Who said it", tags=["quotes"], stem_format="moodle")])
    assert text == "// [id:q1] [tag:quotes]\n::Who said it:: Who? {\n\t=A\n\t~B\n}\n\n"


def test_writer_marks_plain_text_and_escapes():
    question = mc(stem="Is 1+1=2 {really}? #yes: ~no \\ ok")
    text = gift.serialize([question])
    assert "[plain]Is 1+1\\=2 \\{really\\}? \\#yes\\: \\~no \\\\ ok {" in text
    assert gift.parse(text)[0]["stem"] == question["stem"]


def test_writer_multiple_choice_without_full_marks_keeps_an_equal_sign():
    question = mc(type="multiple_choice", choices=[{"text": "A", "weight": 1.0}, {"text": "B", "weight": 1.0}])
    text = gift.serialize([question])
    assert "=A" in text and "~%100%B" in text
    assert gift.parse(text)[0]["type"] == "multiple_choice"


def test_writer_guards_literal_percent_and_format_prefix_in_answers():
    question = mc(choices=[{"text": "%50% off", "weight": 0.0}, {"text": "[html]<b>x</b>", "weight": 1.0}])
    back = gift.parse(gift.serialize([question]))[0]
    assert [c["text"] for c in back["choices"]] == ["%50% off", "[html]<b>x</b>"]
    assert [c["weight"] for c in back["choices"]] == [0.0, 1.0]


def test_lossy_fields_warn():
    questions = [
        mc(fact={"kind": "quote"}, source={"article": "seeds/a.txt"}, status="published"),
        {"id": "q2", "type": "ordering", "stem": "Order", "items": ["a", "b"]},
        {"id": "q3", "type": "description", "stem": "Intro", "general_feedback": "gf"},
    ]
    text, lost = gift.serialize_with_warnings(questions)
    assert lost == [
        "q1: GIFT cannot carry 'fact'; left out",
        "q1: GIFT cannot carry 'source'; left out",
        "q1: GIFT cannot carry status 'published'; imports as draft",
        "q2: GIFT has no ordering questions; question left out",
        "q3: GIFT descriptions cannot carry general feedback; left out",
    ]
    assert "Order" not in text
    with pytest.warns(DataLossWarning) as record:
        assert gift.serialize(questions) == text
    assert [str(w.message) for w in record] == lost


def test_serialize_without_loss_issues_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gift.serialize([mc(stem_format="html", status="draft")])


def test_uncategorized_questions_are_written_first_so_none_inherits_a_category():
    # issue 15, point 9: exporting a bank and importing it back changed 47 questions' category
    questions = [mc(category="A"), mc(id="q2", category="B"), mc(id="q3"), mc(id="q4", category="A")]
    text, lost = gift.serialize_with_warnings(questions)
    assert text.count("$CATEGORY: ") == 2 and lost == []
    assert [(q["id"], q.get("category")) for q in gift.parse(text)] == [
        ("q3", None), ("q1", "A"), ("q4", "A"), ("q2", "B")]


def test_numeric_any_other_answer():
    question = {
        "id": "n",
        "type": "numerical",
        "stem": "How many?",
        "numeric": [
            {"value": -2.5, "tolerance": 0.5, "weight": 1.0},
            {"value": None, "weight": 0.0, "feedback": "Think negative."},
        ],
    }
    text = gift.serialize([question])
    assert "=-2.5:0.5" in text and "~#Think negative." in text
    assert gift.parse(text)[0]["numeric"] == [
        {"value": -2.5, "tolerance": 0.5, "weight": 1.0},
        {"value": None, "weight": 0.0, "feedback": "Think negative."},
    ]


def test_generated_ids_are_unique_and_avoid_given_ids():
    text = "Who? {=a ~b}\n\n// [id:who]\nWho else? {=c ~d}\n\nWho? {=e ~f}\n"
    assert [q["id"] for q in gift.parse(text)] == ["who-2", "who", "who-3"]


def test_moodle_id_numbers_become_slugs():
    assert gift.parse("// [id:Q 1]\nWho? {=a ~b}")[0]["id"] == "q-1"


# -- bad input ----------------------------------------------------------------


def gift_error(text: str) -> FormatError:
    with pytest.raises(FormatError) as info:
        gift.parse(text, source="bank.gift")
    return info.value


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("// c\n\nWho? {=a ~b\n", 3, "'{' is not closed with '}'"),
        ("Q1 {T}\n\n// note\nWho? =a ~b}\n", 4, "'}' without '{'"),
        ("Who?\n{=a {~b}\n", 2, "'{' inside an answer block"),
        ("Who? {=a ~b} and {=c ~d}\n", 1, "more than one answer block"),
        ("::Title Who? {=a ~b}\n", 1, "the title is not closed with '::'"),
        ("Q {T}\n\nHow many?\n{#three}\n", 4, "numerical answer 'three' is not a number"),
        ("Who? {a ~b =c}\n", 1, "each answer must start with '='"),
        ("Match {=a -> b =c}\n", 1, "matching pair 'c' has no '->'"),
        ("Who? {=a ~%abc%b}\n", 1, "bad weight 'abc'"),
        ("How many? {#}\n", 1, "needs at least one answer"),
    ],
)
def test_syntax_errors_have_lines(text, line, message):
    err = gift_error(text)
    assert err.line == line, str(err)
    assert message in err.message
    assert str(err).startswith(f"bank.gift:{line}: ")


def test_bad_weight_out_of_range():
    err = gift_error("Q {T}\n\nWho?\n{~%150%a =b}\n")
    assert err.line == 3
    assert "choices[0].weight: must be a number between -1 and 1" in err.message


def test_multiple_choice_without_full_marks_is_invalid():
    err = gift_error("Who? {=%50%a ~b}")
    assert "mark at least one choice fully correct" in err.message


def test_duplicate_ids():
    err = gift_error("// [id:x]\nWho? {=a ~b}\n\n\n// [id:x]\nWhat? {T}\n")
    assert err.line == 6 and err.message == "question 'x': id: used twice (first at line 2)"


def test_comments_only_is_no_questions():
    assert gift_error("// nothing here\n\n// at all\n").message == "no questions"
