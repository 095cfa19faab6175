"""The learner flow through the real pages, with CSRF on."""

from __future__ import annotations

import re

import sqlalchemy as sa
from markupsafe import escape

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, Question
from quizapp.services.scoring import match_options
from tests.conftest import count, csrf_token

WHOLE = "/quizzes/belarus-trainers"


def start(client, slug_path=WHOLE):
    page = client.get(slug_path)
    response = client.post(slug_path + "/start", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    return response.location  # /attempts/<id>/q/<n>


def layout(app, attempt_id):
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        from quizapp.services.attempts import slots

        return [(s.data, s.order) for s in slots(attempt)]


def answer_fields(data: dict, order: list[int], right: bool = True) -> dict:
    """The form a learner submits: right (or wrong) by shown position."""
    qtype = data["type"]
    if qtype == "multiple_choice":
        best = max(range(len(data["choices"])), key=lambda i: data["choices"][i]["weight"])
        worst = min(range(len(data["choices"])), key=lambda i: data["choices"][i]["weight"])
        return {"choice": str(order.index(best if right else worst))}
    if qtype == "multiple_response":
        wanted = [i for i, c in enumerate(data["choices"]) if (c["weight"] > 0) == right]
        return {"choice": [str(order.index(i)) for i in wanted]}
    if qtype == "true_false":
        return {"answer": "true" if data["answer"] == right else "false"}
    if qtype == "short_answer":
        return {"answer": data["accepted"][0]["text"] if right else "Nobody at all"}
    if qtype == "matching":
        options = match_options(data)
        prompted = [p for p in data["pairs"] if p.get("prompt")]
        fields = {}
        for n, pair in enumerate(prompted):
            wanted = options.index(pair["match"])
            if not right:
                wanted = next(i for i, o in enumerate(options) if o != pair["match"])
            fields[f"match-{n}"] = str(order.index(wanted))
        return fields
    if qtype == "ordering":
        n = len(data["items"])
        return {f"position-{shown}": str((index if right else n - 1 - index) + 1) for shown, index in enumerate(order)}
    raise AssertionError(f"no answer for {qtype}")


def post_answer(client, url, fields):
    page = client.get(url)
    return client.post(url, data={**fields, "csrf_token": csrf_token(page.text), "shown_at": "0"})


def attempt_id_of(url: str) -> int:
    return int(re.search(r"/attempts/(\d+)/", url).group(1))


def test_visitor_sees_quizzes_and_is_asked_to_log_in(client):
    index = client.get("/")
    assert index.status_code == 200
    assert "The whole article" in index.text and "Who said what" in index.text
    overview = client.get(WHOLE)
    assert "Log in to take this quiz" in overview.text
    assert client.post(WHOLE + "/start", data={}).status_code == 400  # no CSRF token
    page = client.get("/auth/login")
    response = client.post(WHOLE + "/start", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 302 and "/auth/login" in response.location


def test_whole_quiz_right_answers_score_full_marks_and_show_in_progress(app, client, auth, scalar):
    auth.register()
    url = start(client)
    attempt_id = attempt_id_of(url)
    questions = layout(app, attempt_id)
    assert len(questions) >= 30
    types = {data["type"] for data, _ in questions}
    assert types >= {"multiple_choice", "multiple_response", "true_false", "short_answer", "matching", "ordering"}
    for position, (data, order) in enumerate(questions, 1):
        url = f"/attempts/{attempt_id}/q/{position}"
        page = client.get(url)
        assert f"Question {position} of {len(questions)}" in page.text
        response = post_answer(client, url, answer_fields(data, order))
        assert response.status_code == 302
        feedback = client.get(url)
        assert "Right!" in feedback.text, (data["id"], feedback.text[:3000])
        assert "Belarusian Trainers: U.K.” (Newsweek, 22 December 2022)" in feedback.text and "<mark>" in feedback.text
        assert "seeds/" not in feedback.text  # the article by its title, never its file
    page = client.get(url)
    finished = client.post(f"/attempts/{attempt_id}/finish", data={"csrf_token": csrf_token(page.text)})
    review = client.get(finished.location)
    assert "100%" in review.text
    assert review.text.count('class="card"') == len(questions)
    progress = client.get("/progress")
    assert "The whole article" in progress.text and "100%" in progress.text
    assert "Who said what" in progress.text and "Nothing missed" in progress.text
    assert scalar(count(Answer)) == len(questions)


def test_wrong_answers_show_the_right_answer_and_are_missed_most(app, client, auth):
    auth.register()
    url = start(client, "/quizzes/belarus-trainers-places")
    attempt_id = attempt_id_of(url)
    questions = layout(app, attempt_id)
    for position, (data, order) in enumerate(questions, 1):
        post_answer(client, f"/attempts/{attempt_id}/q/{position}", answer_fields(data, order, right=False))
        page = client.get(f"/attempts/{attempt_id}/q/{position}")
        assert "Not quite" in page.text and "The right answer" in page.text
    page = client.get(f"/attempts/{attempt_id}/q/1")
    client.post(f"/attempts/{attempt_id}/finish", data={"csrf_token": csrf_token(page.text)})
    review = client.get(f"/attempts/{attempt_id}/review")
    assert "0%" in review.text
    progress = client.get("/progress")
    assert "missed 1 time out of 1" in progress.text
    assert questions[0][0]["stem"].split("?")[0][:40] in progress.text.replace("&#39;", "'").replace("&#34;", '"')


def test_partial_credit_for_multiple_response(app, client, auth, scalar):
    auth.register()
    url = start(client)
    attempt_id = attempt_id_of(url)
    questions = layout(app, attempt_id)
    position, (data, order) = next(
        (n, q) for n, q in enumerate(questions, 1) if q[0]["type"] == "multiple_response"
    )
    first_right = next(i for i, c in enumerate(data["choices"]) if c["weight"] > 0)
    post_answer(client, f"/attempts/{attempt_id}/q/{position}", {"choice": [str(order.index(first_right))]})
    page = client.get(f"/attempts/{attempt_id}/q/{position}")
    assert "Partly right" in page.text
    assert scalar(sa.select(Answer.score)) == data["choices"][first_right]["weight"]


def test_choices_are_shuffled_per_attempt_but_stable_on_reload(app, client, auth):
    auth.register()
    url = start(client)
    first = client.get(url).text
    choices = lambda html: re.findall(r'<span>([^<]+)</span>', html)  # noqa: E731
    assert choices(client.get(url).text) == choices(first)
    orders = set()
    for name in ("bob", "cyd", "dee", "eve"):
        client.post("/auth/logout", data={"csrf_token": csrf_token(client.get("/").text)})
        auth.register(username=name)
        orders.add(tuple(choices(client.get(start(client)).text)))
    assert len(orders | {tuple(choices(first))}) > 1


def test_an_attempt_can_be_left_and_resumed(app, client, auth):
    auth.register()
    url = start(client)
    attempt_id = attempt_id_of(url)
    (data1, order1), (data2, order2) = layout(app, attempt_id)[:2]
    post_answer(client, url, answer_fields(data1, order1))
    client.get("/")
    overview = client.get(WHOLE)
    assert "Resume your attempt" in overview.text
    resumed = start(client)
    assert resumed.endswith(f"/attempts/{attempt_id}/q/2")


def test_submitting_the_same_question_twice_counts_once(app, client, auth, scalar):
    auth.register()
    url = start(client)
    attempt_id = attempt_id_of(url)
    data, order = layout(app, attempt_id)[0]
    token = csrf_token(client.get(url).text)
    fields = {**answer_fields(data, order), "csrf_token": token}
    client.post(url, data=fields)
    wrong = {**answer_fields(data, order, right=False), "csrf_token": token}
    client.post(url, data=wrong)
    client.post(url, data=fields)
    assert scalar(count(Answer)) == 1
    assert scalar(sa.select(Attempt.score)) == 1.0


def test_question_html_holds_no_hint_of_the_correct_choice(app, client, auth):
    auth.register()
    url = start(client)
    attempt_id = attempt_id_of(url)
    for position, (data, order) in enumerate(layout(app, attempt_id), 1):
        html = client.get(f"/attempts/{attempt_id}/q/{position}").text
        for word in ("weight", "correct", "Right!", "feedback", "data-"):
            assert word not in html, (data["id"], word)
        if data["type"] in ("multiple_choice", "multiple_response"):
            values = re.findall(r'name="choice" value="(\d+)"', html)
            assert values == [str(n) for n in range(len(order))]  # positions, not indexes
        if data.get("general_feedback"):
            assert escape(data["general_feedback"]) not in html
        if data.get("source", {}).get("sentence"):
            assert '<figure class="source">' not in html


def test_tampered_choice_is_refused_and_nothing_recorded(app, client, auth, scalar):
    auth.register()
    url = start(client)
    attempt_id = attempt_id_of(url)
    data, order = layout(app, attempt_id)[0]
    assert data["type"] == "multiple_choice"
    for bad in ("99", "-1", "abc"):
        response = post_answer(client, url, {"choice": bad})
        assert response.status_code == 400
        assert "Choose one of the offered answers" in response.text
    assert scalar(count(Answer)) == 0


def test_missing_answer_asks_again(app, client, auth, scalar):
    auth.register()
    url = start(client)
    response = post_answer(client, url, {})
    assert response.status_code == 422 and "Choose an answer first" in response.text
    assert scalar(count(Answer)) == 0


def test_answer_for_a_question_not_in_the_attempt_is_404(app, client, auth, scalar):
    auth.register()
    url = start(client, "/quizzes/belarus-trainers-places")
    attempt_id = attempt_id_of(url)
    total = len(layout(app, attempt_id))
    token = csrf_token(client.get(url).text)
    response = client.post(f"/attempts/{attempt_id}/q/{total + 1}", data={"choice": "0", "csrf_token": token})
    assert response.status_code == 404 and "no question" in response.text
    assert scalar(count(Answer)) == 0


def test_answer_to_a_finished_attempt_is_refused(app, client, auth, scalar):
    auth.register()
    url = start(client)
    attempt_id = attempt_id_of(url)
    data, order = layout(app, attempt_id)[1]
    token = csrf_token(client.get(url).text)
    client.post(f"/attempts/{attempt_id}/finish", data={"csrf_token": token})
    response = client.post(f"/attempts/{attempt_id}/q/2", data={**answer_fields(data, order), "csrf_token": token})
    assert response.status_code == 409 and "finished" in response.text
    assert scalar(count(Answer)) == 0


def test_another_learners_attempt_is_not_found(app, client, auth):
    auth.register()
    url = start(client)
    client.post("/auth/logout", data={"csrf_token": csrf_token(client.get("/").text)})
    auth.register(username="mallory")
    assert client.get(url).status_code == 404
    assert client.get(url.rsplit("/q/", 1)[0] + "/review").status_code == 404


def test_unknown_quiz_is_a_404_page(client):
    response = client.get("/quizzes/no-such-quiz")
    assert response.status_code == 404 and "no quiz called" in response.text
    assert "Traceback" not in response.text


def test_answer_without_csrf_token_is_refused(app, client, auth, scalar):
    auth.register()
    url = start(client)
    data, order = layout(app, attempt_id_of(url))[0]
    response = client.post(url, data=answer_fields(data, order))
    assert response.status_code == 400 and "Form expired" in response.text
    assert scalar(count(Answer)) == 0


def test_progress_survives_a_restart(app, client, auth, db_path):
    auth.register()
    url = start(client, "/quizzes/belarus-trainers-places")
    attempt_id = attempt_id_of(url)
    for position, (data, order) in enumerate(layout(app, attempt_id), 1):
        post_answer(client, f"/attempts/{attempt_id}/q/{position}", answer_fields(data, order))
    client.post(f"/attempts/{attempt_id}/finish", data={"csrf_token": csrf_token(client.get("/").text)})
    with app.app_context():
        db.engine.dispose()

    from quizapp.app import create_app
    from tests.conftest import AuthActions, make_config

    restarted = create_app(make_config(db_path))
    fresh = restarted.test_client()
    AuthActions(fresh).login()
    progress = fresh.get("/progress")
    assert "Where" in progress.text and "100%" in progress.text
    with restarted.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) >= 30
        db.engine.dispose()
