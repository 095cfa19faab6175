"""Results for teachers: gradebook, a learner's attempts, item statistics (CSRF on)."""

from __future__ import annotations

import math
import re
import types

import pytest
import sqlalchemy as sa
from markupsafe import escape

from quizapp.extensions import db
from quizapp.models import Attempt, Classroom, Question, QuestionVersion, Quiz, QuizQuestion
from quizapp.services import accounts, attempts, classes, statistics
from quizapp.services.grading import final_grade
from tests.conftest import csrf_token
from tests.quiz.test_taking import answer_fields, attempt_id_of, layout, post_answer, start

PASSWORD = "correct horse"

# four choice questions and a true/false one from the seed bank, with the texts the script picks
Q_MOD = "belarus-trainers-who-likely-use"  # right: The British Ministry of Defense
Q_LUKA = "belarus-trainers-who-natural-response"  # right: Alexander Lukashenko
Q_TASS = "belarus-trainers-org-tass"  # right: TASS
Q_MINSK = "belarus-trainers-where-meeting"  # right: Minsk
Q_TF = "belarus-trainers-tf-prominently-publicize"  # right: False
Q_SA = "belarus-trainers-sa-mod-name"  # short answer: MOD, Ministry of Defence, ...
Q_ORDER = "belarus-trainers-order-timeline"


# --- helpers ----------------------------------------------------------------

def make_teacher(app, name="tess") -> int:
    with app.app_context():
        return accounts.create_user(name, PASSWORD, "teacher").id


def make_class(app, teacher_id: int, name="Year 9") -> tuple[int, str]:
    with app.app_context():
        classroom = classes.create_class(teacher_id, name)
        return classroom.id, classroom.code


def make_learner(app, name: str, *codes: str) -> int:
    with app.app_context():
        user = accounts.create_user(name, PASSWORD)
        for code in codes:
            classes.join_class(user.id, code)
        return user.id


def make_quiz(app, teacher_id: int, uids: list[str], class_ids: list[int], method="highest", slug="stats-quiz") -> int:
    """A teacher's quiz over seed questions, choices in canonical order."""
    with app.app_context():
        ids = {q.uid: q.id for q in db.session.scalars(sa.select(Question).where(Question.uid.in_(uids)))}
        quiz = Quiz(
            slug=slug, title=f"Quiz {slug}", origin="teacher", created_by_id=teacher_id,
            shuffle_choices=False, shuffle_questions=False, grading_method=method,
        )
        quiz.entries = [QuizQuestion(question_id=ids[uid], position=n) for n, uid in enumerate(uids)]
        quiz.classrooms = [db.session.get(Classroom, cid) for cid in class_ids]
        db.session.add(quiz)
        db.session.commit()
        return quiz.id


def quiz_id_of(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Quiz.id).filter_by(slug=slug))


def choice(app, uid: str, text: str) -> int:
    """The canonical index of the choice with this text."""
    with app.app_context():
        data = db.session.scalar(sa.select(Question).filter_by(uid=uid)).data
        return [c["text"] for c in data["choices"]].index(text)


def take(app, user_id: int, quiz_id: int, responses: list, finish: bool = True) -> int:
    """One attempt through the attempts service; ``None`` leaves a question unanswered."""
    with app.app_context():
        attempt = attempts.start_attempt(db.session.get(Quiz, quiz_id), user_id)
        for position, response in enumerate(responses, 1):
            if response is not None:
                attempts.record_answer(attempt, position, response)
        if finish:
            attempts.finish_attempt(attempt)
        return attempt.id


def set_method(app, quiz_id: int, method: str) -> None:
    with app.app_context():
        db.session.get(Quiz, quiz_id).grading_method = method
        db.session.commit()


def login(client, auth, name):
    home = client.get("/").text
    if "/auth/logout" in home:
        client.post("/auth/logout", data={"csrf_token": csrf_token(home)})
    response = auth.login(name, PASSWORD)
    assert response.status_code == 302, response.text


def row_of(html: str, name: str) -> str:
    """The gradebook row of one learner."""
    match = re.search(rf'<th scope="row">{re.escape(name)}</th>(.*?)</tr>', html, re.S)
    assert match, f"no row for {name}"
    return match.group(1)


