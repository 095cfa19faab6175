"""Moodle XML: documentation examples, writing, unsafe and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.formats import FormatError, moodle_xml, read_bank

BANKS = Path(__file__).parent.parent / "data" / "banks"


@pytest.fixture(scope="module")
def docs() -> dict[str, dict]:
    return {q["id"]: q for q in read_bank(BANKS / "moodle-docs.xml")}


def test_docs_types_and_categories(docs):
    assert [(q["id"], q["type"]) for q in docs.values()] == [
        ("name-of-question", "multiple_choice"),
        ("primes", "multiple_response"),
        ("true-or-false", "true_false"),
        ("short-answer", "short_answer"),
        ("numerical", "numerical"),
        ("numerical-with-tolerance", "numerical"),
        ("matching", "matching"),
        ("essay", "essay"),
        ("description", "description"),
        ("ordering", "ordering"),
    ]
    assert docs["essay"]["category"] == "$course$/top/Examples"
    assert docs["ordering"]["category"] == "$course$/top/Examples/Ordering"


def test_docs_multichoice_weights_and_feedback(docs):
    q = docs["name-of-question"]
    assert q["title"] == "Name of question"
    assert q["stem_format"] == "html"
    assert q["choices"][0] == {"text": "The correct answer", "weight": 1.0, "feedback": "Correct!"}
    assert q["choices"][1] == {"text": "A distractor", "weight": 0.0, "feedback": "Ooops!"}
    primes = docs["primes"]
    assert [c["weight"] for c in primes["choices"]] == [0.5, 0.5, -1.0]
    assert primes["choices"][2]["feedback"] == "4 = 2 × 2"
    assert primes["stem"] == "<p>Which of these are <b>prime</b>?</p>"  # CDATA kept as HTML
    assert primes["general_feedback"] == "<p>2 and 3 are prime; 4 is not.</p>"
    assert primes["tags"] == ["maths", "primes"]


def test_docs_truefalse_shortanswer(docs):
    tf = docs["true-or-false"]
    assert (tf["answer"], tf["feedback_true"], tf["feedback_false"]) == (True, "Correct!", "Ooops!")
    assert tf["stem_format"] == "moodle"
    short = docs["short-answer"]
    assert short["stem_format"] == "plain"
    assert [(a["text"], a["weight"]) for a in short["accepted"]] == [
        ("The correct answer", 1.0),
        ("An alternative answer", 1.0),
    ]


def test_docs_numerical_with_any_other_answer(docs):
    assert docs["numerical"]["numeric"] == [{"value": 23, "tolerance": 0, "weight": 1.0, "feedback": "Feedback"}]
    assert docs["numerical-with-tolerance"]["numeric"] == [
        {"value": 3.14, "tolerance": 0.005, "weight": 1.0, "feedback": "Right."},
        {"value": 3.1, "tolerance": 0.05, "weight": 0.5},
        {"value": None, "weight": 0.0, "feedback": "Pi is a little more than three."},
    ]


def test_docs_matching_ordering_description(docs):
    pairs = docs["matching"]["pairs"]
    assert pairs[0] == {
        "prompt": "This is the 1st item in the 1st pair.",
        "match": "This is the 2nd item in the 1st pair.",
    }
    assert pairs[2] == {"match": "A wrong match."}  # empty subquestion: extra wrong match
    assert docs["ordering"]["items"] == ["Mercury", "Venus", "Earth"]  # by fraction
    assert docs["description"]["stem"] == "<p>The next questions are about <i>numbers</i> &amp; words.</p>"


def test_docs_round_trip(docs):
    questions = list(docs.values())
    text, lost = moodle_xml.serialize_with_warnings(questions)
    assert lost == []
    assert moodle_xml.parse(text) == questions


def test_text_without_format_attribute_is_html():
    text = """<quiz><question type="essay"><name><text/></name><questiontext><text>Why?</text></questiontext></question></quiz>"""
    assert moodle_xml.parse(text)[0]["stem_format"] == "html"


def test_writer_uses_cdata_for_markup_only():
    question = {"id": "q", "type": "essay", "stem": "<p>a ]]> b</p>", "stem_format": "html", "title": "x & y"}
    text = moodle_xml.serialize([question])
    assert "<text><![CDATA[<p>a ]]]]><![CDATA[> b</p>]]></text>" in text
    assert "<text><![CDATA[x & y]]></text>" in text
    assert "<idnumber>q</idnumber>" in text and "<text></text>" in text
    assert moodle_xml.parse(text)[0]["stem"] == "<p>a ]]> b</p>"


def test_lossy_fields_warn():
    question = {
        "id": "q",
        "type": "essay",
        "stem": "Why?",
        "fact": {"kind": "quote"},
        "status": "retired",
    }
    _, lost = moodle_xml.serialize_with_warnings([question])
    assert lost == [
        "q: Moodle XML cannot carry 'fact'; left out",
        "q: Moodle XML cannot carry status 'retired'; imports as draft",
    ]


def test_control_characters_are_replaced_with_a_warning():
    question = {"id": "q", "type": "essay", "stem": "bell\x07"}
    text, lost = moodle_xml.serialize_with_warnings([question])
    assert lost == ["q: control characters XML cannot hold were replaced by U+FFFD"]
    assert moodle_xml.parse(text)[0]["stem"] == "bell\ufffd"


# -- unsafe and bad input ---------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<quiz><question type="essay"><questiontext><text>&lol9;</text></questiontext></question></quiz>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<quiz><question type="essay"><questiontext><text>&secret;</text></questiontext></question></quiz>
"""


