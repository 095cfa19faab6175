"""Score exports: gradebook and response rows, filters, scope, streaming."""

from __future__ import annotations

import datetime as dt
import inspect

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Quiz
from quizapp.services import exports
from quizapp.services.errors import InvalidInput, NotFound
from quizapp.services.exports import ExportFilters
from tests.export_helpers import INJECTION, MC, SA, TF, build_school


@pytest.fixture
def school(app):
    return build_school(app)


@pytest.fixture
def export(app):
    """Run an export in an app context; returns (headers, rows as dicts)."""

    def _export(kind, **filters):
        with app.app_context():
            table = exports.export_table(kind, ExportFilters(**filters))
            assert inspect.isgenerator(table.rows)
            return table.headers, [dict(zip(table.headers, row)) for row in table.rows]

    return _export


def grades(rows):
    return {r["learner"]: {k: v for k, v in r.items() if k not in ("learner", "classes")} for r in rows}


def test_gradebook_applies_each_quizs_grading_method(school, export):
    headers, rows = export("gradebook")
    assert headers[:2] == ["learner", "classes"]
    alpha, omega, whole = "Alpha Quiz (alpha-quiz)", "Omega Quiz (omega-quiz)", "The whole article (belarus-trainers)"
    assert {alpha, omega, whole} <= set(headers)
    # assigned quizzes come first; only quizzes someone finished or a class was given
    assert headers.index(alpha) < headers.index(whole) and headers.index(omega) < headers.index(whole)
    assert "Who said what (belarus-trainers-quotes)" not in headers
    book = grades(rows)
    assert book["ann"][alpha] == 75.0  # average of 50 and 100
    assert book["ann"][whole] == 50.0  # highest of 33.33 and 50
    assert book["ann"][omega] == 100.0
    assert book["dan"][omega] == 0.0  # latest of 100 then 0
    assert book["bob"][alpha] is None  # only an unfinished attempt
    assert book["cat"] == {alpha: None, omega: None, whole: None}
    assert "tina" not in book and "otto" not in book
    assert {r["learner"]: r["classes"] for r in rows}["ann"] == "Alpha; Omega"
    assert [r["learner"] for r in rows] == sorted(r["learner"] for r in rows)


def test_gradebook_follows_a_changed_grading_method(school, export, app):
    with app.app_context():
        db.session.get(Quiz, school.quizzes["alpha-quiz"]).grading_method = "latest"
        db.session.commit()
    _, rows = export("gradebook", classroom="ALPHA23")
    assert grades(rows)["ann"]["Alpha Quiz (alpha-quiz)"] == 100.0


def test_gradebook_of_a_teachers_class(school, export):
    headers, rows = export("gradebook", classroom=school.classes["Alpha"], teacher_id=school.users["tina"])
    assert headers == ["learner", "classes", "Alpha Quiz (alpha-quiz)", "The whole article (belarus-trainers)"]
    assert [tuple(r.values()) for r in rows] == [("ann", "Alpha", 75.0, 50.0), ("bob", "Alpha", None, None)]


def test_teacher_scope_never_shows_other_teachers_learners(school, export):
    tina = school.users["tina"]
    for kind in exports.KINDS:
        headers, rows = export(kind, teacher_id=tina)
        assert {r["learner"] for r in rows} <= {"ann", "bob", "cat"}
        assert "dan" not in {r["learner"] for r in rows}
        assert not any("Omega" in str(v) or "omega" in str(v) for r in rows for v in r.values())
        assert not any("omega" in h for h in headers)
    _, rows = export("responses", teacher_id=tina)
    assert {r["attempt"] for r in rows} == {school.attempts[k] for k in
                                            ("ann-alpha-1", "ann-alpha-2", "ann-open-1", "ann-open-2", "bob-alpha")}
    with pytest.raises(NotFound):
        export("responses", teacher_id=tina, classroom=school.classes["Omega"])
    with pytest.raises(NotFound):
        export("gradebook", teacher_id=tina, classroom="OMEGA23")
    with pytest.raises(NotFound):  # a quiz of another teacher's class is not a column of tina's gradebook
        export("gradebook", teacher_id=tina, quiz="omega-quiz")


def test_response_rows_columns_and_values(school, export, app):
    headers, rows = export("responses", quiz="belarus-trainers")
    assert headers == exports.RESPONSE_HEADERS
    assert [r["attempt"] for r in rows] == [school.attempts["ann-open-1"]] * 3 + [school.attempts["ann-open-2"]] * 3
    first = rows[0]
    with app.app_context():
        from quizapp.models import Question

        mc = db.session.scalar(sa.select(Question).filter_by(uid=MC))
        expected_answer = mc.current.data["choices"][0]["text"]
        number = mc.current.number
    assert first == {
        "learner": "ann", "classes": "Alpha; Omega", "quiz": "belarus-trainers", "attempt": school.attempts["ann-open-1"],
        "question": MC, "version": number, "type": "multiple_choice", "answer": expected_answer, "correct": True,
        "score": 1.0, "time_taken_s": 0.8, "submitted_at": "2024-03-02T10:00:00Z",
    }
    assert rows[1]["question"] == TF and rows[1]["answer"] == "False" and rows[1]["time_taken_s"] is None
    assert rows[2]["question"] == SA and rows[2]["answer"] == INJECTION and rows[2]["type"] == "short_answer"
    assert rows[5]["score"] == -0.5 and rows[5]["answer"] == "-5 rough spots"