def section(html: str, position: int) -> str:
    """The detail section of one question on the statistics page."""
    match = re.search(rf'<section class="card item-stats" id="item-{position}".*?</section>', html, re.S)
    assert match, f"no section for question {position}"
    return match.group(0)


# --- grading methods ----------------------------------------------------------

def _attempt(percent, finished_minute, id_=1):
    import datetime as dt

    finished = None if finished_minute is None else dt.datetime(2024, 1, 1, 12, finished_minute)
    return types.SimpleNamespace(id=id_, percent=percent, finished_at=finished)


def test_final_grade_counts_finished_attempts_only():
    history = [_attempt(75.0, 1, 1), _attempt(25.0, 2, 2), _attempt(100.0, None, 3)]
    assert final_grade(history, "highest") == 75.0
    assert final_grade(history, "latest") == 25.0
    assert final_grade(history, "average") == 50.0
    # latest is by finish time, not by list order; the id breaks a tie
    assert final_grade([_attempt(25.0, 2, 2), _attempt(75.0, 1, 1)], "latest") == 25.0
    assert final_grade([_attempt(40.0, 1, 5), _attempt(60.0, 1, 4)], "latest") == 40.0
    assert final_grade([_attempt(100.0, None)], "highest") is None
    assert final_grade([], "average") is None
    with pytest.raises(ValueError, match="unknown grading method"):
        final_grade(history, "best")


# --- gradebook ----------------------------------------------------------------

@pytest.fixture
def scripted(app):
    """Teacher tess, class Year 9 with ann, bob, cyd, dee (and eve in progress), a five-question quiz.

    Right (R) and wrong answers; mallory (another teacher's class) and zed (no
    class) take the quiz too and must not count anywhere.

    ======  =====  =====  =====  =========  ====  =====
    who     Q1     Q2     Q3     Q4         Q5    total
    ======  =====  =====  =====  =========  ====  =====
    ann     R      R      R      Moscow     R     4
    bob     R      R      RIA    Moscow     R     3
    cyd     ISW    R      RIA    Sochi      R     2
    dee     ISW    Putin  Inter  R          R     2
    ======  =====  =====  =====  =========  ====  =====
    """
    tess = make_teacher(app, "tess")
    class_id, code = make_class(app, tess, "Year 9")
    other_teacher = make_teacher(app, "otto")
    other_class, other_code = make_class(app, other_teacher, "Otto's class")
    quiz_id = make_quiz(app, tess, [Q_MOD, Q_LUKA, Q_TASS, Q_MINSK, Q_TF], [class_id])
    c = lambda uid, text: choice(app, uid, text)  # noqa: E731
    right = [c(Q_MOD, "The British Ministry of Defense"), c(Q_LUKA, "Alexander Lukashenko"), c(Q_TASS, "TASS"),
             c(Q_MINSK, "Minsk"), False]
    isw, putin = c(Q_MOD, "The Institute for the Study of War"), c(Q_LUKA, "Vladimir Putin")
    ria, interfax = c(Q_TASS, "RIA Novosti"), c(Q_TASS, "Interfax")
    moscow, sochi = c(Q_MINSK, "Moscow"), c(Q_MINSK, "Sochi")
    script = {
        "ann": [right[0], right[1], right[2], moscow, False],
        "bob": [right[0], right[1], ria, moscow, False],
        "cyd": [isw, right[1], ria, sochi, False],
        "dee": [isw, putin, interfax, right[3], False],
    }
    ids = {}
    for name, responses in script.items():
        ids[name] = make_learner(app, name, code)
        take(app, ids[name], quiz_id, responses)
    ids["eve"] = make_learner(app, "eve", code)
    take(app, ids["eve"], quiz_id, [isw, putin, ria, moscow, True], finish=False)  # in progress
    ids["mallory"] = make_learner(app, "mallory", other_code)
    take(app, ids["mallory"], quiz_id, [isw, putin, ria, moscow, True])
    ids["zed"] = make_learner(app, "zed")
    take(app, ids["zed"], quiz_id, right)
    return types.SimpleNamespace(
        teacher=tess, class_id=class_id, code=code, quiz_id=quiz_id, ids=ids, right=right,
        other_teacher=other_teacher, other_class=other_class, other_code=other_code,
    )


