"""A teacher writes a cloze question in one text box, as in Moodle's editor (CSRF on)."""

from __future__ import annotations

import html

from tests.conftest import count
from tests.teach.test_questions import field_error, form_fields, new_id, question_data, submit, teacher  # noqa: F401
from quizapp.models import Question

NEW = "/teach/questions/new?type=cloze"
TEXT = ("Paris is the capital of {1:SHORTANSWER:=France#Yes~%50%france republic}.\n"
        "It has about {2:NUMERICAL:=2.1:0.2} million people and its river is {1:MULTICHOICE:=the Seine~the Thames}.")


def test_the_editor_offers_cloze_and_explains_the_syntax(client, teacher):
    choose = client.get("/teach/questions/new")
    assert "type=cloze" in choose.text
    page = client.get(NEW)
    assert page.status_code == 200
    assert "{1:SHORTANSWER:=Paris#Right~%50%paris#Capital letter}" in html.unescape(page.text)


def test_a_teacher_creates_a_cloze_question_from_the_embedded_text(app, client, teacher, scalar):
    response = submit(client, NEW, {"stem": TEXT, "status": "published"})
    question_id = new_id(response)
    _, number, data = question_data(app, question_id)
    assert number == 1 and data["type"] == "cloze"
    assert data["stem"] == "Paris is the capital of {#1}.\nIt has about {#2} million people and its river is {#3}."
    assert [g["type"] for g in data["gaps"]] == ["short_answer", "numerical", "multiple_choice"]
    assert data["gaps"][1] == {"type": "numerical", "mark": 2,
                               "numeric": [{"value": 2.1, "tolerance": 0.2, "weight": 1.0}]}
    # editing shows the text as written, gaps and all, and a change saves a new version
    edit_url = f"/teach/questions/{question_id}/edit"
    page = client.get(edit_url)
    assert form_fields(page.text)["stem"] == TEXT
    changed = submit(client, edit_url, {"stem": TEXT.replace("{2:NUMERICAL:=2.1:0.2}", "{3:NUMERICAL:=2.2:0.1}")})
    assert changed.status_code == 302
    _, number, data = question_data(app, question_id)
    assert number == 2 and data["gaps"][1]["mark"] == 3 and data["gaps"][1]["numeric"][0]["value"] == 2.2
    preview = client.get(f"/teach/questions/{question_id}/preview")
    assert preview.status_code == 200 and 'name="gap-2"' in preview.text


def test_bad_syntax_is_shown_next_to_the_text_with_its_line_and_nothing_is_saved(app, client, teacher, scalar):
    before = scalar(count(Question))
    broken = "First line {1:SA:=ok}\nsecond {1:NUMERICAL:=two}"
    response = submit(client, NEW, {"stem": broken})
    assert response.status_code == 422
    assert "Line 2: gap 2, answer 1: &#39;two&#39; is not a number" in field_error(response.text, "stem")
    assert html.unescape(form_fields(response.text)["stem"]) == broken  # what was typed is kept
    unclosed = submit(client, NEW, {"stem": "Open {1:MULTICHOICE:=a~b"})
    assert unclosed.status_code == 422 and "gap 1 is not closed" in field_error(unclosed.text, "stem")
    no_right = submit(client, NEW, {"stem": "Pick {1:MULTICHOICE:a~b}"})
    assert no_right.status_code == 422
    assert "Gap 1 (choices): mark at least one choice fully correct (weight 1)." in field_error(no_right.text, "stem")
    assert scalar(count(Question)) == before


def test_the_bank_lists_a_cloze_question_with_numbered_blanks(client, teacher):
    new_id(submit(client, NEW, {"stem": TEXT}))
    page = client.get("/teach/questions?type=cloze")
    assert page.status_code == 200
    assert "Paris is the capital of [1: ____]." in page.text and "France" not in page.text
