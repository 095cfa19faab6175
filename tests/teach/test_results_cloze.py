"""Item statistics of a cloze question: facility per gap, on the page a teacher reads."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from quizapp.cloze import parse_embedded
from quizapp.extensions import db
from quizapp.models import Question
from quizapp.services import authoring, statistics
from tests.teach.test_results import login, make_class, make_learner, make_quiz, make_teacher, take

TEXT = "Capital {1:SHORTANSWER:=Paris} of {2:NUMERICAL:=33:1}, river {1:MULTICHOICE:=Seine~Thames~Rhine}."


@pytest.fixture
def cloze_stats(app):
    teacher = make_teacher(app)
    class_id, code = make_class(app, teacher)
    with app.app_context():
        stem, gaps = parse_embedded(TEXT)
        uid = authoring.create_question({"type": "cloze", "stem": stem, "gaps": gaps, "status": "published"},
                                        teacher).uid
    quiz_id = make_quiz(app, teacher, [uid], [class_id], slug="cloze-stats")
    learners = []
    # four learners: gap 1 right 3 times, gap 2 (33 ± 1) once, gap 3 twice
    responses = [
        ["paris", 33.5, 0],
        ["Paris", 40, 1],
        ["PARIS", None, 0],
        None,  # showed the question, left it unanswered
    ]
    for n, response in enumerate(responses):
        learner = make_learner(app, f"learner{n}", code)
        take(app, learner, quiz_id, [response])
        learners.append(learner)
    return teacher, quiz_id, class_id, learners


def test_facility_per_gap_counts_blanks_and_unanswered_as_zero(app, cloze_stats):
    teacher, quiz_id, _, _ = cloze_stats
    with app.app_context():
        (item,) = statistics.item_statistics(quiz_id, teacher).items
    assert item.stem == "Capital [1: ____] of [2: ____], river [3: ____]."
    assert [(g.number, g.type, g.mark, g.responses, g.facility, g.right_answer) for g in item.gaps] == [
        (1, "short_answer", 1, 3, 75.0, "Paris"),
        (2, "numerical", 2, 2, 25.0, "33 ± 1"),
        (3, "multiple_choice", 1, 3, 50.0, "Seine"),
    ]
    # the question's own marks weigh the gaps by their marks (1, 2, 1 of 4): 4/4, 1/4, 2/4 and 0
    assert item.facility == pytest.approx(100 * (1 + 0.25 + 0.5 + 0) / 4)


def test_the_statistics_page_shows_the_gaps(app, client, auth, cloze_stats):
    _, quiz_id, _, _ = cloze_stats
    login(client, auth, "tess")
    page = client.get(f"/teach/quizzes/{quiz_id}/statistics")
    assert page.status_code == 200
    table = re.search(r"<caption>Facility per gap</caption>(.*?)</table>", page.text, re.S).group(1)
    rows = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)][1:]
    assert rows == ["1 short answer 1 3 75.0% Paris", "2 numerical 2 2 25.0% 33 ± 1",
                    "3 multiple choice 1 3 50.0% Seine"]


def test_a_learners_attempt_shows_each_gap_given_and_the_right_answers(client, auth, cloze_stats):
    _, quiz_id, class_id, learners = cloze_stats
    login(client, auth, "tess")
    page = client.get(f"/teach/classes/{class_id}/learners/{learners[1]}/quizzes/{quiz_id}")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "Capital [1: ____] of [2: ____], river [3: ____]." in text
    assert "(1) Paris" in text and "(2) 40" in text and "(3) Thames" in text  # what the learner gave
    assert "(2) 33 ± 1" in text and "(3) Seine" in text  # the right answers