def test_response_filters_class_quiz_and_dates(school, export):
    _, rows = export("responses", classroom="beta234")
    assert rows == []  # cat answered nothing
    _, rows = export("responses", classroom="OMEGA23")
    assert {r["learner"] for r in rows} == {"ann", "dan"}
    assert {r["quiz"] for r in rows} == {"omega-quiz", "belarus-trainers"}  # alpha-quiz belongs to Alpha
    _, rows = export("responses", quiz="omega-quiz")
    assert [(r["learner"], r["attempt"]) for r in rows] == [
        ("ann", school.attempts["ann-omega"]), ("dan", school.attempts["dan-omega-1"]),
        ("dan", school.attempts["dan-omega-2"])]
    _, rows = export("responses", since=dt.date(2024, 3, 2), until=dt.date(2024, 3, 5))
    days = {r["submitted_at"][:10] for r in rows}
    assert days == {"2024-03-02", "2024-03-03", "2024-03-04", "2024-03-05"}
    _, rows = export("responses", since=dt.date(2024, 3, 6))
    assert {r["submitted_at"][:10] for r in rows} == {"2024-03-06", "2024-03-08"}
    _, rows = export("responses", until=dt.date(2024, 3, 1))
    assert {r["attempt"] for r in rows} == {school.attempts["ann-alpha-1"]}


def test_gradebook_period_counts_attempts_finished_in_it(school, export):
    _, rows = export("gradebook", until=dt.date(2024, 3, 4), classroom="ALPHA23")
    assert grades(rows)["ann"]["Alpha Quiz (alpha-quiz)"] == 50.0  # only the first attempt
    _, rows = export("gradebook", quiz="alpha-quiz")
    headers = list(rows[0])
    assert headers == ["learner", "classes", "Alpha Quiz (alpha-quiz)"]


def test_learner_history_is_their_own(school, export, app):
    ann = school.users["ann"]
    _, rows = export("responses", learner_id=ann)
    assert {r["learner"] for r in rows} == {"ann"}
    assert len(rows) == 2 + 2 + 3 + 3 + 1
    _, rows = export("gradebook", learner_id=ann)
    assert len(rows) == 1 and rows[0]["Omega Quiz (omega-quiz)"] == 100.0


def test_learner_history_hides_marks_until_feedback_is_due(school, export, app):
    with app.app_context():
        quiz = db.session.get(Quiz, school.quizzes["omega-quiz"])
        quiz.feedback_timing = "after_close"
        quiz.closes_at = dt.datetime(2999, 1, 1)
        db.session.commit()
    _, rows = export("responses", learner_id=school.users["dan"])
    assert [(r["correct"], r["score"]) for r in rows] == [(None, None), (None, None)]
    _, rows = export("responses", classroom="OMEGA23")  # the teacher sees them
    assert {r["correct"] for r in rows if r["learner"] == "dan"} == {True, False}


@pytest.mark.parametrize("filters, error", [
    ({"quiz": "no-such-quiz"}, NotFound),
    ({"classroom": "NOPE999"}, NotFound),
    ({"since": dt.date(2024, 3, 5), "until": dt.date(2024, 3, 1)}, InvalidInput),
])
def test_bad_filters_raise_before_any_row(school, app, filters, error):
    with app.app_context():
        for kind in exports.KINDS:
            with pytest.raises(error):
                exports.export_table(kind, ExportFilters(**filters))
        with pytest.raises(InvalidInput):
            exports.export_table("everything", ExportFilters())


def test_parse_date():
    assert exports.parse_date("2024-03-01", "since") == dt.date(2024, 3, 1)
    assert exports.parse_date(" ", "since") is None
    with pytest.raises(InvalidInput, match="since"):
        exports.parse_date("1 March", "since")


def test_rows_stream_from_the_database_in_batches(school, app, monkeypatch):
    """Rows come from a generator that reads the cursor batch by batch, not a list."""
    monkeypatch.setattr(exports, "BATCH_SIZE", 2)
    sizes = []
    real = exports._batches

    def spy(query):
        for batch in real(query):
            sizes.append(len(batch))
            yield batch

    monkeypatch.setattr(exports, "_batches", spy)
    with app.app_context():
        table = exports.response_rows(ExportFilters())
        assert inspect.isgenerator(table.rows) and not sizes  # nothing read yet
        first = next(table.rows)
        assert first[0] == "ann" and sizes == [2]  # one batch read so far
        assert len(list(table.rows)) == 14 - 1
        assert sizes == [2] * 7
        sizes.clear()
        book = exports.gradebook_rows(ExportFilters())
        assert inspect.isgenerator(book.rows)
        assert [r[0] for r in book.rows] == ["ann", "bob", "cat", "dan"]
        assert sizes and max(sizes) <= 2