def test_gradebook_applies_each_grading_method_to_a_two_attempt_history(app, client, auth, scripted):
    ann = scripted.ids["ann"]
    quiz_id = make_quiz(app, scripted.teacher, [Q_MOD, Q_LUKA, Q_TASS, Q_MINSK], [scripted.class_id], slug="twice")
    r = scripted.right
    wrong = [choice(app, Q_MOD, "NATO"), choice(app, Q_LUKA, "Dmitry Peskov"), choice(app, Q_TASS, "Sputnik"),
             choice(app, Q_MINSK, "Grodno")]
    take(app, ann, quiz_id, [r[0], r[1], r[2], wrong[3]])  # 3 of 4: 75%
    take(app, ann, quiz_id, [r[0], wrong[1], None, wrong[3]])  # 1 of 4, one left unanswered: 25%
    login(client, auth, "tess")
    url = f"/teach/classes/{scripted.class_id}/gradebook"
    for method, expected in (("highest", "75%"), ("latest", "25%"), ("average", "50%")):
        set_method(app, quiz_id, method)
        page = client.get(url)
        assert page.status_code == 200
        cells = re.findall(r"<td>(.*?)</td>", row_of(page.text, "ann"), re.S)
        twice = cells[1]  # columns: stats-quiz, twice
        assert f">{expected}</a>" in twice, (method, twice)
        assert "2 finished" in twice
        assert f'/teach/classes/{scripted.class_id}/learners/{ann}/quizzes/{quiz_id}"' in twice
        with app.app_context():
            book = statistics.gradebook(scripted.class_id)
            assert book.cell(ann, quiz_id).grade == pytest.approx(float(expected.rstrip("%")))
            assert book.cell(ann, quiz_id).finished == 2
    # the five-question quiz: ann 4 of 5, eve only in progress, nobody outside the class
    page = client.get(url)
    assert ">80%</a>" in row_of(page.text, "ann")
    eve = row_of(page.text, "eve")
    assert "–" in eve and "0 finished, 1 in progress" in eve
    assert "mallory" not in page.text and "zed" not in page.text
    assert [th for th in re.findall(r'<th scope="row">([^<]+)</th>', page.text)] == [
        "ann", "bob", "cyd", "dee", "eve", "Class average"]
    # class average of the five-question quiz: (80 + 60 + 40 + 40) / 4 = 55
    footer = re.search(r"<tfoot>(.*?)</tfoot>", page.text, re.S).group(1)
    assert re.findall(r"<td>(.*?)</td>", footer)[0] == "55%"


def test_gradebook_columns_assigned_then_open_quizzes_a_learner_finished(app, client, auth, scripted):
    ann = scripted.ids["ann"]
    unattempted = make_quiz(app, scripted.teacher, [Q_MOD], [scripted.class_id], slug="not-yet")
    places = quiz_id_of(app, "belarus-trainers-places")
    dates = quiz_id_of(app, "belarus-trainers-dates")
    people = quiz_id_of(app, "belarus-trainers-people")
    with app.app_context():
        minsk = db.session.scalar(sa.select(Question).filter_by(uid="belarus-trainers-where-meeting")).data
    take(app, ann, places, [[c["text"] for c in minsk["choices"]].index("Minsk")])  # finished, no class
    take(app, ann, people, [0], finish=False)  # open quiz, only in progress: no column
    take(app, scripted.ids["mallory"], dates, [0])  # finished by someone outside the class
    # otto's quiz for his class, taken by ann who is in both classes: not tess's business
    with app.app_context():
        classes.join_class(ann, scripted.other_code)
    otto_quiz = make_quiz(app, scripted.other_teacher, [Q_TASS], [scripted.other_class], slug="otto-quiz")
    take(app, ann, otto_quiz, [0])

    login(client, auth, "tess")
    page = client.get(f"/teach/classes/{scripted.class_id}/gradebook")
    headers = re.findall(r'<th scope="col">\s*<a href="/teach/quizzes/(\d+)/statistics">', page.text)
    assert [int(h) for h in headers] == sorted([scripted.quiz_id, unattempted]) + [places]
    assert "Where" in page.text  # the bank quiz's title
    row = row_of(page.text, "ann")
    assert "not attempted" in row and ">25%</a>" in row  # 1 of the 4 places questions