@pytest.mark.parametrize("text", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
def test_unsafe_xml_is_refused(tmp_path, text):
    path = tmp_path / "evil.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FormatError) as info:
        read_bank(path)
    err = info.value
    assert err.line == 2 and err.column == 1
    assert "unsafe XML: DOCTYPE and entity declarations are not allowed" in err.message
    assert err.source == str(path)


def xml_error(text: str) -> FormatError:
    with pytest.raises(FormatError) as info:
        moodle_xml.parse(text, source="bank.xml")
    return info.value


def test_malformed_xml_has_line_and_column():
    err = xml_error("<quiz>\n  <question type='essay'>\n    <questiontext><text>Why?</questiontext>\n</quiz>")
    assert err.line == 3 and err.column is not None
    assert err.message.startswith("invalid XML: mismatched tag")


def test_undefined_entity_is_an_error():
    err = xml_error("<quiz>\n<question type='essay'><questiontext><text>&nbsp;</text></questiontext></question></quiz>")
    assert err.line == 2 and "undefined entity" in err.message


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("<questions/>", 1, "expected <quiz> as the root element, found <questions>"),
        ("<quiz>\n  <item/>\n</quiz>", 2, "unexpected <item> in <quiz>"),
        ("<quiz>\n\n  <question type='calculated'/>\n</quiz>", 3, "unsupported question type 'calculated'"),
        ("<quiz>\n  <question type='essay'>\n    <questiontext format='wiki'><text>x</text></questiontext>\n  </question>\n</quiz>", 3, "unknown text format 'wiki'"),
        ("<quiz>\n  <question type='multichoice'><questiontext><text>Q</text></questiontext>\n    <answer fraction='lots'><text>a</text></answer>\n  </question>\n</quiz>", 3, "bad fraction 'lots'"),
        ("<quiz>\n  <question type='numerical'><questiontext><text>Q</text></questiontext>\n    <answer fraction='100'><text>twelve</text></answer>\n  </question>\n</quiz>", 3, "numerical answer 'twelve' is not a number"),
        ("<quiz>\n  <question type='truefalse'><questiontext><text>Q</text></questiontext></question>\n</quiz>", 2, "needs two answers"),
        ("<quiz/>", None, "no questions"),
    ],
)
def test_bad_input_is_located(text, line, message):
    err = xml_error(text)
    assert err.line == line
    assert message in err.message


def test_bad_weight_and_duplicate_id_are_located():
    bad_weight = (
        "<quiz>\n  <question type='multichoice'><name><text>N</text></name>\n    <questiontext><text>Q</text></questiontext>\n"
        "    <answer fraction='150'><text>a</text></answer><answer fraction='0'><text>b</text></answer>\n"
        "  </question>\n</quiz>"
    )
    err = xml_error(bad_weight)
    assert (err.line, err.column) == (2, 3)
    assert "choices[0].weight: must be a number between -1 and 1" in err.message
    duplicate = (
        "<quiz>\n<question type='essay'><name/><idnumber>e</idnumber><questiontext><text>A</text></questiontext></question>\n"
        "<question type='essay'><name/><idnumber>e</idnumber><questiontext><text>B</text></questiontext></question>\n</quiz>"
    )
    err = xml_error(duplicate)
    assert err.line == 3 and err.message == "question 'e': id: used twice (first at line 2)"
