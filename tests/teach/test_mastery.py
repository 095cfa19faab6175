"""A class's mastery per fact kind, for its teacher only."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import time_machine

from tests.conftest import csrf_token
from tests.quiz.test_taking import answer_fields, attempt_id_of, layout, post_answer, start
from tests.teach.test_quizzes import create_class, join, login, switch

T0 = dt.datetime(2030, 1, 7, 9, 0, tzinfo=dt.UTC)
SVG = "{http://www.w3.org/2000/svg}"


def chart_rows(html: str) -> dict[str, str]:
    match = re.search(r'<figure class="chart[^"]*" id="chart-class-mastery">.*?</figure>', html, re.S)
    assert match
    body = ET.fromstring(match.group(0)).find("details/table/tbody")
    return {"".join(row[0].itertext()): "".join(row[-1].itertext()) for row in body}


def take(app, client, slug, right):
    url = start(client, f"/quizzes/{slug}")
    attempt_id = attempt_id_of(url)
    for position, (data, order) in enumerate(layout(app, attempt_id), 1):
        post_answer(client, f"/attempts/{attempt_id}/q/{position}", answer_fields(data, order, right=right))


def test_teacher_sees_class_mastery_per_fact_kind(app, client, auth, make_user):
    make_user("tess", "teacher")
    make_user("ann")
    make_user("bob")
    with time_machine.travel(T0, tick=False) as clock:
        login(auth, "tess")
        code, class_id = create_class(client, "7B <History>")
        empty = client.get(f"/teach/classes/{class_id}/mastery")
        assert empty.status_code == 200 and "No learner has joined this class yet" in empty.text

        for name in ("ann", "bob"):
            switch(client, auth, name)
            join(client, code)
        switch(client, auth, "ann")
        take(app, client, "belarus-trainers-places", right=True)  # all 4 place questions right
        switch(client, auth, "bob")
        take(app, client, "belarus-trainers-people", right=False)  # both person questions wrong

        switch(client, auth, "tess")
        clock.move_to(T0 + dt.timedelta(hours=1))
        page = client.get(f"/teach/classes/{class_id}/mastery")
        assert page.status_code == 200
        assert "7B &lt;History&gt;" in page.text and "<History>" not in page.text
        assert f'href="/teach/classes/{class_id}/gradebook"' in page.text
        rows = chart_rows(page.text)
        # ann recalls the 4 places (retrievability 1 on the day), bob none: class mean 50%
        assert rows["Where"] == "50%"
        assert rows["Who is who"] == "0%" and rows["Who said what"] == "0%"
        grid = re.search(r'<table class="mastery-grid">.*?</table>', page.text, re.S).group(0)
        assert re.search(r"<th scope=\"row\">ann</th>.*?100%.*?\(4/4\)", grid, re.S)
        assert re.search(r"<th scope=\"row\">bob</th>.*?0%.*?\(2/2\)", grid, re.S)

        clock.move_to(T0 + dt.timedelta(days=30))  # memory fades: so does mastery
        later = chart_rows(client.get(f"/teach/classes/{class_id}/mastery").text)
        assert 0 < int(later["Where"].rstrip("%")) < 50


def test_class_mastery_authorization(client, auth, make_user):
    make_user("tess", "teacher")
    make_user("tom", "teacher")
    make_user("ann")
    login(auth, "tess")
    _code, class_id = create_class(client)
    url = f"/teach/classes/{class_id}/mastery"
    assert client.get(url).status_code == 200

    switch(client, auth, "tom")  # another teacher: the class does not exist for them
    assert client.get(url).status_code == 404
    assert client.get("/teach/classes/999999/mastery").status_code == 404

    switch(client, auth, "ann")  # a learner
    assert client.get(url).status_code == 403

    client.post("/auth/logout", data={"csrf_token": csrf_token(client.get("/").text)})
    visitor = client.get(url)
    assert visitor.status_code == 302 and "/auth/login" in visitor.location