def test_gradebook_of_a_class_with_nobody_says_so(app, client, auth):
    tess = make_teacher(app)
    class_id, code = make_class(app, tess, "Empty <b>class</b>")
    login(client, auth, "tess")
    page = client.get(f"/teach/classes/{class_id}/gradebook")
    assert page.status_code == 200
    assert "No learner has joined this class yet" in page.text and code in page.text
    assert "Empty &lt;b&gt;class&lt;/b&gt;" in page.text and "<b>class</b>" not in page.text


def test_a_learner_joins_takes_the_quiz_in_the_browser_and_shows_in_the_gradebook(app, client, auth):
    tess = make_teacher(app)
    class_id, code = make_class(app, tess, "Year 10")
    quiz_id = make_quiz(app, tess, [Q_MOD, Q_TF, Q_SA], [class_id], slug="browser-quiz")
    auth.register("lia")
    join = client.get("/classes/join")
    assert client.post("/classes/join", data={"code": code, "csrf_token": csrf_token(join.text)}).status_code == 302
    url = start(client, "/quizzes/browser-quiz")
    attempt_id = attempt_id_of(url)
    questions = layout(app, attempt_id)
    for position, (data, order) in enumerate(questions, 1):
        post_answer(client, f"/attempts/{attempt_id}/q/{position}", answer_fields(data, order, right=position != 2))
    client.post(f"/attempts/{attempt_id}/finish", data={"csrf_token": csrf_token(client.get("/").text)})

    login(client, auth, "tess")
    book = client.get(f"/teach/classes/{class_id}/gradebook")
    row = row_of(book.text, "lia")
    assert ">67%</a>" in row  # 2 of 3
    link = re.search(r'href="([^"]+/learners/\d+/quizzes/\d+)"', row).group(1)
    assert link.endswith(f"/quizzes/{quiz_id}")
    cell = client.get(link)
    assert cell.status_code == 200
    assert "lia: Quiz browser-quiz" in cell.text and "Attempt 1: 67%" in cell.text
    assert cell.text.count("<tr class=") == 3


# --- a learner's attempts -----------------------------------------------------

def test_cell_page_shows_every_attempt_with_the_version_seen_answers_and_scores(app, client, auth, scripted):
    ann = scripted.ids["ann"]
    quiz_id = make_quiz(app, scripted.teacher, [Q_MOD, Q_SA, Q_ORDER], [scripted.class_id], slug="cell")
    with app.app_context():
        order_items = db.session.scalar(sa.select(Question).filter_by(uid=Q_ORDER)).data["items"]
    first = take(app, ann, quiz_id, [choice(app, Q_MOD, "NATO"), "<b>MOD</b>", list(order_items)])
    # the teacher edits the first question; the first attempt keeps the version it showed
    with app.app_context():
        question = db.session.scalar(sa.select(Question).filter_by(uid=Q_MOD))
        original_stem = question.data["stem"]
        data = {**question.data, "stem": "Edited: who said it?"}
        version = QuestionVersion(question_id=question.id, number=2, data=data, content_hash="edited")
        db.session.add(version)
        question.current = version
        db.session.commit()
    second = take(app, ann, quiz_id, [choice(app, Q_MOD, "The British Ministry of Defense"), None, None], finish=False)

    login(client, auth, "tess")
    page = client.get(f"/teach/classes/{scripted.class_id}/learners/{ann}/quizzes/{quiz_id}")
    assert page.status_code == 200
    text = page.text
    assert "ann: Quiz cell" in text
    assert "Final grade <strong>33%</strong>" in text  # only the finished attempt: 0 + 0 + 1 of 3
    one, two = text.split(f'id="attempt-{first}"')[1].split(f'id="attempt-{second}"')
    assert "Attempt 1: 33%" in text and "Attempt 2: in progress" in text
    assert str(escape(original_stem)) in one  # the stem of the version shown
    assert "Edited: who said it?" not in one and "Edited: who said it?" in two
    assert "<li>NATO</li>" in one and "<li>The British Ministry of Defense</li>" in one  # given, correct
    assert "<li>&lt;b&gt;MOD&lt;/b&gt;</li>" in one and "<b>MOD</b>" not in text  # typed (markup is not MOD), escaped
    assert f"<li>1. {order_items[0]}</li>" in one
    assert one.count('class="tag right"') == 1 and one.count('class="tag wrong"') == 2
    assert two.count("not answered") == 2


