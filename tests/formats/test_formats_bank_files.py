"""YAML and JSON bank files, the registry and read_bank()."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp import formats
from quizapp.formats import FormatError, format_for, get_format, parse, read_bank, serialize

BANKS = Path(__file__).parent.parent / "data" / "banks"

MINIMAL_YAML = """\
questions:
  - id: q1
    type: multiple_choice
    stem: Who said it?
    choices:
      - {text: Lukashenko, weight: 1}
      - {text: Peskov, weight: 0}
  - id: q2
    type: true_false
    stem: Minsk is the capital.
    answer: true
"""


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def error_of(tmp_path: Path, name: str, content: str | bytes) -> FormatError:
    with pytest.raises(FormatError) as info:
        read_bank(write(tmp_path, name, content))
    return info.value


# -- FormatError -------------------------------------------------------------


def test_format_error_str_and_attributes():
    err = FormatError("bad weight", "bank.yaml", 12, 5)
    assert (err.source, err.line, err.column, err.message) == ("bank.yaml", 12, 5, "bad weight")
    assert str(err) == "bank.yaml:12:5: bad weight"
    assert str(FormatError("no questions", "b.csv")) == "b.csv: no questions"
    assert str(FormatError("x", "b.csv", 3)) == "b.csv:3: x"
    assert str(FormatError("x")) == "x"
    assert isinstance(err, ValueError)


# -- registry ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("a.yaml", "yaml"),
        ("a.YML", "yaml"),
        ("dir.v2/a.json", "json"),
        ("a.gift", "gift"),
        ("a.txt", "gift"),
        ("a.xml", "xml"),
        ("a.csv", "csv"),
    ],
)
def test_format_for_extensions(path, name):
    assert format_for(path) == name
    assert name in formats.FORMATS


def test_format_for_unknown_extension_names_the_file():
    with pytest.raises(FormatError) as info:
        format_for("bank.docx")
    assert str(info.value).startswith("bank.docx: cannot tell the bank format")


def test_get_format_by_alias_and_extension():
    assert get_format("yml") is get_format(".yaml") is formats.FORMATS["yaml"]
    assert get_format("moodle") is get_format("moodle_xml") is formats.FORMATS["xml"]
    with pytest.raises(FormatError, match="unknown bank format 'docx'"):
        get_format("docx")


def test_every_format_module_has_the_interface():
    for name, module in formats.FORMATS.items():
        assert module.NAME == name
        for attr in ("parse", "serialize", "serialize_with_warnings", "EXTENSIONS"):
            assert hasattr(module, attr), (name, attr)


# -- reading the sample bank -------------------------------------------------


def test_sample_bank_reads_every_type():
    questions = read_bank(BANKS / "sample.yaml")
    types = [q["type"] for q in questions]
    assert types == [
        "multiple_choice",
        "multiple_response",
        "true_false",
        "short_answer",
        "numerical",
        "matching",
        "ordering",
        "essay",
        "description",
    ]
    first = questions[0]
    # the top-level article fills source.article; dates stay ISO text
    assert first["source"] == {
        "article": "seeds/belarus-trainers.txt",
        "sentence": "Belarus would not send troops, he said.",
        "start": 120,
        "end": 160,
    }
    assert first["fact"]["value"] == "2022-12-11"
    assert all(q["source"]["article"] == "seeds/belarus-trainers.txt" for q in questions)
    numeric = questions[4]["numeric"]
    assert numeric[2]["value"] is None and numeric[2]["weight"] == 0
    assert questions[7]["stem"].endswith("in your answer.\n")


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_sample_bank_round_trips_exactly(fmt):
    questions = read_bank(BANKS / "sample.yaml")
    text = serialize(questions, fmt)
    assert parse(text, fmt, f"out.{fmt}") == [formats.ordered(q) for q in questions]


def test_yaml_writer_is_readable_block_style():
    questions = read_bank(BANKS / "sample.yaml")
    text = serialize(questions, "yaml")
    assert text.startswith("questions:\n  - id: belarus-who-said\n    type: multiple_choice\n")
    assert "    stem: |\n      Why might Belarus host Russian trainers?\n" in text
    assert "title: Who said it\n" in text
    # canonical key order and None values omitted
    first = text.split("  - id: belarus-which-orgs")[0]
    keys = [line.split(":")[0].strip() for line in first.splitlines() if line.startswith("    ") and not line.startswith("     ")]
    assert keys == ["type", "title", "stem", "choices", "tags", "fact", "source", "status"]
    assert "null" not in first


def test_yaml_writer_keeps_unicode_and_any_other_answer():
    question = {
        "id": "q",
        "type": "numerical",
        "stem": "Combien — «vraiment»?",
        "title": None,
        "numeric": [{"value": 3.5, "tolerance": 0.5, "weight": 1.0, "feedback": None}, {"value": None, "weight": 0, "feedback": "Non."}],
    }
    text = serialize([question], "yaml")
    assert "Combien — «vraiment»?" in text
    assert "value: null" in text and "title" not in text and "feedback: null" not in text
    assert parse(text, "yaml") == [formats.ordered(question)]


def test_yaml_and_json_accept_a_top_level_list():
    yaml_list = "- {id: q1, type: essay, stem: 'Why?'}\n"
    assert parse(yaml_list, "yaml") == [{"id": "q1", "type": "essay", "stem": "Why?"}]
    json_list = '[{"id": "q1", "type": "essay", "stem": "Why?"}]'
    assert parse(json_list, "json") == [{"id": "q1", "type": "essay", "stem": "Why?"}]


def test_article_metadata_does_not_override_a_given_article():
    text = (
        "article: seeds/a.txt\nquestions:\n"
        "  - {id: q1, type: essay, stem: 'Why?', source: {article: seeds/b.txt}}\n"
        "  - {id: q2, type: essay, stem: 'How?', source: {sentence: It was so.}}\n"
    )
    q1, q2 = parse(text, "yaml")
    assert q1["source"] == {"article": "seeds/b.txt"}
    assert q2["source"] == {"article": "seeds/a.txt", "sentence": "It was so."}


def test_json_article_metadata():
    text = '{"article": "seeds/a.txt", "questions": [{"id": "q1", "type": "essay", "stem": "Why?"}]}'
    assert parse(text, "json")[0]["source"] == {"article": "seeds/a.txt"}


def test_yaml_is_safe_only(tmp_path):
    err = error_of(tmp_path, "evil.yaml", "- !!python/object/apply:os.system ['echo hi']\n")
    assert err.line == 1
    assert "invalid YAML" in err.message


# -- bad files: located errors -----------------------------------------------


def test_yaml_schema_problem_names_file_line_and_field(tmp_path):
    text = MINIMAL_YAML.replace("{text: Lukashenko, weight: 1}", "{text: Lukashenko, weight: 2}")
    err = error_of(tmp_path, "bank.yaml", text)
    assert (err.line, err.column) == (2, 5)
    assert str(err) == (
        f"{tmp_path / 'bank.yaml'}:2:5: question 'q1': choices[0].weight: must be a number between -1 and 1"
    )


def test_yaml_unknown_question_type(tmp_path):
    err = error_of(tmp_path, "bank.yaml", MINIMAL_YAML.replace("type: true_false", "type: calculated"))
    assert err.line == 8
    assert "question 'q2': type: must be one of multiple_choice" in err.message


def test_yaml_bad_weight_type(tmp_path):
    err = error_of(tmp_path, "bank.yml", MINIMAL_YAML.replace("weight: 0}", "weight: lots}"))
    assert err.line == 2 and "choices[1].weight" in err.message


def test_yaml_duplicate_id(tmp_path):
    err = error_of(tmp_path, "bank.yaml", MINIMAL_YAML.replace("id: q2", "id: q1"))
    assert err.line == 8
    assert err.message == "question 'q1': id: used twice (first at line 2)"


def test_yaml_duplicate_key(tmp_path):
    err = error_of(tmp_path, "bank.yaml", MINIMAL_YAML + "    answer: false\n")
    assert (err.line, err.column) == (12, 5)
    assert err.message == "duplicate key 'answer'"


def test_yaml_syntax_error_has_line_and_column(tmp_path):
    err = error_of(tmp_path, "bank.yaml", MINIMAL_YAML.replace("stem: Who said it?", "stem: [Who said it?"))
    assert err.line is not None and err.line >= 4
    assert err.column is not None
    assert err.message.startswith("invalid YAML:")


@pytest.mark.parametrize("content", ["", "# nothing\n", "questions: []\n", "[]\n"])
def test_empty_yaml_bank_is_an_error(tmp_path, content):
    err = error_of(tmp_path, "bank.yaml", content)
    assert err.message == "no questions"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("just text\n", "a bank file is a list of questions or a mapping with a 'questions' list"),
        ("questions: {a: 1}\n", "a bank file is a list of questions or a mapping with a 'questions' list"),
        ("questions: []\nextra: 1\n", "unknown top-level key 'extra'"),
        ("- 42\n", "a question must be a mapping of fields"),
    ],
)
def test_yaml_wrong_layout(tmp_path, content, message):
    err = error_of(tmp_path, "bank.yaml", content)
    assert message in err.message
    assert err.line is not None


def test_multiple_yaml_documents_are_an_error(tmp_path):
    err = error_of(tmp_path, "bank.yaml", MINIMAL_YAML + "---\n- {id: q3, type: essay, stem: x}\n")
    assert err.message.startswith("invalid YAML:") and err.line == 12


def test_json_syntax_error_has_line_and_column(tmp_path):
    text = '{"questions": [\n  {"id": "q1", "type": "essay", "stem": "Why?",}\n]}'
    err = error_of(tmp_path, "bank.json", text)
    assert (err.line, err.column) == (2, 48)
    assert err.message.startswith("invalid JSON: Expecting property name")


def test_json_schema_problem_at_the_question_line(tmp_path):
    text = '{\n  "questions": [\n    {"id": "q1", "type": "essay", "stem": "Why?"},\n    {"id": "q2", "type": "essay"}\n  ]\n}\n'
    err = error_of(tmp_path, "bank.json", text)
    assert (err.line, err.column) == (4, 5)
    assert err.message == "question 'q2': stem: is required"


def test_json_duplicate_id_and_key(tmp_path):
    text = '[\n{"id": "q1", "type": "essay", "stem": "a"},\n{"id": "q1", "type": "essay", "stem": "b"}\n]'
    err = error_of(tmp_path, "bank.json", text)
    assert err.line == 3 and "used twice (first at line 2)" in err.message
    err = error_of(tmp_path, "bank.json", '[\n{"id": "q1", "id": "q2", "type": "essay", "stem": "a"}]')
    assert err.line == 2 and err.message == "invalid JSON: duplicate key 'id'"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "no questions"),
        ("[]", "no questions"),
        ('{"questions": []}', "no questions"),
        ('{"article": "seeds/a.txt"}', "an object with a 'questions' array"),
        ('{"questions": {}}', "an object with a 'questions' array"),
        ('{"questions": [], "x": 1}', "unknown top-level key 'x'"),
        ('"text"', "an array of questions or an object"),
        ('[{"id": "q", "type": "numerical", "stem": "n", "numeric": [{"value": NaN}]}]', "NaN is not a number"),
        ("[] []", "extra data after the bank"),
    ],
)
def test_json_bad_layouts(tmp_path, content, message):
    err = error_of(tmp_path, "bank.json", content)
    assert message in err.message


def test_non_utf8_file_names_file_and_line(tmp_path):
    data = MINIMAL_YAML.encode("utf-8").replace(b"Peskov", b"P\xe9skov")
    err = error_of(tmp_path, "bank.yaml", data)
    assert (err.line, err.column) == (7, 17)
    assert err.source == str(tmp_path / "bank.yaml")
    assert "not UTF-8 text (byte 0xe9)" in err.message


def test_binary_file_is_an_error(tmp_path):
    err = error_of(tmp_path, "bank.json", b"[\n\x00\x01\x02]")
    assert err.line == 2 and "binary data" in err.message


def test_utf8_bom_is_accepted(tmp_path):
    path = write(tmp_path, "bank.yaml", b"\xef\xbb\xbf" + MINIMAL_YAML.encode())
    assert [q["id"] for q in read_bank(path)] == ["q1", "q2"]


def test_read_bank_format_override(tmp_path):
    path = write(tmp_path, "bank.data", MINIMAL_YAML)
    assert len(read_bank(path, fmt="yaml")) == 2
    with pytest.raises(FormatError, match="cannot tell the bank format"):
        read_bank(path)
