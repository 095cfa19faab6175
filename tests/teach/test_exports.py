"""Score downloads: a teacher's class exports and a learner's own history."""

from __future__ import annotations

import csv
import io
import json
import re

import openpyxl
import pytest

from tests.conftest import csrf_token
from tests.export_helpers import INJECTION, PASSWORD, build_school


@pytest.fixture
def school(app):
    return build_school(app)


def login(client, name):
    page = client.get("/auth/login")
    response = client.post("/auth/login", data={"username": name, "password": PASSWORD,
                                                "csrf_token": csrf_token(page.text)})
    assert response.status_code == 302, response.text


def xlsx_sheet(response):
    """The first sheet of an XLSX download (closing the response closes its temporary file)."""
    with response:
        assert response.status_code == 200, response.status
        return openpyxl.load_workbook(io.BytesIO(response.get_data())).active


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True), newline="")))


def test_teacher_downloads_the_gradebook_as_csv(client, school):
    login(client, "tina")
    response = client.get(f"/teach/classes/{school.classes['Alpha']}/export")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.is_streamed
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "Alpha-gradebook-" in disposition and disposition.endswith('.csv"')
    rows = csv_rows(response)
    assert [(r["learner"], r["Alpha Quiz (alpha-quiz)"], r["The whole article (belarus-trainers)"]) for r in rows] == [
        ("ann", "75.0", "50.0"), ("bob", "", "")]


def test_csv_and_csv_for_excel_downloads_have_different_names(client, school):
    """Both links of the gradebook page give files the teacher can tell apart in the downloads folder."""
    login(client, "tina")
    page = client.get(f"/teach/classes/{school.classes['Alpha']}/gradebook").text
    links = dict(re.findall(r'<a href="([^"]*kind=gradebook[^"]*)">(CSV[^<]*)</a>', page))
    assert sorted(links.values()) == ["CSV", "CSV for Excel"]
    names = {}
    for href, label in links.items():
        response = client.get(href.replace("&amp;", "&"))
        assert response.status_code == 200
        names[label] = re.search(r'filename="([^"]+)"', response.headers["Content-Disposition"])[1]
        response.close()
    assert re.fullmatch(r"Alpha-gradebook-\d{4}-\d\d-\d\d\.csv", names["CSV"])
    assert names["CSV for Excel"] == names["CSV"].removesuffix(".csv") + "-excel.csv"


def test_teacher_downloads_responses_in_every_format(client, school):
    login(client, "tina")
    url = f"/teach/classes/{school.classes['Alpha']}/export?kind=responses"
    rows = csv_rows(client.get(url + "&format=csv"))
    assert {r["learner"] for r in rows} == {"ann", "bob"}
    assert "omega-quiz" not in {r["quiz"] for r in rows}  # ann's work for otto's class stays out
    injected = next(r for r in rows if r["answer"].endswith('"x")'))
    assert injected["answer"] == "'" + INJECTION
    assert next(r for r in rows if r["score"] == "-0.5")  # a number, not neutralized

    excel = client.get(url + "&format=csv&excel=1")
    assert excel.get_data().startswith(b"\xef\xbb\xbflearner,") and b"\r\n" in excel.get_data()

    lines = client.get(url + "&format=json")
    assert lines.mimetype == "application/x-ndjson"
    records = [json.loads(line) for line in lines.get_data(as_text=True).splitlines()]
    assert len(records) == len(rows)
    assert any(r["answer"] == INJECTION for r in records)  # JSON carries the text as given

    xlsx = client.get(url + "&format=xlsx&quiz=belarus-trainers&since=2024-03-08")
    sheet = xlsx_sheet(xlsx)
    assert xlsx.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in xlsx.headers["Content-Disposition"] and ".xlsx" in xlsx.headers["Content-Disposition"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:4] == ["learner", "classes", "quiz", "attempt"]
    assert len(values) == 1 + 3 and {v[2] for v in values[1:]} == {"belarus-trainers"}
    assert values[3][9] == -0.5 and sheet.cell(4, 10).data_type == "n"


def test_another_teachers_class_is_missing(client, school):
    login(client, "otto")
    assert client.get(f"/teach/classes/{school.classes['Alpha']}/export").status_code == 404
    assert client.get(f"/teach/classes/{school.classes['Omega']}/export").status_code == 200
    assert client.get("/teach/classes/999999/export").status_code == 404


@pytest.mark.parametrize("query", ["kind=everything", "format=pdf", "since=yesterday", "quiz=no-such-quiz",
                                   "since=2024-03-05&until=2024-03-01"])
def test_bad_export_requests_get_a_4xx_page(client, school, query):
    login(client, "tina")
    response = client.get(f"/teach/classes/{school.classes['Alpha']}/export?{query}")
    assert 400 <= response.status_code < 500
    assert "text/html" in response.content_type and "Traceback" not in response.text


def test_learners_are_refused_and_visitors_sent_to_log_in(client, school):
    url = f"/teach/classes/{school.classes['Alpha']}/export"
    response = client.get(url)
    assert response.status_code == 302 and "/auth/login" in response.location
    response = client.get("/progress/export")
    assert response.status_code == 302 and "/auth/login" in response.location
    login(client, "ann")
    assert client.get(url).status_code == 403


def test_learner_downloads_their_own_history(client, school):
    login(client, "ann")
    page = client.get("/progress")
    assert "/progress/export?format=csv" in page.text
    rows = csv_rows(client.get("/progress/export?format=csv"))
    assert {r["learner"] for r in rows} == {"ann"} and len(rows) == 11
    assert {r["quiz"] for r in rows} == {"alpha-quiz", "belarus-trainers", "omega-quiz"}
    grades = csv_rows(client.get("/progress/export?format=csv&kind=gradebook"))
    assert len(grades) == 1 and grades[0]["Alpha Quiz (alpha-quiz)"] == "75.0"
    sheet = xlsx_sheet(client.get("/progress/export?format=xlsx"))
    assert sheet.max_row == 12
    assert client.get("/progress/export?format=doc").status_code == 400


def test_export_of_a_quiz_taken_through_the_pages(client, app, auth):
    """End to end: a learner takes the whole-article quiz, then downloads it."""
    from tests.quiz.test_taking import WHOLE, answer_fields, attempt_id_of, layout, post_answer, start

    auth.register()  # registering logs in
    attempt_id = attempt_id_of(start(client, WHOLE))
    for position, (data, order) in enumerate(layout(app, attempt_id)[:3], 1):
        post_answer(client, f"/attempts/{attempt_id}/q/{position}", answer_fields(data, order))
    rows = csv_rows(client.get("/progress/export"))
    assert [r["attempt"] for r in rows] == [str(attempt_id)] * 3
    assert all(r["correct"] == "True" and r["score"] == "1.0" for r in rows)
    assert all(r["answer"] and r["submitted_at"].endswith("Z") for r in rows)