def test_cell_page_refuses_learners_and_quizzes_outside_the_class(app, client, auth, scripted):
    login(client, auth, "tess")
    base = f"/teach/classes/{scripted.class_id}"
    assert client.get(f"{base}/learners/{scripted.ids['ann']}/quizzes/{scripted.quiz_id}").status_code == 200
    # mallory took the quiz but is in otto's class, zed in none
    for name in ("mallory", "zed"):
        response = client.get(f"{base}/learners/{scripted.ids[name]}/quizzes/{scripted.quiz_id}")
        assert response.status_code == 404 and "not in this class" in response.text
    # a bank quiz nobody in the class finished, and a quiz that does not exist
    dates = quiz_id_of(app, "belarus-trainers-dates")
    assert client.get(f"{base}/learners/{scripted.ids['ann']}/quizzes/{dates}").status_code == 404
    assert client.get(f"{base}/learners/{scripted.ids['ann']}/quizzes/99999").status_code == 404


# --- item statistics ----------------------------------------------------------

def test_item_statistics_facility_discrimination_and_choices_by_hand(app, client, auth, scripted):
    with app.app_context():
        stats = statistics.item_statistics(scripted.quiz_id, scripted.teacher)
    # eve (in progress), mallory (otto's class) and zed (no class) do not count
    assert (stats.attempts, stats.learners) == (4, 4)
    q1, q2, q3, q4, q5 = stats.items
    # Q1 marks x = [1, 1, 0, 0] (ann, bob, cyd, dee); rest of test y = total - x = [3, 2, 2, 2]
    # x̄ = .5, ȳ = 2.25; Σ(x-x̄)² = 1, Σ(y-ȳ)² = .5625 + 3·.0625 = .75, Σ(x-x̄)(y-ȳ) = .375 - .125 + .125 + .125 = .5
    assert q1.facility == pytest.approx(50.0)
    assert q1.sd == pytest.approx(100 * math.sqrt(1 / 3))
    assert q1.discrimination == pytest.approx(100 * 0.5 / math.sqrt(1 * 0.75))  # 57.7
    # Q2 x = [1, 1, 1, 0], y = [3, 2, 1, 2]: Σ(x-x̄)(y-ȳ) = .25·1 + .25·0 + .25·(-1) + (-.75)·0 = 0
    assert q2.facility == pytest.approx(75.0)
    assert q2.sd == pytest.approx(100 * math.sqrt(0.75 / 3))
    assert q2.discrimination == pytest.approx(0.0)
    # Q3 x = [1, 0, 0, 0], y = [3, 3, 2, 2]: Σxx = .75, Σyy = 1, Σxy = .375 - .125 + .125 + .125 = .5
    assert q3.facility == pytest.approx(25.0)
    assert q3.discrimination == pytest.approx(100 * 0.5 / math.sqrt(0.75 * 1))
    # Q4 x = [0, 0, 0, 1], y = [4, 3, 2, 1]: Σxx = .75, Σyy = 5, Σxy = -.375 - .125 + .125 - 1.125 = -1.5
    assert q4.facility == pytest.approx(25.0)
    assert q4.discrimination == pytest.approx(100 * -1.5 / math.sqrt(0.75 * 5))  # -77.5
    # Q5: everyone right; no spread, so no discrimination
    assert (q5.facility, q5.sd, q5.discrimination) == (pytest.approx(100.0), pytest.approx(0.0), None)

    assert [(q.too_hard, q.too_easy, q.weak_discrimination) for q in stats.items] == [
        (False, False, False), (False, False, True), (False, False, False), (False, False, True), (False, True, False)]
    assert [(c.text, c.count, c.correct) for c in q1.choices] == [
        ("The British Ministry of Defense", 2, True), ("The Institute for the Study of War", 2, False),
        ("NATO", 0, False), ("The Pentagon", 0, False)]
    assert [c.text for c in q1.unused_distractors] == ["NATO", "The Pentagon"]
    assert [(c.text, c.count, c.percent) for c in q3.choices] == [
        ("TASS", 1, 25.0), ("RIA Novosti", 2, 50.0), ("Interfax", 1, 25.0), ("Sputnik", 0, 0.0)]
    assert [(c.text, c.count, c.correct) for c in q5.choices] == [("True", 0, False), ("False", 4, True)]

    login(client, auth, "tess")
    page = client.get(f"/teach/quizzes/{scripted.quiz_id}/statistics")
    assert page.status_code == 200
    assert "<strong>4</strong> finished attempts" in page.text and "by 4 learners enrolled in your classes" in page.text
    summary = re.search(r"<tbody>(.*?)</tbody>", page.text, re.S).group(1)
    rows = re.findall(r"<tr.*?</tr>", summary, re.S)
    cells = [re.findall(r"<td>(.*?)</td>", row, re.S) for row in rows]
    assert [c[2:5] for c in cells] == [
        ["50.0%", "57.7%", "57.7%"], ["75.0%", "50.0%", "0.0%"], ["25.0%", "50.0%", "57.7%"],
        ["25.0%", "50.0%", "-77.5%"], ["100.0%", "0.0%", "–"]]
    # every question here has something to look at: unused distractors (1, 3, 5), weak discrimination (2, 4), too easy (5)
    assert all('class="flagged"' in row for row in rows)
    one = section(page.text, 1)
    assert "2 distractors nobody picked" in one and "Weak discrimination" not in one
    assert re.search(r"<th scope=\"row\">NATO</th>.*?nobody picked it", one, re.S)
    assert re.search(r'<th scope="row">The British Ministry of Defense</th>\s*<td><span class="tag right">correct', one)
    two = section(page.text, 2)
    assert "Weak discrimination: below 20%" in two
    three = section(page.text, 3)
    assert "Sputnik" in three and "1 distractor nobody picked" in three and "Very hard" not in three
    assert "Weak discrimination" in section(page.text, 4)
    five = section(page.text, 5)
    assert "Very easy: facility above 90%" in five
    assert re.search(r'<th scope="row">False</th>\s*<td><span class="tag right">correct</span></td>\s*<td>4</td>', five)


def test_item_statistics_flags_a_very_hard_question_only_with_data(app, scripted):
    quiz_id = make_quiz(app, scripted.teacher, [Q_MOD, Q_TASS], [scripted.class_id], slug="hard")
    with app.app_context():
        untouched = statistics.item_statistics(quiz_id, scripted.teacher)
    assert untouched.attempts == 0
    assert all(i.facility is None and not i.flagged and i.responses == 0 for i in untouched.items)
    assert [c.count for c in untouched.items[0].choices] == [0, 0, 0, 0]
    isw, ria = choice(app, Q_MOD, "The Institute for the Study of War"), choice(app, Q_TASS, "RIA Novosti")
    for name in ("ann", "bob", "cyd", "dee"):
        take(app, scripted.ids[name], quiz_id, [isw, ria if name != "ann" else choice(app, Q_TASS, "TASS")])
    with app.app_context():
        hard, _ = statistics.item_statistics(quiz_id, scripted.teacher).items
    assert hard.facility == 0.0 and hard.too_hard and hard.discrimination is None


def test_item_statistics_lists_the_most_frequent_short_answers_and_orderings(app, client, auth, scripted):
    quiz_id = make_quiz(app, scripted.teacher, [Q_SA, Q_ORDER], [scripted.class_id], slug="typed")
    with app.app_context():
        items = db.session.scalar(sa.select(Question).filter_by(uid=Q_ORDER)).data["items"]
    swapped = [items[1], items[0], *items[2:]]
    script = {"ann": ["MOD", items], "bob": ["mod", items], "cyd": ["M.O.D.", swapped], "dee": ["<i>Pentagon</i>", None]}
    for name, responses in script.items():
        take(app, scripted.ids[name], quiz_id, responses)
    with app.app_context():
        typed, ordering = statistics.item_statistics(quiz_id, scripted.teacher).items
    # issue 15: answers match as in Moodle, so "M.O.D." is not "MOD" (case aside, nothing is folded)
    assert [(r.text, r.count, r.correct) for r in typed.top_responses] == [
        ("MOD", 2, True), ("M.O.D.", 1, False), ("<i>Pentagon</i>", 1, False)]
    assert typed.facility == 50.0
    assert (ordering.attempts, ordering.responses) == (4, 3)
    assert ordering.top_responses[0].count == 2 and ordering.top_responses[0].correct
    assert ordering.top_responses[1].count == 1 and not ordering.top_responses[1].correct
    # dee left it unanswered: a mark of 0; cyd got 4 of 6 places right
    assert ordering.facility == pytest.approx(100 * (1 + 1 + 4 / 6 + 0) / 4)

    login(client, auth, "tess")
    page = client.get(f"/teach/quizzes/{quiz_id}/statistics")
    one = section(page.text, 1)
    assert "Most frequent responses" in one
    assert "&lt;i&gt;Pentagon&lt;/i&gt;" in one and "<i>Pentagon</i>" not in page.text
    assert re.search(r"<td>3 <span class=\"meta\">of 4</span></td>", page.text)


def test_item_statistics_of_a_bank_quiz_count_only_this_teachers_learners(app, client, auth, scripted):
    places = quiz_id_of(app, "belarus-trainers-places")
    minsk = choice(app, Q_MINSK, "Minsk")
    take(app, scripted.ids["ann"], places, [minsk])
    take(app, scripted.ids["mallory"], places, [minsk + 1])
    with app.app_context():
        mine = statistics.item_statistics(places, scripted.teacher)
        ottos = statistics.item_statistics(places, scripted.other_teacher)
    assert (mine.attempts, mine.items[0].choices[0].count) == (1, 1)
    assert (ottos.attempts, ottos.items[0].choices[0].count) == (1, 0)
    login(client, auth, "otto")
    page = client.get(f"/teach/quizzes/{places}/statistics")
    assert page.status_code == 200
    assert re.search(r"<strong>1</strong> finished attempt\s+by 1 learner enrolled", page.text)


def test_item_statistics_use_a_fixed_number_of_queries(app, scripted):
    counted = []

    def count(*args):
        counted.append(args)

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            statistics.item_statistics(scripted.quiz_id, scripted.teacher)
            few = len(counted)
            counted.clear()
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
    for name in ("fay", "gus", "hal"):
        take(app, make_learner(app, name, scripted.code), scripted.quiz_id, scripted.right)
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            statistics.item_statistics(scripted.quiz_id, scripted.teacher)
            statistics.gradebook(scripted.class_id)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
    assert few <= 8
    assert len(counted) <= few + 6  # the gradebook's handful, none per attempt


# --- authorization ------------------------------------------------------------

def result_urls(s) -> list[str]:
    return [
        f"/teach/classes/{s.class_id}/gradebook",
        f"/teach/classes/{s.class_id}/learners/{s.ids['ann']}/quizzes/{s.quiz_id}",
        f"/teach/quizzes/{s.quiz_id}/statistics",
    ]


def test_visitors_are_sent_to_log_in(client, scripted):
    for url in result_urls(scripted):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.location, url


def test_learners_are_refused(client, auth, scripted):
    login(client, auth, "ann")
    for url in result_urls(scripted):
        response = client.get(url)
        assert response.status_code == 403 and "for teachers" in response.text, url


def test_another_teacher_gets_not_found(client, auth, scripted):
    login(client, auth, "otto")
    for url in result_urls(scripted):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Quiz stats-quiz" not in response.text and "Year 9" not in response.text
    # otto's own class does not open tess's learners or quiz either
    other = f"/teach/classes/{scripted.other_class}"
    assert client.get(f"{other}/gradebook").status_code == 200
    assert client.get(f"{other}/learners/{scripted.ids['ann']}/quizzes/{scripted.quiz_id}").status_code == 404
    assert client.get(f"{other}/learners/{scripted.ids['mallory']}/quizzes/{scripted.quiz_id}").status_code == 404


def test_unknown_class_and_quiz_are_not_found(client, auth, scripted):
    login(client, auth, "tess")
    assert client.get("/teach/classes/99999/gradebook").status_code == 404
    assert client.get(f"/teach/classes/99999/learners/{scripted.ids['ann']}/quizzes/{scripted.quiz_id}").status_code == 404
    response = client.get("/teach/quizzes/99999/statistics")
    assert response.status_code == 404 and "no such quiz" in response.text
